"""Where uploads are kept (storage.py): a folder by default, or S3-compatible object storage that
several app servers share — tested against moto's S3 server, and with two servers on one database."""
import datetime
import io
import os
import socket
import subprocess
import sys
import time
import uuid

import pytest
import requests
from moto.server import ThreadedMotoServer

import models
import storage
from tests.conftest import PG_URL, ROOT, TOKEN_RE, make_user
from tests.factories import make_bureau, picture, unit_form


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """A local S3-compatible server (moto) standing in for MinIO."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_settings(s3_endpoint, monkeypatch):
    """A fresh bucket on the moto server, and the environment an app server would have for it."""
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = {"STORAGE": "s3", "S3_BUCKET": f"uploads-{uuid.uuid4().hex[:12]}", "S3_ENDPOINT_URL": s3_endpoint,
                "S3_REGION": "us-east-1"}
    bucket = storage.from_config(settings)
    bucket.client.create_bucket(Bucket=settings["S3_BUCKET"])
    return settings, env, bucket


@pytest.fixture(params=["folder", "s3"])
def store(request, tmp_path):
    if request.param == "folder":
        return storage.FolderStorage(str(tmp_path / "uploads"))
    return request.getfixturevalue("s3_settings")[2]


# -- the interface, the same for both ---------------------------------------------------------------

def test_a_store_keeps_lists_and_deletes_bytes(store):
    assert store.names() == []
    store.put("b.png", b"\x89PNG second")
    store.put("a.jpg", b"\xff\xd8 first")
    assert store.get("a.jpg") == b"\xff\xd8 first" and store.get("b.png") == b"\x89PNG second"
    assert store.names() == ["a.jpg", "b.png"]
    store.delete("a.jpg")
    store.delete("a.jpg")   # twice is harmless (a purge may meet a file already gone)
    assert store.names() == ["b.png"]
    with pytest.raises(FileNotFoundError):
        store.get("a.jpg")


def test_a_stored_name_cannot_leave_the_folder(tmp_path):
    folder = storage.FolderStorage(str(tmp_path / "uploads"))
    (tmp_path / "secret.txt").write_text("not an upload")
    for name in ("../secret.txt", "sub/../../secret.txt", "", ".hidden"):
        with pytest.raises(ValueError):
            folder.get(name)


def test_the_settings_choose_the_store(tmp_path):
    assert isinstance(storage.from_config({"UPLOAD_FOLDER": str(tmp_path)}), storage.FolderStorage)
    with pytest.raises(RuntimeError, match="S3_BUCKET"):
        storage.from_config({"STORAGE": "s3", "UPLOAD_FOLDER": str(tmp_path)})
    with pytest.raises(RuntimeError, match="'folder' or 's3'"):
        storage.from_config({"STORAGE": "ftp", "UPLOAD_FOLDER": str(tmp_path)})


# -- one app on object storage ----------------------------------------------------------------------

def test_an_app_on_object_storage_keeps_serves_and_purges_uploads(app, client, s3_settings):
    bucket = s3_settings[2]
    models.use_storage(bucket)
    make_user()
    make_bureau()
    client.login("alice", "Secret2026x")
    data = {**unit_form(county=""), "action": "refresh", "cert_photo": (io.BytesIO(picture()), "a.jpg"),
            "id_photo_front": (io.BytesIO(picture("PNG")), "b.png")}
    assert client.post("/subject/new", data).status_code == 200
    uploads = list(models.Upload.select().order_by(models.Upload.id))
    assert len(uploads) == 2 and bucket.names() == sorted(u.stored_name for u in uploads)
    assert not os.path.exists(app.config["UPLOAD_FOLDER"])   # nothing written beside the app

    response = client.get(f"/uploads/{uploads[0].id}")
    assert response.status_code == 200 and response.data == bucket.get(uploads[0].stored_name)
    assert response.mimetype == "image/jpeg" and response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"

    # A row whose object is gone answers 404, as a missing file did.
    bucket.delete(uploads[1].stored_name)
    assert client.get(f"/uploads/{uploads[1].id}").status_code == 404

    models.Draft.delete().execute()
    assert models.Upload.purge_orphans(older_than=datetime.timedelta(0)) == 2
    assert bucket.names() == []


def test_backup_and_restore_take_the_uploads_from_and_to_object_storage(app, runner, s3_settings, tmp_path):
    bucket = s3_settings[2]
    models.use_storage(bucket)
    owner = make_user()
    kept = [models.Upload.store(owner, "cert_photo", picture(color=(i, 0, 0)), "jpeg") for i in range(2)]
    archive = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0 and "2 个上传文件" in result.output, result.output

    lost = kept[0].stored_name
    content = bucket.get(lost)
    bucket.delete(lost)
    bucket.put("arrived-later.png", b"x")
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert bucket.get(lost) == content
    assert bucket.names() == sorted([u.stored_name for u in kept] + ["arrived-later.png"])
    assert not os.path.exists(app.config["UPLOAD_FOLDER"])


# -- two app servers, one PostgreSQL, one object store ----------------------------------------------

def _serve(env):
    """Start one app server (waitress, as in production) and return (process, its URL)."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "waitress", "--listen", f"127.0.0.1:{port}", "app:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"app server on {port} stopped: {server.stderr.read().decode()[-2000:]}")
        try:
            requests.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return server, f"http://127.0.0.1:{port}"
        except requests.ConnectionError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError(f"app server on {port} did not answer")


