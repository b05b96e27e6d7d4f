"""注册, 登录, 退出, 找回密码 and 信用认证 through the test client."""
from datetime import timedelta
import re

import argon2
import pytest

import models
import timeutil
from tests.conftest import make_user

GOOD = {"username": "zhangsan", "password": "Lishui2026ok", "password2": "Lishui2026ok",
        "mobile": "13957812345", "email": "zs@example.com"}


def field_error(html, field_id):
    """The error text rendered inside one field's wrapper."""
    match = re.search(r'id="field-%s".*?</div>' % field_id, html, re.S)
    assert match, f"field {field_id} not on page"
    errors = re.findall(r'class="error"[^>]*>([^<]+)<', match.group(0))
    return " ".join(errors)


def test_register_creates_account_with_hashed_password(client):
    response = client.post("/register", GOOD)
    assert response.status_code == 303
    user = models.User.get(models.User.username == "zhangsan")
    assert user.password_hash.startswith("$argon2")
    assert "Lishui2026ok" not in user.password_hash
    assert user.role == models.User.APPLICANT
    assert user.mobile_verified_at is None


def _cost(password_hash):
    params = argon2.extract_parameters(password_hash)
    return params.time_cost, params.memory_cost, params.parallelism


def test_tests_hash_cheaply(user):
    assert _cost(user.password_hash) == (1, 8, 1) and user.check_password("Secret2026x")


def test_without_the_test_app_passwords_get_argon2_defaults():
    # No app fixture here: what production (and the live browser server) hashes with.
    user = models.User(username="prod")
    user.set_password("Secret2026x")
    defaults = argon2.PasswordHasher()
    assert _cost(user.password_hash) == (defaults.time_cost, defaults.memory_cost, defaults.parallelism)


def test_register_accepts_plus86_mobile(client):
    client.post("/register", dict(GOOD, mobile="+86 139 5781 2345"))
    assert models.User.get(models.User.username == "zhangsan").mobile == "13957812345"


@pytest.mark.parametrize("again", ["008613957812345", "+86 139 5781 2345", "+86(139)5781-2345",
                                   "１３９５７８１２３４５"])
def test_one_mobile_cannot_register_twice_in_another_spelling(client, again):
    assert client.post("/register", GOOD).status_code == 303
    response = client.post("/register", dict(GOOD, username="lisi", email="ls@example.com", mobile=again))
    assert response.status_code == 200
    assert "该手机号码已被注册" in field_error(response.get_data(as_text=True), "mobile")
    assert [u.mobile for u in models.User.select()] == ["13957812345"]


def test_mobile_input_is_long_enough_for_the_rules_own_examples(client):
    from forms.rules import RULES
    examples = next(r for r in RULES if r.code == "mobile").good
    tag = re.search(r'<input[^>]*id="mobile"[^>]*>', client.get("/register").get_data(as_text=True)).group(0)
    assert int(re.search(r'maxlength="(\d+)"', tag).group(1)) >= max(len(e) for e in examples)


@pytest.mark.parametrize("change, field, message", [
    ({"username": "alice"}, "username", "该用户名已被注册"),
    ({"username": "ALICE"}, "username", "该用户名已被注册"),
    ({"mobile": "13912345678"}, "mobile", "该手机号码已被注册"),
    ({"mobile": "1391234567"}, "mobile", "手机"),
    ({"mobile": "12012345678"}, "mobile", "手机"),
    ({"email": "zs@@example"}, "email", "电子邮箱格式不正确"),
    ({"email": ""}, "email", "请填写电子邮箱"),
    ({"password": "short1", "password2": "short1"}, "password", "密码长度应为8至32位"),
    ({"password": "abcdefghij", "password2": "abcdefghij"}, "password", "须同时包含字母和数字"),
    ({"password": "zhangsan2026", "password2": "zhangsan2026"}, "password", "包含用户名"),
    ({"password2": "Different2026"}, "password2", "两次输入的密码不一致"),
    ({"username": "1abc"}, "username", "以字母开头"),
])
def test_register_refuses_bad_input_without_writing(client, user, change, field, message):
    before = models.User.select().count()
    response = client.post("/register", dict(GOOD, **change))
    assert response.status_code == 200
    assert message in field_error(response.get_data(as_text=True), field)
    assert models.User.select().count() == before


