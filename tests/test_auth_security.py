"""Attacks on the account pages (issue #17) performed against the app: a cookie copied before 退出,
password guessing, account enumeration, weak passwords, captcha rows piling up, a non-ASCII next.
Every limit here is the default of config.THROTTLE."""
from datetime import timedelta
import re

import pytest

import config
import migrations
import models
import timeutil
from tests.conftest import SQLITE_UPGRADE, Client, make_user, sqlite_only
from tests.test_accounts import GOOD, field_error, last_code

LOCKED_LOGIN = "登录失败次数过多，请15分钟后再试"


@pytest.fixture
def clock(monkeypatch):
    """Move the app's clock forward: clock(minutes=16)."""
    start = timeutil.now()
    offset = timedelta()

    def travel(**delta):
        nonlocal offset
        offset += timedelta(**delta)
        monkeypatch.setattr(timeutil, "now", lambda: start + offset)
    return travel


def cookie_of(client):
    return client.raw.get_cookie("session").value


def copy_of(app, client):
    """Another browser holding a copy of client's session cookie."""
    thief = Client(app.test_client())
    thief.raw.set_cookie("session", cookie_of(client))
    return thief


# -- 3. Sessions end on the server --

@pytest.mark.parametrize("role", [models.User.APPLICANT, models.User.ADMIN])
def test_a_cookie_copied_before_logout_no_longer_works(app, client, role):
    assert not app.config["DEMO_MODE"]
    make_user("alice", role=role)
    client.login("alice", "Secret2026x")
    thief = copy_of(app, client)
    assert thief.get("/home").status_code == 200
    client.logout()
    assert thief.get("/home").status_code == 302
    assert models.UserSession.get().ended_at is not None


def test_logout_on_all_devices_from_the_profile_page(app, client, user):
    client.login("alice", "Secret2026x")
    laptop = Client(app.test_client())
    laptop.login("alice", "Secret2026x")
    copied = copy_of(app, laptop)
    page = client.get("/me").get_data(as_text=True)
    assert re.search(r'<form method="post" action="/logout/all">', page) and "退出所有设备" in page
    response = client.post("/logout/all")
    assert response.status_code == 303 and response.location.endswith("/login")
    for browser in (client, laptop, copied):
        assert browser.get("/home").status_code == 302
    assert not models.UserSession.select().where(models.UserSession.ended_at.is_null()).exists()
    # Logging in again starts a new session that works.
    client.login("alice", "Secret2026x")
    assert client.get("/home").status_code == 200


def test_logout_ends_only_its_own_session(app, client, user):
    client.login("alice", "Secret2026x")
    other = Client(app.test_client())
    other.login("alice", "Secret2026x")
    client.logout()
    assert other.get("/home").status_code == 200


def test_a_new_password_or_a_disabled_account_ends_every_session(app, client, user):
    client.login("alice", "Secret2026x")
    user = models.User.get_by_id(user.id)
    user.set_password("Yunling2026ok")
    user.save()
    assert client.get("/home").status_code == 302
    client.login("alice", "Yunling2026ok")
    models.User.get_by_id(user.id).set_active(False)
    assert client.get("/home").status_code == 302


def test_the_cookie_holds_a_session_token_not_the_user(app, client, user):
    client.login("alice", "Secret2026x")
    with client.raw.session_transaction() as session:
        token = session["_user_id"]
    row = models.UserSession.get()
    assert row.user_id == user.id and len(token) >= 40
    assert token not in row.token_hash and token != str(user.id)


def test_last_seen_is_written_at_most_once_a_minute(client, user, clock):
    client.login("alice", "Secret2026x")
    first = models.UserSession.get().last_seen_at
    clock(seconds=30)
    client.get("/home")
    assert models.UserSession.get().last_seen_at == first
    clock(seconds=40)
    client.get("/home")
    assert models.UserSession.get().last_seen_at > first


def test_a_session_idle_longer_than_the_lifetime_ends(app, client, user, clock):
    client.login("alice", "Secret2026x")
    clock(seconds=app.config["PERMANENT_SESSION_LIFETIME"] - 60)
    assert client.get("/home").status_code == 200
    clock(seconds=app.config["PERMANENT_SESSION_LIFETIME"] + 60)
    assert client.get("/home").status_code == 302