@pytest.fixture
def two_servers(app, s3_settings, tmp_path):
    """Two waitress processes behind no proxy, on the test's PostgreSQL database and moto bucket."""
    if not PG_URL:
        pytest.skip("two app servers need one shared database: set TEST_DATABASE_URL to a PostgreSQL database")
    settings, aws, bucket = s3_settings
    models.use_storage(bucket)   # for this process's purge, as flask purge-uploads would have it
    env = {**os.environ, **aws, **settings, "DATABASE_URL": PG_URL, "SECRET_KEY": "one-secret-for-both-servers",
           "CAPTCHA_DISABLED": "1", "SESSION_COOKIE_SECURE": "0", "SITE_CHECK": "0", "PYTHONPATH": ROOT}
    servers, urls = [], []
    try:
        for machine in ("a", "b"):
            # Each its own upload folder, as on two machines: none may be written to.
            folder = str(tmp_path / f"uploads-{machine}")
            server, url = _serve({**env, "UPLOAD_FOLDER": folder})
            servers.append(server)
            urls.append(url)
        yield urls, bucket
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def _token(session, url):
    match = TOKEN_RE.search(session.get(url).text)
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_two_app_servers_share_sessions_database_and_pictures(app, two_servers, tmp_path):
    (server_a, server_b), bucket = two_servers
    make_user()
    make_bureau()
    models.db.close()   # the servers use the database now; this test reads it afresh afterwards
    browser = requests.Session()
    login = browser.post(f"{server_a}/login", data={"username": "alice", "password": "Secret2026x",
                                                     "csrf_token": _token(browser, f"{server_a}/login")},
                         allow_redirects=False)
    assert login.status_code == 303

    # 新增主体 through A: the pictures go to the shared bucket; twice, so the first two are orphans.
    for color in ((200, 40, 40), (40, 40, 200)):
        files = {"cert_photo": ("a.jpg", picture(color=color)), "id_photo_front": ("b.png", picture("PNG"))}
        page = browser.post(f"{server_a}/subject/new", files=files,
                            data={**unit_form(county=""), "action": "refresh",
                                  "csrf_token": _token(browser, f"{server_a}/subject/new")})
        assert page.status_code == 200
    with models.db.connection_context():
        uploads = list(models.Upload.select().order_by(models.Upload.id))
        [draft] = models.Draft.select()
    held = [u for u in uploads if str(u.id) in (draft.data["cert_photo_id"], draft.data["id_photo_front_id"])]
    assert len(uploads) == 4 and len(held) == 2
    assert bucket.names() == sorted(u.stored_name for u in uploads)

    # B knows the session A started (same cookie) and serves the picture A took.
    assert browser.get(f"{server_b}/subject/new", allow_redirects=False).status_code == 200
    shown = browser.get(f"{server_b}/uploads/{held[0].id}")
    assert shown.status_code == 200 and shown.content == bucket.get(held[0].stored_name)
    assert shown.headers["Cache-Control"] == "private, no-store" and shown.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(f"{server_b}/uploads/{held[0].id}", allow_redirects=False).status_code == 302   # no cookie

    # The purge (flask purge-uploads, on any one server) deletes the orphans' objects for both.
    with models.db.connection_context():
        models.Upload.update(created_at=models.timeutil.now() - datetime.timedelta(days=2)).execute()
        assert models.Upload.purge_orphans() == 2
    assert bucket.names() == sorted(u.stored_name for u in held)
    orphan = next(u for u in uploads if u not in held)
    assert browser.get(f"{server_a}/uploads/{orphan.id}").status_code == 404
    assert browser.get(f"{server_b}/uploads/{held[1].id}").status_code == 200
    assert not any(path.name.startswith("uploads-") for path in tmp_path.iterdir())