def test_register_keeps_typed_values_after_an_error(client):
    html = client.post("/register", dict(GOOD, email="bad")).get_data(as_text=True)
    assert 'value="zhangsan"' in html
    assert 'value="13957812345"' in html


def test_wrong_captcha_is_refused(app, client):
    app.config["CAPTCHA_DISABLED"] = False
    html = client.get("/register").get_data(as_text=True)
    assert 'alt="图形验证码"' in html
    response = client.post("/register", dict(GOOD, captcha="0000"))
    assert "验证码错误" in field_error(response.get_data(as_text=True), "captcha")
    assert not models.User.select().exists()


def test_right_captcha_is_accepted_once(app, client):
    app.config["CAPTCHA_DISABLED"] = False
    client.get("/register")
    challenge = models.CaptchaChallenge.select().order_by(models.CaptchaChallenge.id.desc()).first()
    image = client.get(f"/captcha/{challenge.token}.png")
    assert image.status_code == 200 and image.data[:4] == b"\x89PNG"
    response = client.post("/register", dict(GOOD, captcha=challenge.answer.lower()))
    assert response.status_code == 303
    assert models.CaptchaChallenge.get_by_id(challenge.id).used
    assert not models.CaptchaChallenge.solve(challenge.token, challenge.answer)


def test_captcha_image_only_for_own_session(app, client):
    app.config["CAPTCHA_DISABLED"] = False
    challenge = models.CaptchaChallenge.new()
    assert client.get(f"/captcha/{challenge.token}.png").status_code == 404


def test_refresh_captcha_keeps_what_was_typed(app, client):
    app.config["CAPTCHA_DISABLED"] = False
    client.get("/register")
    html = client.post("/register", dict(GOOD, refresh_captcha="1")).get_data(as_text=True)
    assert 'value="zhangsan"' in html
    assert 'class="error"' not in html
    assert not models.User.select().exists()


def test_login_and_logout(client, user):
    response = client.login("alice", "Secret2026x")
    assert response.status_code == 303 and response.headers["Location"].endswith("/home")
    home = client.get("/home").get_data(as_text=True)
    assert "系统首页" in home and "alice" in home
    assert models.User.get_by_id(user.id).last_login_at is not None
    client.logout()
    assert client.get("/home").status_code == 302


@pytest.mark.parametrize("username, password", [("alice", "Wrong2026x"), ("nobody", "Secret2026x")])
def test_login_failure_message_is_the_same(client, user, username, password):
    response = client.login(username, password)
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "password") == "用户名或密码错误"


def test_disabled_account_cannot_log_in(client, user):
    user.active = False
    user.save()
    assert "用户名或密码错误" in client.login("alice", "Secret2026x").get_data(as_text=True)


def test_login_regenerates_the_session(client, user):
    with client.raw.session_transaction() as session:
        session["planted"] = "by-attacker"
    client.login("alice", "Secret2026x")
    with client.raw.session_transaction() as session:
        assert "planted" not in session


def test_login_follows_only_local_next(client, user):
    assert client.post("/login?next=/me", {"username": "alice", "password": "Secret2026x"}) \
        .headers["Location"].endswith("/me")
    client.logout()
    assert client.post("/login?next=https://evil.example/", {"username": "alice", "password": "Secret2026x"}) \
        .headers["Location"].endswith("/home")


def last_code(mobile):
    body = models.OutboxMessage.select().where(models.OutboxMessage.mobile == mobile) \
        .order_by(models.OutboxMessage.id.desc()).first().body
    return re.search(r"验证码为(\d{6})", body).group(1)


def test_password_reset_by_sms_code(client, user):
    response = client.post("/reset", {"mobile": "13912345678"})
    assert "设置新密码" in response.get_data(as_text=True)
    code = last_code("13912345678")
    response = client.post("/reset/confirm", {"mobile": "13912345678", "code": code,
                                             "password": "Yunling2026ok", "password2": "Yunling2026ok"})
    assert response.status_code == 303
    assert client.login("alice", "Yunling2026ok").status_code == 303


