"""Backups that restore: one .tar.gz holding a copy of the SQLite database, every file of the
upload folder and a manifest with each file's SHA-256.

The copy is made with SQLite's online backup API, so a running server and its write-ahead log
(beian.db-wal) are no problem; a restore checks every checksum before it changes anything, then
writes the copy into the live database file through the same API, so SQLite itself keeps the WAL
consistent (copying a file over beian.db while an older beian.db-wal remains corrupts it). What it
replaces is kept beside it (….before-restore-<time>). A PostgreSQL database is dumped and restored
with pg_dump/pg_restore (pg_commands); its archive holds the uploads alone.
"""
import datetime
import hashlib
import io
import json
import os
import posixpath
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from shlex import quote
from urllib.parse import urlsplit, urlunsplit

FORMAT = "beian-backup"
MANIFEST = "manifest.json"
DATABASE = "database.sqlite3"
UPLOADS = "uploads"


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why, in Chinese."""


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_sqlite(source_path, target_path):
    """A consistent copy of a live SQLite database (WAL included), as one self-contained file."""
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
        source.close()


def _upload_files(folder):
    """(path, name in the archive) of each regular file under the upload folder."""
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(root, name)
            if os.path.isfile(path) and not os.path.islink(path):
                relative = os.path.relpath(path, folder).replace(os.sep, "/")
                yield path, f"{UPLOADS}/{relative}"


def create(archive_path, upload_folder, schema_version, engine, sqlite_file=None):
    """Write the archive (refusing to overwrite one); return its manifest."""
    archive_path = os.path.abspath(archive_path)
    if os.path.exists(archive_path):
        raise BackupError(f"{archive_path} 已存在，请换一个文件名")
    if sqlite_file and not os.path.isfile(sqlite_file):
        raise BackupError(f"数据库文件 {sqlite_file} 不存在")
    os.makedirs(os.path.dirname(archive_path), exist_ok=True)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(archive_path)) as scratch:
        members = []
        if sqlite_file:
            copy = os.path.join(scratch, DATABASE)
            _copy_sqlite(sqlite_file, copy)
            members.append((copy, DATABASE))
        members += list(_upload_files(upload_folder)) if os.path.isdir(upload_folder) else []
        manifest = {"format": FORMAT, "version": 1, "engine": engine, "schema_version": schema_version,
                    "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                    "files": {name: _sha256(path) for path, name in members}}
        partial = os.path.join(scratch, "archive.tar.gz")
        with tarfile.open(partial, "w:gz") as archive:
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(body), int(datetime.datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(body))
            for path, name in members:
                archive.add(path, arcname=name, recursive=False)
        os.replace(partial, archive_path)
    return manifest


def _safe_name(name):
    """A member name that stays inside the folder it is unpacked into, else None."""
    normal = posixpath.normpath(name)
    if name != normal or normal.startswith(("/", "../")) or normal == ".." or "\\" in name:
        return None
    return normal


def unpack(archive_path, folder):
    """Check the archive and unpack it into folder (empty, scratch): every member a plain file with
    a safe name, listed in the manifest with its checksum, and nothing listed missing. Return the
    manifest; raise BackupError (leaving only folder's scratch content) on any mismatch."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            manifest, seen = None, {}
            for member in archive:
                name = _safe_name(member.name)
                if name is None or not member.isfile() or not (
                        name in (MANIFEST, DATABASE) or name.startswith(UPLOADS + "/")):
                    raise BackupError(f"备份文件含有不允许的条目：{member.name}")
                if name == MANIFEST:
                    manifest = json.load(archive.extractfile(member))
                    continue
                target = os.path.join(folder, *name.split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with archive.extractfile(member) as source, open(target, "xb") as out:
                    shutil.copyfileobj(source, out)
                seen[name] = _sha256(target)
    except (tarfile.TarError, EOFError, zlib.error, json.JSONDecodeError, UnicodeDecodeError, FileExistsError) as error:
        raise BackupError(f"备份文件已损坏或不是本平台的备份：{error}") from None
    except FileNotFoundError:
        raise BackupError(f"找不到备份文件 {archive_path}") from None
    if not (isinstance(manifest, dict) and manifest.get("format") == FORMAT
            and isinstance(manifest.get("files"), dict)):
        raise BackupError("备份文件缺少清单（manifest.json），不是本平台的备份")
    listed = manifest["files"]
    for name in sorted(set(listed) | set(seen)):
        if name not in seen:
            raise BackupError(f"备份文件不完整：缺少 {name}")
        if listed.get(name) != seen[name]:
            raise BackupError(f"校验失败：{name} 的 SHA-256 与清单不符，备份文件已损坏")
    return manifest


def _stamp():
    return datetime.datetime.now().strftime("%Y%m%d-%H%M%S")


def restore(archive_path, upload_folder, newest_version, engine, sqlite_file=None):
    """Check the archive, then put its database (SQLite) and uploads in place. Return
    (manifest, [what was kept aside]). Nothing changes unless every check passes."""
    upload_folder = os.path.abspath(upload_folder)
    parent = os.path.dirname(upload_folder)
    os.makedirs(parent, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix=".restore-", dir=parent)
    try:
        manifest = unpack(archive_path, scratch)
        if manifest.get("engine") != engine:
            raise BackupError(f"该备份来自 {manifest.get('engine')} 数据库，当前配置的是 {engine}，不能恢复")
        version = manifest.get("schema_version")
        if not isinstance(version, int) or version > newest_version:
            raise BackupError(f"该备份来自更新版本的平台（数据库结构版本 {version}，本版本最高 {newest_version}），"
                              "请先升级平台再恢复")
        copy = os.path.join(scratch, DATABASE)
        if sqlite_file:
            if not os.path.isfile(copy):
                raise BackupError("备份文件中没有数据库")
            check = sqlite3.connect(copy)
            try:
                healthy = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            finally:
                check.close()
            if not healthy:
                raise BackupError("备份中的数据库未通过完整性检查，不能恢复")
        kept = []
        stamp = _stamp()
        if sqlite_file:
            if os.path.exists(sqlite_file):
                aside = f"{sqlite_file}.before-restore-{stamp}"
                _copy_sqlite(sqlite_file, aside)
                kept.append(aside)
            else:
                os.makedirs(os.path.dirname(os.path.abspath(sqlite_file)), exist_ok=True)
            _write_into(copy, sqlite_file)
        restored = os.path.join(scratch, UPLOADS)
        if not os.path.isdir(restored):
            os.makedirs(restored)
        if os.path.isdir(upload_folder):
            aside = f"{upload_folder}.before-restore-{stamp}"
            os.replace(upload_folder, aside)
            kept.append(aside)
        os.replace(restored, upload_folder)
        return manifest, kept
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _write_into(copy, live):
    """Replace the live database's content with the copy's through SQLite's backup API (one write
    transaction in the live file; a server's connections see the old or the new content, never a
    mixture), then fold the write-ahead log back into the file and empty it."""
    source = sqlite3.connect(copy)
    target = sqlite3.connect(live, timeout=30)
    try:
        source.backup(target)
        target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        target.close()
        source.close()


def pg_commands(url, dump_path):
    """The pg_dump and pg_restore commands for a PostgreSQL DATABASE_URL (its password left out:
    give it in PGPASSWORD or ~/.pgpass)."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0] if len(netloc) == 2 else ""
    host = netloc[-1]
    dbname = quote(urlunsplit(("postgresql", f"{user}@{host}" if user else host, parts.path, parts.query, "")))
    return (f"pg_dump --format=custom --no-owner --file={quote(dump_path)} --dbname={dbname}",
            f"pg_restore --clean --if-exists --no-owner --dbname={dbname} {quote(dump_path)}")
