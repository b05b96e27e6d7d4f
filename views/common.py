"""Helpers the blueprints share: redirects that suit htmx, role checks."""
import functools
from urllib.parse import urlsplit

from flask import abort, make_response, redirect, request
from flask_login import current_user, login_required

def finish(url):
    """End a POST: htmx gets HX-Redirect, a plain browser a 303 redirect."""
    if request.headers.get("HX-Request"):
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def safe_next(target, fallback):
    """Only same-site relative paths may be a post-login destination."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return fallback


def role_required(*roles):
    """Let only logged-in users of the given roles in; others get 404."""
    def decorate(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)
        return wrapped
    return decorate
