"""flask backup / flask restore: the data and the uploads come back as they were, a live server's
write-ahead log does not corrupt the restore, and a damaged archive changes nothing."""
import io
import json
import os
import sqlite3
import tarfile

import pytest

import backups
import models
from tests.conftest import APPLICANT_PASSWORD, PG_URL, Client, make_user, sqlite_only
from tests.factories import make_bureau, make_subject, picture

SQLITE_ONLY = sqlite_only("the database part of a SQLite backup")


@pytest.fixture
def register(app, client):
    """alice's subject with its three uploaded pictures, under the 丽水 bureau."""
    user = make_user(password=APPLICANT_PASSWORD)
    subject = make_subject(user, bureau=make_bureau())
    for name in models.Subject.UPLOAD_FIELDS:
        setattr(subject, f"{name}_id", models.Upload.store(user, name, picture(), "jpeg").id)
    subject.save()
    return subject


def uploads_of(app):
    folder = app.config["UPLOAD_FOLDER"]
    return {name: open(os.path.join(folder, name), "rb").read() for name in sorted(os.listdir(folder))}


def subject_page(app):
    client = Client(app.test_client())
    assert client.login("alice", APPLICANT_PASSWORD).status_code == 303
    return client.get("/subjects").get_data(as_text=True)


def database_file(app):
    return app.config["DATABASE_URL"][len("sqlite:///"):]


@SQLITE_ONLY
def test_restore_brings_back_the_data_and_uploads_while_the_server_holds_a_wal(app, runner, register, tmp_path):
    archive = tmp_path / "backups" / "beian-2026-11-25.tar.gz"
    before = uploads_of(app)
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0 and "3 个上传文件" in result.output, result.output
    assert "丽水市云岭科技有限公司" in subject_page(app)

    # After the backup: a running server (a connection kept open) renames the subject, a new account
    # appears, a picture is lost and a stray file arrives. The changes sit in beian.db-wal.
    server = sqlite3.connect(database_file(app))
    server.execute("UPDATE subject SET name = '改错的名称'")
    server.commit()
    make_user("mallory", mobile="13800009999")
    os.remove(os.path.join(app.config["UPLOAD_FOLDER"], sorted(before)[0]))
    open(os.path.join(app.config["UPLOAD_FOLDER"], "stray.jpg"), "wb").write(b"x")
    assert os.path.getsize(database_file(app) + "-wal") > 0 and "改错的名称" in subject_page(app)

    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    # A real request, and the server's own connection, see the data as it was backed up.
    page = subject_page(app)
    assert "丽水市云岭科技有限公司" in page and "改错的名称" not in page
    assert server.execute("SELECT name FROM subject").fetchone() == ("丽水市云岭科技有限公司",)
    assert server.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    server.close()
    with models.db.connection_context():
        assert not models.User.select().where(models.User.username == "mallory").exists()
    assert uploads_of(app) == before
    # What the restore replaced is kept beside it; nothing stale is left behind.
    kept = [line.split("另存为 ")[1] for line in result.output.splitlines() if "另存为" in line]
    assert len(kept) == 2 and os.path.exists(os.path.join(kept[1], "stray.jpg"))
    assert sqlite3.connect(kept[0]).execute("SELECT name FROM subject").fetchone() == ("改错的名称",)
    assert not os.path.exists(database_file(app) + "-wal") or os.path.getsize(database_file(app) + "-wal") == 0
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".restore-")]


