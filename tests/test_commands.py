"""The flask CLI commands."""
import os
import subprocess

import click
import pytest

import commands
import models
from tests.conftest import ROOT, make_user


def test_init_db_is_idempotent(runner):
    assert "最新" in runner.invoke(args=["init-db"]).output
    assert runner.invoke(args=["init-db"]).exit_code == 0


def test_create_admin_asks_for_password(runner):
    result = runner.invoke(args=["create-admin", "--username", "root", "--mobile", "13700000009",
                                 "--email", "root@example.com"], input="Admin2026pw\nAdmin2026pw\n")
    assert result.exit_code == 0, result.output
    admin = models.User.get(models.User.username == "root")
    assert admin.role == models.User.ADMIN and admin.check_password("Admin2026pw")


def test_create_admin_refuses_weak_password(runner):
    result = runner.invoke(args=["create-admin", "--username", "root", "--mobile", "13700000009",
                                 "--email", "root@example.com"], input="123\n123\n")
    assert result.exit_code != 0
    assert not models.User.select().exists()


def test_seed_demo_only_in_demo_mode(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code != 0
    assert not models.User.select().exists()
    app.config["DEMO_MODE"] = True
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "officer" in result.output
    assert models.Bureau.select().count() == 11
    boh = models.Bureau.get(models.Bureau.division_code == "652829")
    assert boh.phone == "0996-6627259" and boh.office_hours_summer.startswith("09:30")
    lishui = models.Bureau.get(models.Bureau.division_code == "331100")
    assert lishui.instant_approval and lishui.interactive_review_days == 5   # seed 000: 即审即办 / 5个工作日
    officer = models.User.get(models.User.username == "officer")
    assert officer.bureau.name == "丽水市公安局网络警察支队"
    assert models.Provider.select().where(models.Provider.kind == models.Provider.REGISTRAR).count() >= 3
    # The demo applicant has a valid subject with pictures, to try 变更/注销/移交 at once.
    subject = models.Subject.get()
    assert (subject.owner.username, subject.status, subject.bureau.division_code) == ("demo", "有效", "331100")
    assert all(getattr(subject, name) for name in models.Subject.UPLOAD_FIELDS)
    # Running it again adds nothing twice.
    runner.invoke(args=["seed-demo"])
    assert models.Bureau.select().count() == 11 and models.User.select().count() == 3
    # …and owns a filed APP (icon and three screenshots), a 小程序 and a forum site, filed through their flows.
    assert models.Subject.select().count() == 1 and models.Upload.select().count() == 3 + 4
    filed = {s.kind: s for s in models.Service.select().where(models.Service.subject == subject)}
    assert set(filed) == {"app", "miniapp", "website"} and {s.status for s in filed.values()} == {"已备案"}
    # The forum site owes a 安全评估 report from its approval on.
    assert filed["website"].assessment_trigger == "上线或新增功能"
    assert models.Upload.select().join(models.FilingPicture).join(models.Application).where(models.Application.service == filed["app"]).count() == 4
    assert {k.value for k in models.ServiceKey.select().where(models.ServiceKey.live)} == {
        "cn.lsdemo.tour", "wx5a3c9e1d7f2b4c60"}
    # 未备案网站 and 网站认领 to try, under the demo subject's certificate; the 塔里木 guide is seed 001's.
    assert {s.kind for s in models.ImportedSite.waiting_for(subject.owner, "网站认领")} == {"网站认领"}
    assert models.ImportedSite.waiting_for(subject.owner, "未备案网站").count() == 1
    assert models.ImportedSite.select().count() == 2
    assert "开发区辖区" in models.Bureau.get(models.Bureau.division_code == "652800").guide_text()["basis"]


def test_seed_demo_marks_the_database_it_makes(app, runner):
    app.config["DEMO_MODE"] = True
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert models.DatabaseFlag.is_set(models.DatabaseFlag.DEMO)
    with app.app_context():
        assert f"演示数据库：{commands.database_location()}" in result.output
        commands.require_demo_database()   # a command adding test data may go on
    assert runner.invoke(args=["seed-demo"]).exit_code == 0   # and make run starts again


def test_seed_demo_refuses_a_database_holding_real_data(app, runner):
    """Issue #22: make run in a production folder added admin/Admin2026pass to the real register."""
    result = runner.invoke(args=["create-admin", "--username", "root", "--mobile", "13700000009",
                                 "--email", "root@example.com"], input="Admin2026pw\nAdmin2026pw\n")
    assert result.exit_code == 0, result.output
    app.config["DEMO_MODE"] = True
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "不是演示数据库" in result.output and "instance/demo.db" in result.output
    assert [u.username for u in models.User.select()] == ["root"]
    assert not models.Bureau.select().exists() and not models.DatabaseFlag.select().exists()


def test_commands_adding_test_data_require_a_demo_database(app):
    make_user()
    with app.app_context(), pytest.raises(click.ClickException, match="不是演示数据库"):
        commands.require_demo_database()


def test_database_location_names_the_file_or_hides_the_password():
    assert commands.database_location("sqlite:////srv/beian/instance/demo.db") == "/srv/beian/instance/demo.db"
    assert commands.database_location("postgresql://beian:s3cret@db.lishui/beian") == \
        "postgresql://beian:***@db.lishui/beian"


def test_make_run_serves_its_own_demo_database_and_uploads():
    """A production folder's DATABASE_URL and UPLOAD_FOLDER are not the demo's."""
    plan = subprocess.run(["make", "-n", "run", "VENV=.venv"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": "sqlite:////srv/beian/instance/beian.db"}).stdout
    assert f"DATABASE_URL=sqlite:///{ROOT}/instance/demo.db" in plan
    assert f"UPLOAD_FOLDER={ROOT}/instance/demo-uploads" in plan
    assert "demo database: instance/demo.db" in plan
