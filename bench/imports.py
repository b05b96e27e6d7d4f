"""Time of the checks a county bureau's server does as its register grows.

Usage: .venv/bin/python bench/imports.py   (make bench)
1. One duplicate-domain check (what every 网站主域名 inline check and step costs)
   against 1,000 and 10,000 filed sites.
2. Importing a 2,000-row 未备案网站 CSV through the officer's page (every row
   checked before anything is stored) against 10,000 filed sites.
"""
import datetime
import io
import os
import re
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
FOLDER = tempfile.mkdtemp()
os.environ.update(SECRET_KEY="bench", PII_KEY="00112233445566778899aabbccddeeff",
                  DATABASE_URL=f"sqlite:///{FOLDER}/bench.db", UPLOAD_FOLDER=f"{FOLDER}/up")

import migrations  # noqa: E402
import models  # noqa: E402
from app import create_app  # noqa: E402
from tests.factories import USCC, make_bureau, make_subject  # noqa: E402


def add_sites(owner, subject, start, count):
    """Filed sites with two domains each, their Domain rows as filing leaves them."""
    with models.db.atomic():
        for i in range(start, start + count):
            hosts = [f"site{i}.cn", f"www.site{i}.cn"]
            site = models.Service.create(owner=owner, subject=subject, name=f"演示站{i}", domain=hosts[0],
                                         status="已备案", data={"domains": hosts, "home_url": hosts[1]})
            models.Domain.insert_many([{"domain": host, "registrable": hosts[0], "kind": site.kind, "service": site.id,
                                        "live": True, "created_at": site.created_at} for host in hosts]).execute()


def main():
    app = create_app({"CAPTCHA_DISABLED": True})
    with models.db.connection_context():
        migrations.upgrade()
        bureau = make_bureau()
        owner = models.User(username="owner", mobile="13800000000", email="o@example.com")
        owner.set_password("Bench2026pass")
        owner.save()
        subject = make_subject(owner, bureau=bureau)
        officer = models.User(username="cop", mobile="13800000001", email="c@example.com", role="officer",
                              bureau=bureau)
        officer.set_password("Bench2026pass")
        officer.save()
        done = 0
        for size in (1000, 10000):
            add_sites(owner, subject, done, size - done)
            done = size
            start = time.perf_counter()
            for i in range(100):
                models.Service.blocking(f"free{i}.cn", subject, models.Service.WEBSITE)
            print(f"duplicate-domain check, {size:6d} filed sites: {(time.perf_counter() - start) * 10:.1f} ms")
    client = app.test_client()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "cop", "password": "Bench2026pass", "csrf_token": token})
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/review/imported").get_data(as_text=True)).group(1)
    deadline = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
    text = "域名,网站名称,主体名称,证件号码,截止日期\n" + "\n".join(
        f"new{i}.cn,待备案网站{i},丽水市云岭科技有限公司,{USCC},{deadline}" for i in range(2000))
    start = time.perf_counter()
    response = client.post("/review/imported/upload", content_type="multipart/form-data", data={
        "kind": "未备案网站", "file": (io.BytesIO(text.encode()), "list.csv"), "csrf_token": token})
    elapsed = time.perf_counter() - start
    with models.db.connection_context():
        imported = models.ImportedSite.select().count()
    print(f"2,000-row CSV import against 10,000 filed sites: {elapsed:.1f} s "
          f"(HTTP {response.status_code}, {imported} imported)")


if __name__ == "__main__":
    main()
