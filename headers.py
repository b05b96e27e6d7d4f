"""Security headers on every response: what a page may load, run and be framed by, and what the
browser sends elsewhere. Pages hold no inline script or style (static/site.js does the buttons),
so the policy allows neither; htmx's eval is off too (base.html)."""
import re

from flask import request

# Pictures also as data:/blob: for previews of chosen files.
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"
HSTS = "max-age=31536000"
# An origin a portal embeds the platform from: scheme, host (its subdomains with *.), port.
_ORIGIN = re.compile(r"https?://(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?", re.IGNORECASE)


def framing_origins(setting):
    """FRAME_ANCESTORS (origins separated by spaces or commas) as a list; anything else is refused
    at start, as it would otherwise be written into the policy."""
    origins = setting.replace(",", " ").split()
    bad = [origin for origin in origins if not _ORIGIN.fullmatch(origin)]
    if bad:
        raise RuntimeError(f"FRAME_ANCESTORS takes origins such as https://portal.example.gov.cn, not {bad[0]!r}")
    return origins


def init_app(app):
    """Add the headers to every response (pages, static files, uploads, errors)."""
    portals = framing_origins(app.config["FRAME_ANCESTORS"])
    policy = {**POLICY, "frame-ancestors": " ".join(["'self'", *portals])}
    fixed = {
        "Content-Security-Policy": "; ".join(f"{name} {value}" for name, value in policy.items()),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": PERMISSIONS,
    }
    if not portals:
        # Browsers too old for frame-ancestors; it cannot name portals, so only without any.
        fixed["X-Frame-Options"] = "SAMEORIGIN"

    @app.after_request
    def _secure(response):
        for name, value in fixed.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
