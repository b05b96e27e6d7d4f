"""Fixtures: an app on a fresh SQLite file per test, a client that speaks CSRF."""
import datetime
import os
import re
import sys
import tempfile
from types import SimpleNamespace

import pytest
from argon2 import PasswordHasher

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
# app.py builds a module-level app on import: point it somewhere harmless.
os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ.setdefault("PII_KEY", "0123456789abcdef0123456789abcdef")
os.environ["DATABASE_URL"] = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "import.db")
os.environ.pop("DEMO_MODE", None)

import migrations  # noqa: E402
import models  # noqa: E402
from app import create_app  # noqa: E402

PG_URL = os.environ.get("TEST_DATABASE_URL")


def sqlite_only(reason):
    """Skip in the PostgreSQL run (make test-pg) a test about SQLite itself; the SQLite run has it."""
    return pytest.mark.skipif(bool(PG_URL), reason=f"SQLite only: {reason}")


# Upgrade tests load SQLite snapshots of older releases into their own file: on PostgreSQL they repeat.
SQLITE_UPGRADE = sqlite_only("upgrades a SQLite snapshot of an older release")
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


# -- Shared actors and rows (a valid subject under the 丽水 bureau, its officer, a filed site) --

from tests.factories import (app_steps, appstore_steps, make_bureau, make_subject, miniapp_steps,  # noqa: E402
                             provider_steps, unit_steps, website_steps)
from wizard.engine import FLOWS  # noqa: E402

APPLICANT_PASSWORD = "Secret2026x"


@pytest.fixture
def lishui_bureau(app):
    """The 丽水 city bureau (331100), which reviews filings from 莲都区."""
    return make_bureau()


@pytest.fixture
def applicant(client, lishui_bureau):
    """alice, logged in on client, with a valid subject (丽水市云岭科技有限公司) under the 丽水 bureau:
    .client, .user, .subject, .bureau."""
    user = make_user(password=APPLICANT_PASSWORD)
    subject = make_subject(user, bureau=lishui_bureau)
    assert client.login(user.username, APPLICANT_PASSWORD).status_code == 303
    return SimpleNamespace(client=client, user=user, subject=subject, bureau=lishui_bureau)


@pytest.fixture
def officer(app, lishui_bureau):
    """A Client logged in as an officer (民警) of the 丽水 bureau; .user is the officer."""
    user = make_user("cop", mobile="13800002222", role=models.User.OFFICER, bureau=lishui_bureau)
    officer = Client(app.test_client())
    assert officer.login("cop", APPLICANT_PASSWORD).status_code == 303
    officer.user = user
    return officer


def file_through_flow(app, flow, subject, steps, **links):
    """File as 【提交】 does: a draft of flow holding steps (every step reached), then
    flow.finalize_once; links: service= (变更) or imported= (未备案/认领). Returns the application."""
    with app.test_request_context():
        draft = models.Draft(owner=subject.owner_id, kind=flow.kind, subject=subject, **links)
        draft.store({"steps": steps, "furthest": flow.steps[-1].name}, step=flow.steps[-1].name)
        return flow.finalize_once(draft, flow.draft_context(draft))


@pytest.fixture
def filed_site(app, applicant, officer):
    """The applicant's 已备案 website 丽水山居旅游网 (lsly.cn, www.lsly.cn) with its Domain rows,
    filed through the 新办网站 flow and business and approved by the officer."""
    application = file_through_flow(app, FLOWS[models.Application.NEW_WEBSITE], applicant.subject,
                                    website_steps())
    application.decide(True, reviewer=officer.user.id)
    site = models.Service.get_by_id(application.service_id)
    assert site.status == models.Service.FILED and site.record_number
    return site


def _filed(app, officer, flow_kind, subject, steps):
    application = file_through_flow(app, FLOWS[flow_kind], subject, steps)
    application.decide(True, reviewer=officer.user.id)
    service = models.Service.get_by_id(application.service_id)
    assert service.status == models.Service.FILED
    assert bool(service.record_number) == bool(models.BUSINESSES[flow_kind].number_kind)
    return service


@pytest.fixture
def filed_app(app, applicant, officer):
    """The applicant's 已备案 APP 丽水山居旅游 (com.lsly.lvyou, api.lsly.cn), filed and approved."""
    return _filed(app, officer, models.Application.NEW_APP, applicant.subject, app_steps(applicant.user.id))


@pytest.fixture
def filed_miniapp(app, applicant, officer):
    """The applicant's 已备案 微信小程序 丽水山居旅游 (wx1234567890abcdef), filed and approved."""
    return _filed(app, officer, models.Application.NEW_MINIAPP, applicant.subject, miniapp_steps())


@pytest.fixture
def filed_provider(app, applicant, officer):
    """The applicant's subject 丽水市云岭科技有限公司 filed as a 服务商 (网络接入/IDC and 域名注册)."""
    return _filed(app, officer, models.Application.NEW_PROVIDER, applicant.subject, provider_steps(applicant.user.id))


@pytest.fixture
def filed_appstore(app, applicant, officer):
    """The applicant's 已备案 应用市场 丽水应用商店 (apps.lsly.cn)."""
    return _filed(app, officer, models.Application.NEW_APPSTORE, applicant.subject, appstore_steps(applicant.user.id))


@pytest.fixture
def filed_unit(app, applicant, officer):
    """The applicant's subject filed as a 联网单位 (IP登记), approved by the officer."""
    applicant.bureau.ip_instant = False    # to the officer, so the fixture decides it
    applicant.bureau.save()
    return _filed(app, officer, models.Application.NEW_UNIT, applicant.subject, unit_steps(applicant.user.id))


@pytest.fixture
def imported_site(applicant, lishui_bureau):
    """An offline filing (网站认领, 丽水乡村旅游网 lsxc.cn with its old 公安备案号) imported by the
    bureau under the applicant's certificate, waiting to be claimed."""
    subject = applicant.subject
    return models.ImportedSite.create(bureau=lishui_bureau, kind=models.ImportedSite.OFFLINE, domain="lsxc.cn",
                                      name="丽水乡村旅游网", subject_name=subject.name,
                                      cert_number=subject.cert_number, deadline=datetime.date(2099, 3, 31),
                                      record_number="浙公网安备 33110002000007号")
