"""Bytes and time of the 新办网站申请 wizard, as a slow connection sees it.

Usage: .venv/bin/python bench/wizard.py   (make bench)
1. Bytes on the wire (gzip, as the app compresses them) for the first load of
   step 2 with its assets, each htmx step swap, and one inline check.
2. Seconds to go through all four steps and submit in Chromium, with the network
   throttled to 50 KB/s and 2 s latency (Chrome DevTools network emulation).
Targets live in the issue (first load ≤ 30 KB, step swap ≤ 5 KB, inline check ≤ 1 KB).
"""
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
FOLDER = tempfile.mkdtemp()
os.environ.update(SECRET_KEY="bench", DATABASE_URL=f"sqlite:///{FOLDER}/bench.db", DEMO_MODE="1",
                  CAPTCHA_DISABLED="1", UPLOAD_FOLDER=f"{FOLDER}/uploads")

import models  # noqa: E402
from app import create_app  # noqa: E402
from tests.factories import make_id  # noqa: E402

BASIC = {"site_name": "丽水山居旅游网", "domain": "lsshanju.cn", "other_domains": "", "home_url": "lsshanju.cn",
         "ips": "47.96.1.10", "access_provider": "阿里云计算有限公司", "registrar": "阿里云计算有限公司",
         "service_types": "单位门户网站", "languages": "中文简体", "icp_number": "浙ICP备12345678号-1"}
PEOPLE = {f"{p}-{k}": v for p, seq in (("owner", 1), ("security", 2), ("emergency", 3)) for k, v in {
    "name": "陈立新", "id_type": "居民身份证", "id_number": make_id(seq=seq), "mobile": f"1390578000{seq}",
    "office_phone": "0578-2786359", "email": f"{p}@example.com"}.items()}
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="([^"]+)"')


def gz(response):
    return len(response.get_data())


def bytes_report():
    app = create_app()
    with models.db.connection_context():
        subprocess.run([sys.executable, "-m", "flask", "--app", "app", "init-db"], cwd=ROOT, check=True,
                       capture_output=True)
        subprocess.run([sys.executable, "-m", "flask", "--app", "app", "seed-demo"], cwd=ROOT, check=True,
                       capture_output=True)
    client = app.test_client()
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "demo", "password": "Demo2026pass", "csrf_token": token})
    # Step 1 only shows the subject; the draft begins with its 【下一步】.
    token = TOKEN.search(client.get("/apply/website?draft=new").get_data(as_text=True)).group(1)
    start = client.post("/apply/website", data={"action": "next", "csrf_token": token})
    base = start.headers["Location"].rsplit("/", 1)[0]
    gzip_only = {"Accept-Encoding": "gzip"}
    htmx = {"HX-Request": "true", **gzip_only}
    token = TOKEN.search(client.get(base + "/subject").get_data(as_text=True)).group(1)
    rows = [("step swap 开办主体 → 网站基本信息",
             gz(client.post(base + "/subject", data={"action": "next", "csrf_token": token}, headers=htmx)))]
    page = client.get(base + "/basic", headers=gzip_only)
    first = gz(page) + sum(gz(client.get(a.replace("&amp;", "&"), headers=gzip_only))
                           for a in ASSET.findall(client.get(base + "/basic").get_data(as_text=True)))
    rows.insert(0, ("first load of step 2 (page + css + htmx.js)", first))
    rows.append(("inline check (网站主域名, bad value)",
                 gz(client.post(base + "/basic", data={**BASIC, "domain": "http://x", "action": "check:domain",
                                                       "csrf_token": token}, headers=htmx))))
    rows.append(("step swap 网站基本信息 → 网站负责人",
                 gz(client.post(base + "/basic", data={**BASIC, "action": "next", "csrf_token": token},
                                headers=htmx))))
    rows.append(("step swap 网站负责人 → 提示说明",
                 gz(client.post(base + "/people", data={**PEOPLE, "action": "next", "csrf_token": token},
                                headers=htmx))))
    rows.append(("autosave answer", gz(client.post(base + "/people", data={**PEOPLE, "action": "autosave",
                                                                            "csrf_token": token}, headers=htmx))))
    print("bytes on the wire, gzip")
    for label, size in rows:
        print(f"  {label:44} {size:7d}")


def timed_run():
    from playwright.sync_api import sync_playwright
    port = 5977
    server = subprocess.Popen([sys.executable, "-m", "waitress", "--listen", f"127.0.0.1:{port}", "app:app"],
                              cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                        args=["--no-sandbox"])
            page = browser.new_page(base_url=f"http://127.0.0.1:{port}")
            page.set_default_timeout(120000)
            page.goto("/login")
            page.fill("#username", "demo")
            page.fill("#password", "Demo2026pass")
            page.click("button.primary")
            page.wait_for_url("**/home")
            cdp = page.context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 2000,
                                                          "downloadThroughput": 50 * 1024,
                                                          "uploadThroughput": 50 * 1024})
            began = time.time()
            page.goto("/apply/website?draft=new")
            page.get_by_role("heading", name="开办主体").wait_for()
            page.get_by_role("button", name="下一步").click()
            page.get_by_role("heading", name="网站基本信息").wait_for()
            page.wait_for_timeout(100)
            for name in ("site_name", "domain", "home_url", "ips", "access_provider", "registrar", "icp_number"):
                page.fill(f"#{name}", BASIC[name].replace("lsshanju", "lsshanju2"))
            page.get_by_label("单位门户网站").check()
            page.get_by_label("中文简体").check()
            page.get_by_role("button", name="下一步").click()
            page.get_by_role("heading", name="网站负责人").wait_for()
            page.wait_for_timeout(100)
            for name, value in PEOPLE.items():
                if not name.endswith("id_type"):
                    page.fill(f"#{name}", value)
            page.get_by_role("button", name="下一步").click()
            page.get_by_role("heading", name="提示说明").wait_for()
            page.wait_for_timeout(100)
            page.get_by_label("我已阅读信息网络安全保护方案").check()
            page.get_by_role("button", name="下一步：核对信息").click()
            page.get_by_role("button", name="提交").click()
            page.get_by_text("提交成功").wait_for()
            print(f"\nall four steps, review and submit at 50 KB/s, 2 s latency: {time.time() - began:.1f} s")
            browser.close()
    finally:
        server.terminate()


if __name__ == "__main__":
    bytes_report()
    timed_run()
