"""flask CLI: init-db, create-admin, seed-demo, rotate-pii-key, expire-subjects, purge-uploads, backup,
restore, send-outbox."""
import datetime
import io
import json
import os
import tempfile
import time
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext
from PIL import Image, ImageDraw

import backups
import migrations
import models
import sealing
import sms
import storage
import timeutil
from wizard.engine import FLOWS

# Who delivers each kind of queued message (models.Delivery).
SENDERS = {models.Delivery.SMS: sms.deliver}
DEMO_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "demo.json")


def init_app(app):
    """Register the commands on the app."""
    for command in (init_db, create_admin, seed_demo, rotate_pii_key, expire_subjects, purge_uploads, backup,
                    restore, send_outbox):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create the schema, or upgrade an existing database in place."""
    with models.db.connection_context():
        ran = migrations.upgrade()
    click.echo("数据库已是最新结构" + (f"（已执行迁移：{', '.join(ran)}）" if ran else ""))


@click.command("rotate-pii-key")
@with_appcontext
def rotate_pii_key():
    """Seal every personal number again under PII_KEY (run after a new key is set, with the one it
    replaces in PII_OLD_KEYS; safe to stop and run again). Once it reports nothing left, the old
    key may be removed from PII_OLD_KEYS."""
    with models.db.connection_context():
        for model in models.MODELS:
            fields = models.sealed_fields(model)
            if not fields:
                continue
            try:
                changed = models.reseal(model, fields)
            except sealing.SealError as error:
                raise click.ClickException(f"{model._meta.table_name}：{error}") from None
            click.echo(f"{model._meta.table_name}：{changed} 行已用当前密钥重新加密")
    click.echo("个人证件号码已全部使用当前密钥（PII_KEY）加密")


@click.command("expire-subjects")
@with_appcontext
@click.option("--days", type=int, default=None, help="默认取 SUBJECT_PENDING_DAYS（30）")
def expire_subjects(days):
    """Withdraw 新增主体 applications left without any business for days (run daily, e.g. from cron)."""
    days = days if days is not None else current_app.config["SUBJECT_PENDING_DAYS"]
    with models.db.connection_context():
        expired = models.Subject.expire_abandoned(days)
    click.echo(f"已撤销{len(expired)}个超过{days}日未办理业务的待审核主体")


@click.command("purge-uploads")
@with_appcontext
@click.option("--hours", default=24, show_default=True, help="只删除早于此时长的图片和文件")
def purge_uploads(hours):
    """Delete uploaded pictures and files nothing refers to any more (run daily, e.g. from cron)."""
    with models.db.connection_context():
        purged = models.Upload.purge_orphans(older_than=datetime.timedelta(hours=hours))
    click.echo(f"已删除{purged}个无主的上传文件")


@click.command("create-admin")
@with_appcontext
@click.option("--username", prompt="用户名")
@click.option("--mobile", prompt="手机号码")
@click.option("--email", prompt="电子邮箱")
@click.password_option("--password", prompt="密码", confirmation_prompt="再次输入密码")
def create_admin(username, mobile, email, password):
    """Create an administrator account (asks for the password)."""
    from forms.account import check_password_strength
    problem = check_password_strength(password, username, mobile, email)
    if problem:
        raise click.ClickException(problem)
    with models.db.connection_context():
        if models.User.select().where((models.User.username == username) | (models.User.mobile == mobile)).exists():
            raise click.ClickException("用户名或手机号码已存在")
        user = models.User(username=username, mobile=mobile, email=email, role=models.User.ADMIN)
        user.set_password(password)
        user.save()
    click.echo(f"管理员 {username} 已创建")


def load_demo(path=DEMO_FILE):
    """Insert the demo bureaus, providers and accounts that are not there yet."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    with models.db.atomic():
        for row in data["bureaus"]:
            if not models.Bureau.select().where(models.Bureau.division_code == row["division_code"]).exists():
                guides = [g["guide"] for g in data.get("guides", [])
                          if row["division_code"].startswith(g["division_prefix"])]
                models.Bureau.create(**row, guide=guides[0] if guides else {})
        for row in data["providers"]:
            models.Provider.get_or_create(name=row["name"], kind=row["kind"], defaults=row)
        for row in data["users"]:
            if models.User.get_or_none(models.User.username == row["username"]):
                continue
            bureau = models.Bureau.get(models.Bureau.division_code == row["bureau"]) if row.get("bureau") else None
            user = models.User(username=row["username"], mobile=row["mobile"], email=row["email"],
                               role=row["role"], bureau=bureau)
            user.set_password(row["password"])
            user.save()
        for row in data.get("subjects", []):
            _demo_subject(dict(row))
        for row in data.get("imported", []):
            # Sites the demo bureau pushed to the demo subject: 未备案网站 and 网站认领 to try.
            if not models.ImportedSite.select().where(models.ImportedSite.domain == row["domain"]).exists():
                bureau = models.Bureau.get(models.Bureau.division_code == row["bureau"])
                models.ImportedSite.create(**{**row, "bureau": bureau,
                                              "deadline": datetime.date.fromisoformat(row["deadline"])})
    for row in data.get("filings", []):
        _demo_filing(row)
    return data["users"]


