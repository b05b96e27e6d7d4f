"""Write vNN.sql: a SQLite database as the release of each schema version left it, with data.

Run once per schema version from the repository root (it checks out each release into a scratch
folder and runs that release's own code there, with the shared virtualenv):

    python tests/data/schemas/generate.py            # every version in RELEASES
    python tests/data/schemas/generate.py 6 10       # some of them

Each release creates its schema with its own `flask init-db`, then this file's fill() writes, through
that release's own models, a valid subject, a filed website and a website under review (with their
applications and, from version 8 on, their Domain rows). tests/test_upgrades.py loads each dump,
upgrades it with today's code and checks that the rows are intact and served.
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))

# Schema version → the commit that introduced it (version 1: the first release with subjects and
# websites; eda18b7, the very first commit, cannot start: its forms/account.py imports a
# forms/rules.py committed only in da3ea5b). Version 0 is version 1 without the schemaversion
# table and without office_hours_summer (the bureau table before m0001), written by the test.
RELEASES = {
    1: "63df4cb", 2: "fc53524", 3: "35dce32", 4: "ed84e5f", 5: "82af3be", 6: "f097d3f", 7: "dc72725",
    8: "f4aa36c", 9: "c90a9e0", 10: "48fd32b", 11: "36ed6e9", 12: "f15ae90", 13: "9a8d86b",
    14: "255b5e1", 15: "1100ad9", 16: "b74061d", 17: "b42643b",
}

# Runs inside the old release's folder, with its models (python fill.py DATABASE_URL).
FILL = r'''
import json, sys
from argon2 import PasswordHasher
from app import create_app
import migrations, models

app = create_app({"TESTING": True, "SECRET_KEY": "schema-snapshot", "DATABASE_URL": sys.argv[1],
                  "PII_KEY": "0123456789abcdef0123456789abcdef"})
# The tests log in with these passwords: hashed cheaply, as the tests' own hasher does.
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def has(model, name):
    return name in model._meta.fields


def json_value(model, name, value):
    kind = type(model._meta.fields[name]).__name__
    return value if "JSON" in kind else json.dumps(value, ensure_ascii=False)


def create(model, **values):
    return model.create(**{k: v for k, v in values.items() if has(model, k)})


with app.app_context(), models.db.connection_context():
    version = migrations.current_version(models.db.obj)
    with models.db.atomic():
        bureau = create(models.Bureau, name="丽水市公安局网络警察支队", division_code="331100",
                        address="丽水市莲都区人民街615号", phone="0578-2786359", office_hours="08:30-12:00")
        demo = create(models.User, username="demo", password_hash=CHEAP.hash("Demo2026pass"),
                      mobile="13800001111", email="demo@example.com", role="applicant")
        officer = create(models.User, username="officer", password_hash=CHEAP.hash("Officer2026pass"),
                         mobile="13800002222", email="officer@example.com", role="officer", bureau=bureau)
        facts = {"nature": "单位", "unit_kind": "企业", "name": "丽水市云岭科技有限公司",
                 "cert_type": "营业执照", "cert_number": "91331102MA2E0DEM01", "investor": "张建国",
                 "region_code": "331102", "address": "丽水市莲都区丽阳街100号", "leader_name": "张建国",
                 "leader_id_type": "居民身份证",
                 "leader_id_number": "331102198001011237", "leader_residence": "丽水市莲都区",
                 "leader_office_phone": "0578-2123456", "leader_mobile": "13800001111",
                 "leader_email": "zhang@example.com"}
        now = models.timeutil.now()
        subject = create(models.Subject, owner=demo, bureau=bureau, status="有效", approved_at=now, **facts)
        create(models.Application, owner=demo, subject=subject, kind="新增主体", status="已通过",
               bureau=bureau, data=json_value(models.Application, "data", facts), reviewer=officer,
               decided_at=now)
        site_model = getattr(models, "Service", None) or models.Website

        def site(name, domains, status, record_number, application_status):
            filed = {"site_name": name, "domains": domains, "home_url": "https://" + domains[0],
                     "ips": ["47.98.10.1"], "access_provider": "阿里云计算有限公司",
                     "registrar": "阿里云计算有限公司", "service_types": ["网站"], "interactive_items": [],
                     "pre_approvals": ["新闻"],
                     "dangerous_goods": "否", "dangerous_licence": "", "languages": ["中文"],
                     "icp_number": "浙ICP备2026000001号-1", "people": {}}
            basic = {"site_name": [name], "pre_approvals": ["新闻"]}
            if version >= 9:   # one 文号 per ticked item from release nine on
                filed["pre_approval_details"] = {"新闻": {"number": "33120180001",
                                                          "authority": "浙江省委网信办"}}
                basic["approval_news_number"] = ["33120180001"]
            else:
                filed["pre_approval_numbers"] = "33120180001"
                basic["pre_approval_numbers"] = ["33120180001"]
            data = json_value(site_model, "data", filed) if has(site_model, "data") else None
            service = create(site_model, owner=demo, subject=subject, name=name, domain=domains[0],
                             status=status, record_number=record_number, interactive=False, data=data)
            if version < 2:    # release one had no website filings yet: the row alone
                return
            wizard = {"steps": {"basic": basic}, "reached": 3}
            payload = {"filed" if version >= 8 else "website": filed, "wizard": wizard, "last_step": "notice"}
            filed_now = status == "已备案"
            # The link is website before release eight, service from then on (create() keeps the one there).
            application = create(models.Application, owner=demo, subject=subject, kind="新办网站",
                                 status=application_status, bureau=bureau, website=service, service=service,
                                 data=json_value(models.Application, "data", payload),
                                 reviewer=officer if filed_now else None, decided_at=now if filed_now else None)
            if hasattr(models, "Domain"):
                for host in domains:
                    create(models.Domain, domain=host, registrable=".".join(host.split(".")[-2:]),
                           kind="website", service=service, application=None if filed_now else application,
                           live=filed_now)

        site("丽水旅游网", ["lsly.cn", "www.lsly.cn"], "已备案", "浙公网安备33110202000001号",
             "已通过")
        site("丽水民宿网", ["lsms.cn"], "待审核", None, "待审核")
        if has(models.Upload, "service"):
            # Releases nine and ten tied an APP's icon to its service (upload.service_id).
            app_service = create(site_model, kind="app", owner=demo, subject=subject, name="丽水山居旅游",
                                 domain="api.lsly.cn", status="已备案",
                                 record_number="浙公网安备33110202000002号",
                                 data=json_value(site_model, "data", {"app_name": "丽水山居旅游"}))
            create(models.Application, owner=demo, subject=subject, kind="新办APP", status="已通过",
                   bureau=bureau, service=app_service, data=json_value(models.Application, "data", {"filed": {}}),
                   reviewer=officer, decided_at=now)
            create(models.Upload, owner=demo, purpose="app_icon", stored_name="icon-v9.png",
                   content_type="image/png", size=68, sha256="0" * 64, service=app_service)
'''


def build(version, commit, out):
    """The dump of a database made by the release at commit."""
    scratch = tempfile.mkdtemp(prefix=f"schema-v{version}-")
    try:
        tar = subprocess.run(["git", "-C", ROOT, "archive", commit], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", scratch], input=tar, check=True)
        database = os.path.join(scratch, "beian.db")
        env = {**os.environ, "SECRET_KEY": "schema-snapshot", "DATABASE_URL": f"sqlite:///{database}",
               "PII_KEY": "0123456789abcdef0123456789abcdef", "UPLOAD_FOLDER": os.path.join(scratch, "uploads")}
        env.pop("DEMO_MODE", None)
        flask = os.path.join(os.path.dirname(sys.executable), "flask")
        subprocess.run([flask, "--app", "app", "init-db"], cwd=scratch, env=env, check=True)
        with open(os.path.join(scratch, "fill.py"), "w", encoding="utf-8") as handle:
            handle.write(FILL)
        subprocess.run([sys.executable, "fill.py", f"sqlite:///{database}"], cwd=scratch, env=env, check=True)
        connection = sqlite3.connect(database)
        (made,) = connection.execute("SELECT max(version) FROM schemaversion").fetchone()
        assert made == version, f"{commit} made version {made}, not {version}"
        with open(out, "w", encoding="utf-8") as handle:
            handle.write(f"-- Schema version {version}, made by commit {commit} (tests/data/schemas/generate.py)\n")
            for line in connection.iterdump():
                handle.write(line + "\n")
        connection.close()
    finally:
        shutil.rmtree(scratch)


if __name__ == "__main__":
    wanted = [int(arg) for arg in sys.argv[1:]] or list(RELEASES)
    for number in wanted:
        target = os.path.join(HERE, f"v{number:02d}.sql")
        build(number, RELEASES[number], target)
        print(f"v{number:02d}.sql ← {RELEASES[number]}")
