"""Upgrades from every schema version, with data, to today's schema.

tests/data/schemas/vNN.sql is a database as the release that introduced version NN left it (made by
that release's own code: tests/data/schemas/generate.py), holding a valid subject, a filed website, a
website under review and their applications. Each is upgraded with today's migrations and must end
exactly as a fresh database is shaped, with its rows intact and served by the pages.
"""
import os
import re
import sqlite3

import pytest

import migrations
import models
from app import create_app
from tests.conftest import CHEAP_HASHER, SQLITE_UPGRADE, Client

pytestmark = SQLITE_UPGRADE

SCHEMAS = os.path.join(os.path.dirname(__file__), "data", "schemas")
NEWEST = migrations.MIGRATIONS[-1][0]
SNAPSHOTS = sorted(int(name[1:3]) for name in os.listdir(SCHEMAS) if re.fullmatch(r"v\d\d\.sql", name))
SUBJECT = "丽水市云岭科技有限公司"


def test_every_older_schema_version_has_a_snapshot():
    """A new migration needs the database of the version before it (run generate.py for it)."""
    assert set(range(1, NEWEST)) <= set(SNAPSHOTS)


def load(version, path):
    """A database file as release `version` left it (version 0: release one before migrations)."""
    connection = sqlite3.connect(path)
    with open(os.path.join(SCHEMAS, f"v{max(version, 1):02d}.sql"), encoding="utf-8") as handle:
        connection.executescript(handle.read())
    if version == 0:
        # Before m0001: no record of migrations, and bureaus without summer hours.
        connection.executescript("DROP TABLE schemaversion; ALTER TABLE bureau DROP COLUMN office_hours_summer;")
    connection.close()


def shape(database):
    """Tables with their column names, and indexes with their columns, uniqueness and condition."""
    tables = {name: sorted(column.name for column in database.get_columns(name)) for name in database.get_tables()}
    indexes = {}
    for name in tables:
        for index in database.get_indexes(name):
            condition = re.search(r"\bWHERE\b(.*)$", index.sql or "", re.S)
            indexes[index.name] = (name, index.columns, index.unique,
                                   re.sub(r'[\s"]+', " ", condition.group(1)).strip() if condition else None)
    return tables, indexes


@pytest.fixture
def fresh_shape(tmp_path):
    database = models.open_database(f"sqlite:///{tmp_path / 'fresh.db'}")
    with database.connection_context():
        migrations.upgrade(database)
        return shape(database)


def upgraded_app(path, tmp_path):
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret-key", "DATABASE_URL": f"sqlite:///{path}",
                       "CAPTCHA_DISABLED": True, "SESSION_COOKIE_SECURE": False, "SITE_CHECK": False,
                       "UPLOAD_FOLDER": str(tmp_path / "uploads")})


def logged_in(app, username, password):
    client = Client(app.test_client())
    assert client.login(username, password).status_code == 303
    return client


@pytest.mark.parametrize("version", [0] + SNAPSHOTS)
def test_upgrade_from_schema_version(version, tmp_path, fresh_shape):
    path = tmp_path / f"v{version}.db"
    load(version, path)
    production_hasher = models.use_password_hasher(CHEAP_HASHER)
    app = upgraded_app(path, tmp_path)
    try:
        with models.db.connection_context():
            ran = migrations.upgrade()
            assert ran == [func.__name__ for number, func in migrations.MIGRATIONS if number > version]
            assert migrations.current_version(models.db.obj) == NEWEST
            assert shape(models.db.obj) == fresh_shape
            assert not models.db.execute_sql("PRAGMA foreign_key_check").fetchall()

            subject = models.Subject.get()
            assert (subject.name, subject.status, subject.cert_number, subject.leader_id_number) == (
                SUBJECT, "有效", "91331102MA2E0DEM01", "331102198001011237")
            assert models.Subject.select().where(models.Subject.cert_lookup("91331102MA2E0DEM01")).count() == 1
            assert models.Bureau.get().kind_days == {} and models.Bureau.get().guide_text()["faq"]
            calendar = models.Holiday.calendar()
            assert calendar.known(2026) and not calendar.known(2027)    # chinesecalendar's years are complete
            site = models.Service.get(models.Service.name == "丽水旅游网")
            assert (site.kind, site.status, site.record_number) == (
                "website", "已备案", "浙公网安备33110202000001号")
            hosts = {(d.domain, d.live) for d in models.Domain.select().where(models.Domain.service == site)}
            if version >= 2:
                assert site.data["domains"] == ["lsly.cn", "www.lsly.cn"]
                assert site.data["pre_approval_details"]["新闻"]["number"] == "33120180001"
                assert hosts == {("lsly.cn", True), ("www.lsly.cn", True)}
                filed = models.Application.get(models.Application.service == site)
                assert filed.data["filed"]["pre_approval_details"]["新闻"]["number"] == "33120180001"
                assert filed.data["wizard"]["steps"]["basic"]["approval_news_number"] == ["33120180001"]
                pending = models.Application.get(models.Application.status == "待审核")
                assert (pending.kind, pending.service.name) == ("新办网站", "丽水民宿网")
            else:
                # Release one kept a website's one domain in a column; m0008 made its Domain row.
                assert hosts == {("lsly.cn", True)}
                pending = None
            icons = models.Upload.select().where(models.Upload.purpose == "app_icon")
            for icon in icons:
                # Releases nine and ten tied an APP's icon to its service: its approved filing names it now.
                named = models.FilingPicture.select().where(models.FilingPicture.upload == icon)
                assert [p.application.kind for p in named] == ["新办APP"]

        demo = logged_in(app, "demo", "Demo2026pass")
        home = demo.get("/home").get_data(as_text=True)
        assert SUBJECT in home and "丽水旅游网" in home
        page = demo.get(f"/websites/{site.id}").get_data(as_text=True)
        assert "浙公网安备33110202000001号" in page and "lsly.cn" in page
        applications = demo.get("/applications").get_data(as_text=True)
        assert "新增主体" in applications
        assert "浙公网安备33110202000001号" in demo.get("/query?q=lsly.cn").get_data(as_text=True)
        if pending is not None:
            assert "丽水民宿网" in demo.get(f"/applications/{pending.id}").get_data(as_text=True)
            officer = logged_in(app, "officer", "Officer2026pass")
            assert "丽水民宿网" in officer.get("/review").get_data(as_text=True)
            review = officer.get(f"/review/{pending.id}").get_data(as_text=True)
            assert "丽水民宿网" in review and SUBJECT in review
            assert officer.post(f"/review/{pending.id}/approve").status_code in (200, 303)
            with models.db.connection_context():
                approved = models.Service.get(models.Service.name == "丽水民宿网")
                assert approved.status == "已备案" and approved.record_number
    finally:
        if not models.db.is_closed():
            models.db.close()
        models.use_password_hasher(production_hasher)
