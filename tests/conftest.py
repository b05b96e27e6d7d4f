"""Fixtures: an app on a fresh SQLite file per test, a client that speaks CSRF."""
import os
import re
import sys
import tempfile

import pytest
from argon2 import PasswordHasher

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
# app.py builds a module-level app on import: point it somewhere harmless.
os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ["DATABASE_URL"] = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "import.db")
os.environ.pop("DEMO_MODE", None)

import migrations  # noqa: E402
import models  # noqa: E402
from app import create_app  # noqa: E402

PG_URL = os.environ.get("TEST_DATABASE_URL")
TOKEN_RE = re.compile(r'"X-CSRFToken": "([^"]+)"')
# Argon2's defaults spend about 0.1 s and 64 MiB on every hash, and the suite hashes
# hundreds of passwords; tests need the scheme, not the cost. Production keeps the defaults.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def app(tmp_path):
    """An application on its own database file, schema created, cheap password hashing."""
    production_hasher = models.use_password_hasher(CHEAP_HASHER)
    application = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        # TEST_DATABASE_URL=postgresql://… runs the suite on PostgreSQL (emptied before each test).
        "DATABASE_URL": PG_URL or f"sqlite:///{tmp_path / 'test.db'}",
        "CAPTCHA_DISABLED": True,
        "SESSION_COOKIE_SECURE": False,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        # The sandbox has no outbound network; the check itself is tested against a local server.
        "SITE_CHECK": False,
    })
    with models.db.connection_context():
        if PG_URL:
            models.db.execute_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        migrations.upgrade()
    yield application
    if not models.db.is_closed():
        models.db.close()
    models.use_password_hasher(production_hasher)


class Client:
    """The Flask test client plus CSRF tokens and login, as a browser would."""

    def __init__(self, flask_client):
        self.raw = flask_client

    def get(self, url, **kwargs):
        return self.raw.get(url, **kwargs)

    def token(self):
        """A CSRF token for the current session, read off a rendered page."""
        page = self.raw.get("/", follow_redirects=True).get_data(as_text=True)
        match = TOKEN_RE.search(page)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def post(self, url, data=None, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token())
        return self.raw.post(url, data=data, **kwargs)

    def login(self, username, password):
        return self.post("/login", {"username": username, "password": password})

    def logout(self):
        return self.post("/logout")


@pytest.fixture
def client(app):
    return Client(app.test_client())


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(username="alice", password="Secret2026x", mobile="13912345678",
              role=models.User.APPLICANT, bureau=None, email=None):
    """Create and return a user with a known password."""
    user = models.User(username=username, mobile=mobile, email=email or f"{username}@example.com",
                       role=role, bureau=bureau)
    user.set_password(password)
    user.save()
    return user


@pytest.fixture
def user(app):
    return make_user()
