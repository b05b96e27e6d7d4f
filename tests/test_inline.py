"""Inline validation answers with the field wrapper, small enough for slow links."""
import pytest


@pytest.mark.parametrize("field, value, message", [
    ("mobile", "1391234", "手机"),
    ("email", "x@", "电子邮箱格式不正确"),
    ("username", "alice", "该用户名已被注册"),
])
def test_bad_value_returns_wrapper_with_message(client, user, field, value, message):
    response = client.post(f"/validate/register/{field}", {field: value}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.startswith(f'<div class="field invalid" id="field-{field}">')
    assert message in html
    assert len(response.get_data()) < 1024


def test_good_value_clears_the_message(client):
    html = client.post("/validate/register/mobile", {"mobile": "13957812345"}).get_data(as_text=True)
    assert 'class="error"' not in html and 'value="13957812345"' in html
    assert 'hx-post="/validate/register/mobile"' in html


def test_register_page_wires_inline_checks(client):
    html = client.get("/register").get_data(as_text=True)
    assert 'hx-post="/validate/register/email"' in html
    assert 'hx-post="/validate/register/captcha"' not in html


@pytest.mark.parametrize("url", ["/validate/nope/mobile", "/validate/register/captcha",
                                 "/validate/register/password",
                                 "/validate/register/password2"])
def test_unknown_form_or_field_is_404(client, url):
    assert client.post(url, {}).status_code == 404


def test_inline_check_needs_csrf(client):
    assert client.post("/validate/register/mobile", {"mobile": "1"}, csrf=False).status_code == 400