def _demo_picture(text):
    """A plain placeholder picture standing in for a scanned certificate."""
    image = Image.new("RGB", (320, 200), (236, 240, 245))
    ImageDraw.Draw(image).text((20, 90), text, fill=(40, 60, 90))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _demo_subject(row):
    """A valid subject for the demo applicant, so 变更/注销/移交 can be tried at once."""
    if models.Subject.select().where(models.Subject.cert_lookup(row["cert_number"])).exists():
        return
    owner = models.User.get(models.User.username == row.pop("owner"))
    bureau = models.Bureau.get(models.Bureau.division_code == row.pop("bureau"))
    for name in models.Subject.UPLOAD_FIELDS:
        row[name] = models.Upload.store(owner, name, _demo_picture(f"DEMO {name}"), "png").id
    subject = models.Subject(owner=owner, bureau=bureau, status=row.pop("status"), approved_at=timeutil.now())
    subject.apply(row)
    subject.save()


def _demo_filing(row):
    """A filing of the demo subject, through its flow and business and approved by the demo
    officer (an APP and a 小程序, so 变更/注销 can be tried at once); pictures are drawn here."""
    flow = FLOWS[row["flow"]]
    subject = models.Subject.get(models.Subject.cert_lookup(row["subject"]))
    if models.Service.select().where(models.Service.subject == subject, models.Service.kind == flow.target).exists():
        return

    def value_of(value):
        # "@app_icon": a picture the owner uploaded for that purpose.
        if not value.startswith("@"):
            return value
        return str(models.Upload.store(subject.owner_id, value[1:], _demo_picture(f"DEMO {value[1:]}"), "png").id)

    steps = {name: {field: [value_of(v) for v in values] for field, values in raw.items()}
             for name, raw in row["steps"].items()}
    # The step forms build their inline-check URLs: they need a request.
    with current_app.test_request_context():
        draft = models.Draft(owner=subject.owner_id, kind=flow.kind, subject=subject)
        draft.store({"steps": steps, "furthest": flow.steps[-1].name}, step=flow.steps[-1].name)
        application = flow.finalize_once(draft, flow.draft_context(draft))
        application.decide(True, reviewer=models.User.get(models.User.username == row["reviewer"]).id)


def sqlite_path(url):
    """The file of a sqlite:/// URL (sqlite:////abs/path or sqlite:///relative/path), else None."""
    if not url.startswith("sqlite:///"):
        return None
    return os.path.abspath(urlsplit(url).path[1:] or url[len("sqlite:///"):])


def database_location(url=None):
    """Where the configured database is, as a person would look for it: a SQLite file's path, or
    the URL with its password hidden."""
    url = url or current_app.config["DATABASE_URL"]
    password = urlsplit(url).password
    return sqlite_path(url) or (url.replace(f":{password}@", ":***@", 1) if password else url)


def require_demo_database():
    """For every command that adds test data (seed-demo's later runs, a seed-scale …): refuse unless
    seed-demo made this database a demo database. Call inside a connection."""
    if not models.DatabaseFlag.is_set(models.DatabaseFlag.DEMO):
        raise click.ClickException(
            f"数据库 {database_location()} 不是演示数据库，拒绝写入测试数据。演示数据只能写入由 seed-demo "
            "新建的演示数据库（make run 使用 instance/demo.db）。")


