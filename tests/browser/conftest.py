"""A real server (waitress in a subprocess) on a fresh database, and Debian's Chromium."""
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import Browser

from tests.conftest import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium; Playwright cannot download its own here."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync"]}


@pytest.fixture(scope="session")
def live_folder(tmp_path_factory):
    """Where the live server keeps its database file and uploads."""
    return tmp_path_factory.mktemp("live")


@pytest.fixture
def live_db(live_folder):
    """A raw connection to the live server's database, for steps of parts not built yet."""
    connection = sqlite3.connect(live_folder / "live.db", timeout=10)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def live_server(live_folder):
    """Serve the app as production would, in demo mode, on a free port."""
    folder = live_folder
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{folder / 'live.db'}", SECRET_KEY="browser-tests",
               DEMO_MODE="1", CAPTCHA_DISABLED="1", PYTHONPATH=ROOT,
               UPLOAD_FOLDER=str(folder / "uploads"), SITE_CHECK="0")  # no outbound network here
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for command in ("init-db", "seed-demo"):
        subprocess.run(flask + [command], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "waitress", "--listen", f"127.0.0.1:{port}",
                               "--threads", "4", "app:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while True:
        try:
            urllib.request.urlopen(url + "/login", timeout=1)
            break
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("live server did not start: " + server.stderr.read().decode()[-2000:])
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


@pytest.fixture(autouse=True)
def _short_timeouts(request):
    """Fail in seconds, not half a minute, when something is not on screen."""
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(10000)


# How Chromium says that the Content-Security-Policy refused something, and htmx that it may not eval.
REFUSED = re.compile(r"Content Security Policy|evalDisallowed")


@pytest.fixture(autouse=True)
def _nothing_refused_by_the_policy(monkeypatch):
    """Pages run under the platform's Content-Security-Policy: a script, style or eval it refuses (an
    inline handler, an htmx filter) would silently do nothing, so it fails the test instead."""
    refused = []
    new_context = Browser.new_context

    def watched(self, *args, **kwargs):
        context = new_context(self, *args, **kwargs)
        context.on("console", lambda message: refused.append(message.text) if REFUSED.search(message.text) else None)
        return context

    monkeypatch.setattr(Browser, "new_context", watched)
    yield
    assert not refused, refused