@sqlite_only("the query plan text is SQLite's")
def test_session_lookup_uses_the_token_index(app, client, user):
    sql, params = (models.UserSession.select().where(models.UserSession.token_hash == "x").sql())
    plan = " ".join(str(row) for row in models.db.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
    assert "USING INDEX" in plan and "SCAN" not in plan


@SQLITE_UPGRADE
def test_upgrade_drops_the_old_session_token_column(tmp_path):
    database = models.open_database(f"sqlite:///{tmp_path / 'v14.db'}")
    with database.connection_context():
        migrations.upgrade(database)
        database.execute_sql("ALTER TABLE user ADD COLUMN session_token VARCHAR(64) NOT NULL DEFAULT ''")
        database.execute_sql("DELETE FROM schemaversion WHERE version > 14")
        assert migrations.upgrade(database)[:1] == ["m0015_session_rows"]
        assert "session_token" not in {c.name for c in database.get_columns("user")}
        make_user()
        assert models.User.authenticate("alice", "Secret2026x")


# -- 4. Login throttling --

def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(client, user):
    token = client.token()
    for attempt in range(30):
        html = client.post("/login", {"username": "alice", "password": f"Wrong{attempt}pw", "csrf_token": token}) \
            .get_data(as_text=True)
    assert field_error(html, "password") == LOCKED_LOGIN
    response = client.login("alice", "Secret2026x")
    assert response.status_code == 200 and field_error(response.get_data(as_text=True), "password") == LOCKED_LOGIN
    assert client.get("/home").status_code == 302


def test_the_fifth_wrong_password_locks_the_name_known_or_not(client, user):
    for name in ("alice", "nobody"):
        messages = [field_error(client.login(name, "Wrong2026x").get_data(as_text=True), "password")
                    for _ in range(5)]
        assert messages == ["用户名或密码错误"] * 4 + [LOCKED_LOGIN]
    # Another account from the same address is not locked by them.
    make_user("bob", mobile="13800001111")
    assert client.login("bob", "Secret2026x").status_code == 303


def test_the_lock_ends_and_grows_each_time(client, user, clock):
    for _ in range(5):
        client.login("alice", "Wrong2026x")
    clock(minutes=16)
    messages = [field_error(client.login("ALICE", "Wrong2026x").get_data(as_text=True), "password")
                for _ in range(5)]
    assert messages[-1] == "登录失败次数过多，请30分钟后再试"
    clock(minutes=29)
    assert client.login("alice", "Secret2026x").status_code == 200
    clock(minutes=2)
    assert client.login("alice", "Secret2026x").status_code == 303


def test_a_good_login_forgets_earlier_failures(client, user):
    for _ in range(4):
        client.login("alice", "Wrong2026x")
    assert client.login("alice", "Secret2026x").status_code == 303
    client.logout()
    for _ in range(4):
        assert "用户名或密码错误" in client.login("alice", "Wrong2026x").get_data(as_text=True)


def test_one_address_trying_many_names_is_locked(client, user):
    token = client.token()
    for number in range(30):
        html = client.post("/login", {"username": f"guess{number}", "password": "Secret2026x", "csrf_token": token}) \
            .get_data(as_text=True)
    assert field_error(html, "password") == LOCKED_LOGIN
    assert client.login("alice", "Secret2026x").status_code == 200
    # The limit is per address: another one still logs in.
    other = client.raw.post("/login", data={"username": "alice", "password": "Secret2026x", "csrf_token": token},
                            environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 303


def test_limits_are_configurable(app, client, user):
    app.config["THROTTLE"] = {**app.config["THROTTLE"], "login_account": (2, 60)}
    client.login("alice", "Wrong2026x")
    assert "请1分钟后再试" in client.login("alice", "Wrong2026x").get_data(as_text=True)
    settings = {"THROTTLE": {"check_ip": [60, 600]}, "UPLOAD_MAX_KB": 1, "SECRET_KEY": "x",
                "PII_KEY": "00112233445566778899aabbccddeeff"}
    settings.update(config.from_environ({"THROTTLE": '{"check_ip": [60, 600]}'}))
    config.finish(settings)
    assert settings["THROTTLE"] == {**config.THROTTLE, "check_ip": (60, 600)}


def test_lockout_is_shared_through_the_database(client, user):
    """Workers share nothing but the database: a lock written there stops every one of them."""
    for _ in range(5):
        models.Throttle.hit("login_account", "alice", 5, 900)
    assert models.Throttle.wait("login_account", "alice") > 14 * 60
    assert field_error(client.login("alice", "Secret2026x").get_data(as_text=True), "password") == LOCKED_LOGIN


def test_sms_codes_are_limited_per_mobile(client, user, clock):
    for _ in range(5):
        assert "设置新密码" in client.post("/reset", {"mobile": "13912345678"}).get_data(as_text=True)
        clock(seconds=61)
    html = client.post("/reset", {"mobile": "13912345678"}).get_data(as_text=True)
    assert "获取验证码次数过多，请" in field_error(html, "mobile")
    assert models.OutboxMessage.select().count() == 5


def test_sms_codes_are_limited_per_address(client, user):
    for number in range(10):
        client.post("/reset", {"mobile": f"1360000{number:04d}"})
    html = client.post("/reset", {"mobile": "13912345678"}).get_data(as_text=True)
    assert "获取验证码次数过多，请60分钟后再试" in field_error(html, "mobile")
    assert not models.OutboxMessage.select().exists()


def test_a_click_within_the_resend_wait_does_not_count(client, user, clock):
    for _ in range(8):
        client.post("/reset", {"mobile": "13912345678"})
    clock(seconds=61)
    assert "设置新密码" in client.post("/reset", {"mobile": "13912345678"}).get_data(as_text=True)


# -- 5. Account enumeration --

def test_anonymous_inline_checks_are_limited(client, user):
    token = client.token()
    for number in range(30):
        client.post("/validate/register/username", {"username": f"probe{number}", "csrf_token": token})
    html = client.post("/validate/register/username", {"username": "alice"}).get_data(as_text=True)
    assert "操作过于频繁，请10分钟后再试" in html and "已被注册" not in html
    html = client.post("/validate/register/mobile", {"mobile": "13912345678"}).get_data(as_text=True)
    assert "操作过于频繁" in html and "已被注册" not in html


def test_logged_in_inline_checks_are_not_limited(client, user):
    client.login("alice", "Secret2026x")
    token = client.token()
    for number in range(40):
        html = client.post("/validate/register/username", {"username": f"probe{number}", "csrf_token": token}) \
            .get_data(as_text=True)
    assert "操作过于频繁" not in html


def _same_page(html, mobile):
    html = html.replace(mobile, "MOBILE")
    return re.sub(r'(name="csrf_token" type="hidden" value=|"X-CSRFToken": )"[^"]+"', "", html)


def test_reset_answers_alike_for_registered_and_unknown_numbers(app, user):
    registered, unknown = Client(app.test_client()), Client(app.test_client())
    pages = {}
    for browser, mobile in ((registered, "13912345678"), (unknown, "13600000001")):
        first = browser.post("/reset", {"mobile": mobile}).get_data(as_text=True)
        again = browser.post("/reset", {"mobile": mobile}).get_data(as_text=True)
        wrong = browser.post("/reset/confirm", {"mobile": mobile, "code": "000000", "password": "Yunling2026ok",
                                                "password2": "Yunling2026ok"}).get_data(as_text=True)
        pages[mobile] = [_same_page(page, mobile) for page in (first, again, wrong)]
    assert pages["13912345678"] == pages["13600000001"]
    assert "发送过于频繁" in pages["13600000001"][1]
    # Only the registered number got a message.
    assert [m.mobile for m in models.OutboxMessage.select()] == ["13912345678"]


def test_the_unknown_numbers_code_never_resets_anything(client, user):
    client.post("/reset", {"mobile": "13600000001"})
    code = models.SmsCode.get(models.SmsCode.mobile == "13600000001")
    assert not models.OutboxMessage.select().exists() and code.used_at is None


# -- 10. Weak passwords, captcha rows, non-ASCII next --

WEAK = ["aaaaaaa1", "Passw0rd2026", "12345678a", "Qwerty2026", "Secret2026"]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused_at_register(client, password):
    html = client.post("/register", dict(GOOD, password=password, password2=password)).get_data(as_text=True)
    assert "密码过于简单" in field_error(html, "password")
    assert not models.User.select().exists()


def test_a_password_made_of_the_mobile_is_refused(client):
    html = client.post("/register", dict(GOOD, password="a13957812345", password2="a13957812345")) \
        .get_data(as_text=True)
    assert "密码过于简单" in field_error(html, "password")


def test_weak_passwords_are_refused_for_officers_and_admins(app, client, runner, lishui_bureau):
    make_user("root", role=models.User.ADMIN, mobile="13700000001")
    client.login("root", "Secret2026x")
    officer = {"username": "cop9", "bureau": str(lishui_bureau.id), "mobile": "13800009999",
               "email": "cop9@example.com", "password": "aaaaaaa1", "password2": "aaaaaaa1"}
    html = client.post("/admin/officers", officer).get_data(as_text=True)
    assert "密码过于简单" in field_error(html, "password")
    result = runner.invoke(args=["create-admin", "--username", "root2", "--mobile", "13700000009",
                                 "--email", "root2@example.com"], input="aaaaaaa1\naaaaaaa1\n")
    assert result.exit_code != 0 and "密码过于简单" in result.output
    assert models.User.select().count() == 1


def test_captcha_rows_expire_and_are_deleted(app, client):
    app.config["CAPTCHA_DISABLED"] = False
    for _ in range(40):
        client.get("/login")
    assert models.CaptchaChallenge.select().count() == 40
    models.CaptchaChallenge.update(created_at=timeutil.now() - timedelta(minutes=16)).execute()
    for _ in range(4):
        client.get("/login")
    assert models.CaptchaChallenge.select().count() == 4


@pytest.mark.parametrize("htmx", [True, False])
def test_a_non_ascii_next_is_followed_encoded(client, user, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post("/login?next=/query?q=丽水山居", {"username": "alice", "password": "Secret2026x"},
                           headers=headers)
    assert response.status_code == (200 if htmx else 303)
    target = response.headers["HX-Redirect" if htmx else "Location"]
    assert target.endswith("/query?q=%E4%B8%BD%E6%B0%B4%E5%B1%B1%E5%B1%85")
