"""Security headers: a Content-Security-Policy with no inline script, style or eval (and pages that need
none), framing only by the platform and the portals configured, HSTS over HTTPS."""
import pathlib
import re

import pytest

from app import create_app
from tests.conftest import ROOT

TEMPLATES = pathlib.Path(ROOT, "templates")


def _policy(response):
    return dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))


@pytest.mark.parametrize("url", ["/", "/login", "/query", "/static/site.css", "/no-such-page"])
def test_every_response_carries_the_headers(client, url):
    response = client.get(url)
    policy = _policy(response)
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["img-src"] == "'self' data: blob:" and policy["frame-ancestors"] == "'self'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers   # plain HTTP (the demo): no HSTS


def test_hsts_only_over_https(client):
    response = client.get("/login", base_url="https://beian.example.gov.cn")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_portals_named_in_frame_ancestors_may_embed_the_platform(app, tmp_path):
    portal = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"],
                         "FRAME_ANCESTORS": "https://zwfw.zj.gov.cn, https://*.lishui.gov.cn:8443"})
    response = portal.test_client().get("/login")
    assert _policy(response)["frame-ancestors"] == "'self' https://zwfw.zj.gov.cn https://*.lishui.gov.cn:8443"
    # X-Frame-Options cannot name them: without it, browsers go by frame-ancestors.
    assert "X-Frame-Options" not in response.headers


@pytest.mark.parametrize("setting", ["*", "https://a.cn; script-src *", "'unsafe-inline'", "zwfw.zj.gov.cn"])
def test_anything_but_origins_in_frame_ancestors_is_refused_at_start(app, setting):
    with pytest.raises(RuntimeError, match="FRAME_ANCESTORS"):
        create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "FRAME_ANCESTORS": setting})


# What the policy refuses: an inline script or handler, htmx's hx-on (eval), an inline style.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)|\bon[a-z]+\s*=|hx-on|javascript:|<style|\bstyle\s*=", re.IGNORECASE)


def test_no_template_holds_inline_script_or_style():
    found = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        if template.name == "_badge.html":
            # The code an owner pastes into their own site keeps its inline style; the platform's pages
            # show the preview, which has none (test_the_badge_preview_has_no_inline_style).
            text = re.sub(r"\{% if not preview %\}.*?\{% endif %\}|\{% else %\}.*?\{% endif %\}", "", text)
        found += [f"{template.relative_to(TEMPLATES)}: {match.group(0)}" for match in INLINE.finditer(text)]
    assert not found


def test_htmx_may_not_eval_nor_add_inline_style(client):
    page = client.get("/login").get_data(as_text=True)
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', page).group(1)
    assert '"allowEval":false' in config and '"includeIndicatorStyles":false' in config
    assert re.search(r'<script src="/static/site.js\?v=\w+" defer></script>', page)


def test_the_badge_preview_has_no_inline_style_and_its_code_keeps_it(client, filed_site):
    client.login("alice", "Secret2026x")
    page = client.get(f"/websites/{filed_site.id}").get_data(as_text=True)
    preview, code = page.split('<textarea id="badge-html"', 1)
    assert 'class="record-badge"' in preview and not INLINE.search(preview.split("<main>", 1)[1])
    assert "style=&#34;display:inline-block" in code   # the pasted code looks the same on the owner's site
    assert 'data-copy="badge-html"' in page
