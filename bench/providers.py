"""Time of one 【查询网络接入服务商】 lookup (what each pause in typing costs) as the provider
directory grows.

Usage: .venv/bin/python bench/providers.py   (make bench)
5,000 providers spread over the provinces and the four kinds, a tenth of them retired; each
line is the mean of 200 lookups in one province: by two names (exact and prefix matches ranked
first), and the whole region with no name.
"""
import os
import random
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
FOLDER = tempfile.mkdtemp()
os.environ.update(SECRET_KEY="bench", PII_KEY="00112233445566778899aabbccddeeff",
                  DATABASE_URL=f"sqlite:///{FOLDER}/bench.db", UPLOAD_FOLDER=f"{FOLDER}/up")

import divisions  # noqa: E402
import migrations  # noqa: E402
import models  # noqa: E402
import timeutil  # noqa: E402
from app import create_app  # noqa: E402

WORDS = ["电信", "移动", "联通", "广电", "云计算", "数据", "网络", "信息", "科技", "宽带"]


def add_providers(count):
    """count providers in random counties, kinds and names; every tenth retired."""
    rng = random.Random(2026)
    counties = [d.code for d in divisions.table().counties()]
    kinds = list(models.Provider.KINDS)
    now = timeutil.now()
    rows = [{"name": f"{rng.choice(WORDS)}{rng.choice(WORDS)}{i:04d}有限公司", "kind": kinds[i % len(kinds)],
             "region_code": rng.choice(counties), "licence": "", "retired": i % 10 == 0, "created_at": now}
            for i in range(count)]
    with models.db.atomic():
        for start in range(0, count, 500):
            models.Provider.insert_many(rows[start:start + 500]).execute()


def timed(label, kind, province, name, runs=200):
    start = time.perf_counter()
    for _ in range(runs):
        found = models.Provider.offered(kind, province, name)
    print(f"{label:<34s} {(time.perf_counter() - start) / runs * 1000:6.2f} ms  ({len(found)} offered)")


def main():
    create_app({"CAPTCHA_DISABLED": True})
    with models.db.connection_context():
        migrations.upgrade()
        add_providers(5000)
        print("provider lookup, 5,000 providers:")
        timed("  name “电信” in 浙江", models.Provider.ACCESS, "330000", "电信")
        timed("  name “数据” in 广东", models.Provider.ACCESS, "440000", "数据")
        timed("  no name, all of 北京", models.Provider.REGISTRAR, "110000", "")


if __name__ == "__main__":
    main()