def test_reset_ends_other_sessions(app, client, user):
    other = app.test_client()
    from tests.conftest import Client
    other = Client(other)
    other.login("alice", "Secret2026x")
    assert other.get("/home").status_code == 200
    client.post("/reset", {"mobile": "13912345678"})
    client.post("/reset/confirm", {"mobile": "13912345678", "code": last_code("13912345678"),
                                   "password": "Yunling2026ok", "password2": "Yunling2026ok"})
    assert other.get("/home").status_code == 302


def test_reset_code_cannot_be_reused(client, user):
    client.post("/reset", {"mobile": "13912345678"})
    code = last_code("13912345678")
    data = {"mobile": "13912345678", "code": code, "password": "Yunling2026ok", "password2": "Yunling2026ok"}
    assert client.post("/reset/confirm", data).status_code == 303
    response = client.post("/reset/confirm", dict(data, password="Other2026pw", password2="Other2026pw"))
    assert "已使用" in field_error(response.get_data(as_text=True), "code")
    assert client.login("alice", "Yunling2026ok").status_code == 303


def test_expired_reset_code_is_refused(client, user, monkeypatch):
    client.post("/reset", {"mobile": "13912345678"})
    code = last_code("13912345678")
    later = timeutil.now() + timedelta(minutes=11)
    monkeypatch.setattr(timeutil, "now", lambda: later)
    response = client.post("/reset/confirm", {"mobile": "13912345678", "code": code,
                                             "password": "Yunling2026ok", "password2": "Yunling2026ok"})
    assert "已过期" in field_error(response.get_data(as_text=True), "code")
    assert models.User.get_by_id(user.id).check_password("Secret2026x")


def test_wrong_code_counts_attempts(client, user):
    client.post("/reset", {"mobile": "13912345678"})
    code = last_code("13912345678")
    wrong = "000000" if code != "000000" else "111111"
    data = {"mobile": "13912345678", "password": "Yunling2026ok", "password2": "Yunling2026ok"}
    for _ in range(models.SmsCode.MAX_ATTEMPTS):
        assert "验证码错误" in client.post("/reset/confirm", dict(data, code=wrong)).get_data(as_text=True)
    html = client.post("/reset/confirm", dict(data, code=code)).get_data(as_text=True)
    assert "错误次数过多" in html


def test_reset_for_unknown_mobile_sends_nothing_and_says_the_same(client, user):
    html = client.post("/reset", {"mobile": "13600000001"}).get_data(as_text=True)
    assert "如该号码已注册，验证码已发送" in html
    assert not models.OutboxMessage.select().exists()


def test_resend_is_throttled(client, user):
    client.post("/reset", {"mobile": "13912345678"})
    html = client.post("/reset", {"mobile": "13912345678"}).get_data(as_text=True)
    assert "发送过于频繁" in html
    assert models.OutboxMessage.select().count() == 1


def test_mobile_credit_verification(client, user):
    client.login("alice", "Secret2026x")
    assert "未认证" in client.get("/me").get_data(as_text=True)
    client.post("/me/verify/send")
    message = models.OutboxMessage.get()
    assert message.mobile == "13912345678" and message.body.startswith("【公安联网备案】")
    assert "139****5678" in client.get("/me").get_data(as_text=True)
    html = client.post("/me/verify", {"code": "12"}).get_data(as_text=True)
    assert "6位数字" in field_error(html, "code")
    client.post("/me/verify", {"code": last_code("13912345678")})
    assert models.User.get_by_id(user.id).mobile_verified_at is not None
    assert "已认证" in client.get("/me").get_data(as_text=True)


def test_profile_needs_login(client):
    response = client.get("/me")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_home_lists_bureaus(client):
    models.Bureau.create(name="博湖县公安局网安大队", division_code="652829",
                         office_hours="10:00-14:00,16:00-19:30", office_hours_summer="09:30-13:30,16:00-19:30")
    make_user("root", role=models.User.ADMIN, mobile="13700000001")
    client.login("root", "Secret2026x")
    html = client.get("/home").get_data(as_text=True)
    assert "博湖县公安局网安大队" in html and "（夏）" in html
