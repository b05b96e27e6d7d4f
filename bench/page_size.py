"""Print bytes on the wire (compressed) for the first load of key pages.

Usage: .venv/bin/python bench/page_size.py   (make bench)
Loads each page and every stylesheet, script and image it references, as a
browser with an empty cache would, through the real app on a scratch database,
and prints raw, gzip and br sizes. Targets live in the issues, not in tests.
"""
import datetime
import os
import re
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("PII_KEY", "00112233445566778899aabbccddeeff")
os.environ["DATABASE_URL"] = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.db")

import migrations  # noqa: E402
import models  # noqa: E402
import timeutil  # noqa: E402
from tests.factories import assessment_steps, make_service, make_subject  # noqa: E402
from app import create_app  # noqa: E402

ASSET_RE = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"')
PAGES = ["/login", "/register", "/"]


def wire_size(client, url, encoding):
    response = client.get(url, headers={"Accept-Encoding": encoding})
    body = response.get_data()
    return len(body), response


def measure(client, url):
    rows = []
    raw, response = wire_size(client, url, "identity")
    html = response.get_data(as_text=True)
    for target in [url] + ASSET_RE.findall(html):
        target = target.replace("&amp;", "&")
        sizes = [wire_size(client, target, enc)[0] for enc in ("identity", "gzip", "br")]
        rows.append((target, *sizes))
    return rows


def print_rows(title, rows):
    print(f"\n{title}")
    print(f"  {'resource':58} {'raw':>8} {'gzip':>8} {'br':>8}")
    for target, raw, gz, br in rows:
        print(f"  {target[:58]:58} {raw:8d} {gz:8d} {br:8d}")
    totals = [sum(r[i] for r in rows) for i in (1, 2, 3)]
    print(f"  {'TOTAL':58} {totals[0]:8d} {totals[1]:8d} {totals[2]:8d}")


def post_size(client, url, data, token):
    """Bytes of an htmx POST answer (a fragment), raw / gzip / br."""
    sizes = []
    for encoding in ("identity", "gzip", "br"):
        response = client.post(url, data={**data, "csrf_token": token},
                               headers={"HX-Request": "true", "Accept-Encoding": encoding})
        sizes.append(len(response.get_data()))
    return (url + " " + data.get("action", ""), *sizes)


def subject_form(app):
    """新增主体 for a logged-in applicant: first load, then each htmx exchange."""
    with models.db.connection_context():
        models.Bureau.get_or_create(division_code="331100", defaults={"name": "丽水市公安局网络警察支队"})
        user = models.User(username="bench", mobile="13912345678", email="b@example.com")
        user.set_password("Bench2026pass")
        user.save()
    client = app.test_client()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "bench", "password": "Bench2026pass", "csrf_token": token})
    print_rows("first load of /subject/new (logged in)", measure(client, "/subject/new"))
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/subject/new").get_data(as_text=True)).group(1)
    typed = {"nature": "单位", "unit_kind": "企业单位", "name": "丽水市云岭科技有限公司",
             "cert_type": "统一社会信用代码", "cert_number": "91330106673959654Q"}
    print_rows("htmx exchanges on /subject/new", [
        post_size(client, "/subject/new", {**typed, "province": "330000", "action": "refresh"}, token),
        post_size(client, "/subject/new", {**typed, "nature": "个人", "action": "refresh"}, token),
        post_size(client, "/subject/new", {**typed, "action": "autosave"}, token),
        post_size(client, "/validate/subject/cert_number", typed, token),
    ])


def bureau_pages(app):
    """审核工作台 and 业务统计 (its SVG chart drawn on the server) for an officer with a year of filings."""
    with models.db.connection_context():
        bureau = models.Bureau.get(models.Bureau.division_code == "331100")
        officer = models.User(username="benchcop", mobile="13912340000", email="c@example.com",
                              role=models.User.OFFICER, bureau=bureau)
        officer.set_password("Bench2026pass")
        officer.save()
        owner = models.User.get(models.User.username == "bench")
        subject = make_subject(owner, bureau=bureau)
        now = timeutil.now()
        for n in range(240):
            models.Application.create(owner=owner, subject=subject, bureau=bureau,
                                      kind=list(models.BUSINESSES)[n % 4], status=models.Application.STATUSES[n % 6],
                                      submitted_at=now - datetime.timedelta(days=n * 1.5))
    client = app.test_client()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "benchcop", "password": "Bench2026pass", "csrf_token": token})
    for url in ("/review/dashboard", "/review"):
        print_rows(f"first load of {url} (240 applications, a third of them open)", measure(client, url)[:1])


def filing_steps(app):
    """【APP基本信息】 and 【小程序基本信息】 first loads, and ticking a platform (htmx)."""
    client = app.test_client()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "bench", "password": "Bench2026pass", "csrf_token": token})
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/home").get_data(as_text=True)).group(1)
    for flow in ("app", "miniapp"):
        step = client.post(f"/apply/{flow}", data={"action": "next", "csrf_token": token}).headers["Location"]
        print_rows(f"first load of 【{'APP' if flow == 'app' else '小程序'}基本信息】", measure(client, step))
        if flow == "app":
            print_rows("htmx exchange on 【APP基本信息】", [
                post_size(client, step, {"platforms": "android", "action": "refresh"}, token)])


def assessment_steps_sizes(app):
    """新办安全评估: each step's first load (技术措施 holds five measures, each with its documents)."""
    with models.db.connection_context():
        owner = models.User.get(models.User.username == "bench")
        subject = models.Subject.get(models.Subject.owner == owner)
        site = make_service(subject, name="丽水山居旅游网", domains=("bbs.lsly.cn",), record_number="浙公网安备 33110002000099号",
                            data={"domains": ["bbs.lsly.cn"], "interactive_items": ["论坛/BBS"]})
    client = app.test_client()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "bench", "password": "Bench2026pass", "csrf_token": token})
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/home").get_data(as_text=True)).group(1)
    step = client.post("/apply/assessment", data={"action": "next", "csrf_token": token}).headers["Location"]
    with models.db.connection_context():
        models.Draft.update(data={"steps": assessment_steps(site), "furthest": "conclusion"}).where(
            models.Draft.kind == models.Application.NEW_ASSESSMENT).execute()
    base = step.rsplit("/", 1)[0]
    for name, title in (("scope", "评估对象"), ("management", "安全管理"), ("measures", "技术措施"),
                        ("conclusion", "评估结论"), ("review", "核对信息")):
        print_rows(f"first load of 【{title}】 (新办安全评估)", measure(client, f"{base}/{name}")[:1])


def main():
    app = create_app({"CAPTCHA_DISABLED": False})
    with models.db.connection_context():
        migrations.upgrade()
    for page in PAGES:
        client = app.test_client()
        rows = measure(client, page)
        print_rows(f"first load of {page}", rows)
    app.config["CAPTCHA_DISABLED"] = True
    subject_form(app)
    bureau_pages(app)
    filing_steps(app)
    assessment_steps_sizes(app)


if __name__ == "__main__":
    main()