def _demo_database():
    """seed-demo: mark a database holding no data yet as a demo database; refuse one holding data
    that seed-demo did not make (a real register must never get the demo's known passwords)."""
    if models.DatabaseFlag.is_set(models.DatabaseFlag.DEMO):
        return
    if models.holds_data():
        raise click.ClickException(
            f"数据库 {database_location()} 已有数据且不是演示数据库（可能是正式数据库），拒绝写入演示数据和"
            "演示账号。演示请使用单独的数据库：make run 使用 instance/demo.db，或设置 DATABASE_URL 指向一个新数据库。")
    models.DatabaseFlag.create(name=models.DatabaseFlag.DEMO)


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Load demo data into a demo database (demo mode only: it creates known passwords)."""
    if not current_app.config["DEMO_MODE"]:
        raise click.ClickException("seed-demo 只能在演示模式（DEMO_MODE=1）下运行")
    with models.db.connection_context():
        with models.db.atomic():
            _demo_database()
        require_demo_database()
        users = load_demo()
    click.echo(f"演示数据库：{database_location()}")
    click.echo("演示账号：")
    for row in users:
        click.echo(f"  {models.User.ROLES[row['role']]}  用户名 {row['username']}  密码 {row['password']}")


def _engine():
    return "sqlite" if sqlite_path(current_app.config["DATABASE_URL"]) else "postgresql"


def _in_a_folder(store, scratch):
    """The folder a backup archives the uploads from: UPLOAD_FOLDER itself, or for object storage
    a copy of the bucket made under scratch."""
    if isinstance(store, storage.FolderStorage):
        return store.folder
    folder = os.path.join(scratch, "uploads")
    os.makedirs(folder)
    for name in store.names():
        with open(os.path.join(folder, name), "xb") as handle:
            handle.write(store.get(name))
    return folder


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
def backup(path):
    """Write a backup archive (.tar.gz) to PATH: the database (SQLite; may run while the server
    runs) and every uploaded file (from UPLOAD_FOLDER or the S3 bucket), with SHA-256 checksums.
    PostgreSQL: the uploads, and the pg_dump command to run for the database."""
    url = current_app.config["DATABASE_URL"]
    with models.db.connection_context():
        version = migrations.current_version(models.db.obj)
    with tempfile.TemporaryDirectory() as scratch:
        try:
            manifest = backups.create(path, _in_a_folder(models.Upload.storage, scratch), version, _engine(),
                                      sqlite_path(url))
        except backups.BackupError as error:
            raise click.ClickException(str(error)) from None
    uploads = sum(name.startswith(backups.UPLOADS + "/") for name in manifest["files"])
    click.echo(f"已备份到 {os.path.abspath(path)}：" + ("数据库、" if _engine() == "sqlite" else "") +
               f"{uploads} 个上传文件（数据库结构版本 {version}）")
    if _engine() != "sqlite":
        dump, _ = backups.pg_commands(url, os.path.abspath(path) + ".pgdump")
        click.echo("PostgreSQL 数据库不在该归档中，请同时用 pg_dump 备份（密码通过 PGPASSWORD 或 ~/.pgpass 提供），"
                   "两个文件一起保存：")
        click.echo(f"  {dump}")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="不再询问，直接恢复")
def restore(path, yes):
    """Restore a backup archive made by flask backup: every checksum is checked first (a damaged
    archive changes nothing); the database (SQLite) and the upload folder are replaced, what they
    held is kept beside them (an S3 bucket gets the archive's uploads back and keeps the rest), and
    the database is upgraded to this release. PostgreSQL: the uploads,
    and the pg_restore command to run for the database."""
    url = current_app.config["DATABASE_URL"]
    if not yes:
        click.confirm(f"将用备份 {path} 替换当前" + ("数据库和" if _engine() == "sqlite" else "") +
                      "上传文件（现有内容另存在旁边），继续吗？", abort=True)
    # No connection of this process may hold the database while its content is replaced.
    if not models.db.is_closed():
        models.db.close()
    newest = migrations.MIGRATIONS[-1][0]
    store = models.Upload.storage
    with tempfile.TemporaryDirectory() as scratch:
        folder = store.folder if isinstance(store, storage.FolderStorage) else os.path.join(scratch, "uploads")
        try:
            manifest, kept = backups.restore(path, folder, newest, _engine(), sqlite_path(url))
        except backups.BackupError as error:
            raise click.ClickException(f"{error}。未做任何改动。") from None
        if not isinstance(store, storage.FolderStorage):
            # Object storage: the archive's uploads are put back; names are never reused, so what
            # the bucket holds besides stays as it is.
            present = set(store.names())
            for name in sorted(set(os.listdir(folder)) - present):
                with open(os.path.join(folder, name), "rb") as handle:
                    store.put(name, handle.read())
    click.echo(f"已从 {path}（{manifest['created_at']}）恢复" + ("数据库和" if _engine() == "sqlite" else "") +
               "上传文件")
    for aside in kept:
        click.echo(f"  恢复前的内容已另存为 {aside}")
    if _engine() == "sqlite":
        with models.db.connection_context():
            ran = migrations.upgrade()
        if ran:
            click.echo(f"数据库已升级到本版本（已执行迁移：{', '.join(ran)}）")
        click.echo("如服务正在运行，请重启服务。")
    else:
        _, pg_restore = backups.pg_commands(url, os.path.abspath(path) + ".pgdump")
        click.echo("PostgreSQL 数据库请用 pg_restore 从同时保存的 pg_dump 文件恢复（会清除现有数据），"
                   "再运行 flask init-db 升级到本版本：")
        click.echo(f"  {pg_restore}")


@click.command("send-outbox")
@click.option("--once", is_flag=True, help="Deliver what is due now and stop (for cron).")
@click.option("--every", default=10.0, show_default=True, help="Seconds between rounds when looping.")
@with_appcontext
def send_outbox(once, every):
    """Deliver queued SMS (and later webhooks), retrying failures with a growing wait; loops until
    stopped unless --once."""
    while True:
        with models.db.connection_context():
            delivered, failed = models.Delivery.deliver_due(SENDERS)
        if delivered or failed or once:
            click.echo(f"已发送 {delivered} 条，失败待重试 {failed} 条")
        if once:
            return
        time.sleep(every)
