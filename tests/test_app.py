"""Factory, configuration and the cross-cutting defaults of every response."""

import pytest

import config
from app import create_app
from tests.conftest import sqlite_only


def test_testing_config_and_defaults(app):
    assert app.config["TESTING"]
    assert app.config["UPLOAD_MAX_KB"] == 512
    assert app.config["MAX_CONTENT_LENGTH"] >= 512 * 1024
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None


def test_environment_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("UPLOAD_MAX_KB", "400")
    monkeypatch.setenv("CAPTCHA_DISABLED", "1")
    monkeypatch.setenv("SMS_BACKEND", "outbox")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    application = create_app()
    assert application.config["UPLOAD_MAX_KB"] == 400
    assert application.config["CAPTCHA_DISABLED"] is True
    assert application.config["SECRET_KEY"] == "from-env"
    assert application.config["MAX_CONTENT_LENGTH"] == 400 * 1024 * 8 + 64 * 1024


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_demo_mode_serves_plain_http_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("DEMO_MODE", "1")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    application = create_app({"SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert application.config["SESSION_COOKIE_SECURE"] is False


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.delenv("DEMO_MODE", raising=False)
    application = create_app({"SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert application.config["SESSION_COOKIE_SECURE"] is True


def test_bool_parsing():
    assert config.from_environ({"CAPTCHA_DISABLED": "true", "DEMO_MODE": "0"}) == {
        "CAPTCHA_DISABLED": True, "DEMO_MODE": False}


@sqlite_only("PRAGMA settings")
def test_sqlite_pragmas(app):
    import models
    with models.db.connection_context():
        assert models.db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert models.db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert models.db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 10000


def test_vary_header_and_chinese_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/register", {"username": "bob"}, csrf=False)
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)


def test_csrf_token_in_htmx_header_is_accepted(client):
    token = client.token()
    response = client.raw.post("/logout", headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/"


def test_pages_are_compressed(client):
    response = client.get("/static/htmx.min.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"


def test_dev_outbox_hidden_outside_demo_mode(client):
    assert client.get("/dev/outbox").status_code == 404


def test_dev_outbox_in_demo_mode(app, client):
    import models
    app.config["DEMO_MODE"] = True
    models.OutboxMessage.record("13800138000", "【公安联网备案】测试短信")
    page = client.get("/dev/outbox").get_data(as_text=True)
    assert "测试短信" in page
