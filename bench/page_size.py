"""Print bytes on the wire (compressed) for the first load of key pages.

Usage: .venv/bin/python bench/page_size.py   (make bench)
Loads each page and every stylesheet, script and image it references, as a
browser with an empty cache would, through the real app on a scratch database,
and prints raw, gzip and br sizes. Targets live in the issues, not in tests.
"""
import os
import re
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("SECRET_KEY", "bench")
os.environ["DATABASE_URL"] = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.db")

import migrations  # noqa: E402
import models  # noqa: E402
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


def main():
    app = create_app({"CAPTCHA_DISABLED": False})
    with models.db.connection_context():
        migrations.upgrade()
    for page in PAGES:
        client = app.test_client()
        rows = measure(client, page)
        print(f"\nfirst load of {page}")
        print(f"  {'resource':58} {'raw':>8} {'gzip':>8} {'br':>8}")
        for target, raw, gz, br in rows:
            print(f"  {target[:58]:58} {raw:8d} {gz:8d} {br:8d}")
        totals = [sum(r[i] for r in rows) for i in (1, 2, 3)]
        print(f"  {'TOTAL':58} {totals[0]:8d} {totals[1]:8d} {totals[2]:8d}")


if __name__ == "__main__":
    main()