def rewrite(archive, path, change):
    """A copy of archive with change(name, data) → data applied to each member, manifest kept."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(path, "w:gz") as target:
        for member in source:
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return path


@pytest.mark.parametrize("damage", ["one flipped byte", "truncated", "a file left out", "a path outside",
                                    "newer schema"])
def test_a_damaged_archive_is_refused_and_changes_nothing(app, runner, register, tmp_path, damage):
    archive = tmp_path / "good.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    with models.db.connection_context():
        models.Subject.update(name="备份之后的名称").execute()
    before = uploads_of(app)
    bad = tmp_path / "bad.tar.gz"
    picture_name = f"uploads/{sorted(before)[0]}"
    if damage == "one flipped byte":
        rewrite(archive, bad, lambda name, data: data[:-1] + bytes([data[-1] ^ 1]) if name == picture_name else data)
        message = f"校验失败：{picture_name}"
    elif damage == "truncated":
        bad.write_bytes(archive.read_bytes()[:-200])
        message = "备份文件已损坏"
    elif damage == "a file left out":
        with tarfile.open(archive, "r:gz") as source, tarfile.open(bad, "w:gz") as target:
            for member in source:
                if member.name != picture_name:
                    target.addfile(member, source.extractfile(member))
        message = f"缺少 {picture_name}"
    elif damage == "a path outside":
        with tarfile.open(archive, "r:gz") as source, tarfile.open(bad, "w:gz") as target:
            for member in source:
                data = source.extractfile(member).read()
                if member.name == picture_name:
                    member.name = "uploads/../../escaped.jpg"
                target.addfile(member, io.BytesIO(data))
        message = "不允许的条目"
    else:
        def newer(name, data):
            if name != backups.MANIFEST:
                return data
            return json.dumps({**json.loads(data), "schema_version": 999}).encode()
        rewrite(archive, bad, newer)
        message = "更新版本"

    result = runner.invoke(args=["restore", str(bad), "--yes"])
    assert result.exit_code != 0 and message in result.output and "未做任何改动" in result.output
    with models.db.connection_context():
        assert models.Subject.get().name == "备份之后的名称"
    assert uploads_of(app) == before
    assert not [name for name in os.listdir(tmp_path) if "before-restore" in name or name.startswith(".restore-")]
    assert not (tmp_path.parent / "escaped.jpg").exists() and not (tmp_path / "escaped.jpg").exists()


def test_restore_asks_before_replacing(app, runner, register, tmp_path):
    archive = tmp_path / "b.tar.gz"
    runner.invoke(args=["backup", str(archive)])
    with models.db.connection_context():
        models.Subject.update(name="备份之后的名称").execute()
    result = runner.invoke(args=["restore", str(archive)], input="n\n")
    assert result.exit_code != 0 and "继续吗" in result.output
    with models.db.connection_context():
        assert models.Subject.get().name == "备份之后的名称"
    # …and a backup never overwrites an earlier one.
    assert "已存在" in runner.invoke(args=["backup", str(archive)]).output


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL is dumped with pg_dump")
def test_postgresql_backup_archives_the_uploads_and_names_pg_dump(app, runner, register, tmp_path):
    archive = tmp_path / "pg.tar.gz"
    before = uploads_of(app)
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert f"pg_dump --format=custom --no-owner --file={archive}.pgdump --dbname=" in result.output
    with tarfile.open(archive, "r:gz") as contents:
        assert backups.DATABASE not in contents.getnames() and len(contents.getnames()) == 1 + 3
    for name in before:
        os.remove(os.path.join(app.config["UPLOAD_FOLDER"], name))
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0 and "pg_restore --clean --if-exists --no-owner" in result.output
    assert uploads_of(app) == before


def test_pg_commands_leave_the_password_out():
    dump, restore = backups.pg_commands("postgresql://beian:s3cret@db.lishui:5432/beian?sslmode=require",
                                        "/srv/backup/b.tar.gz.pgdump")
    assert dump == ("pg_dump --format=custom --no-owner --file=/srv/backup/b.tar.gz.pgdump "
                    "--dbname='postgresql://beian@db.lishui:5432/beian?sslmode=require'")
    assert "s3cret" not in restore and restore.startswith("pg_restore --clean --if-exists")


@SQLITE_ONLY
def test_restore_onto_a_machine_that_lost_the_database_and_uploads(app, runner, register, tmp_path):
    archive = tmp_path / "b.tar.gz"
    before = uploads_of(app)
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(database_file(app) + suffix):
            os.remove(database_file(app) + suffix)
    for name in before:
        os.remove(os.path.join(app.config["UPLOAD_FOLDER"], name))
    os.rmdir(app.config["UPLOAD_FOLDER"])

    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0 and "另存为" not in result.output, result.output
    assert "丽水市云岭科技有限公司" in subject_page(app) and uploads_of(app) == before
