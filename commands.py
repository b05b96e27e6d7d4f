"""flask CLI: init-db, create-admin, seed-demo, rotate-pii-key, expire-subjects, purge-uploads, send-outbox."""
import datetime
import io
import json
import os
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from PIL import Image, ImageDraw

import migrations
import models
import sealing
import sms
import timeutil
from wizard.engine import FLOWS

# Who delivers each kind of queued message (models.Delivery).
SENDERS = {models.Delivery.SMS: sms.deliver}
DEMO_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "demo.json")


def init_app(app):
    """Register the commands on the app."""
    for command in (init_db, create_admin, seed_demo, rotate_pii_key, expire_subjects, purge_uploads, send_outbox):
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
        purged = models.Upload.purge_orphans(current_app.config["UPLOAD_FOLDER"],
                                             older_than=datetime.timedelta(hours=hours))
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
    folder = current_app.config["UPLOAD_FOLDER"]
    for name in models.Subject.UPLOAD_FIELDS:
        row[name] = models.Upload.store(owner, name, _demo_picture(f"DEMO {name}"), "png", folder).id
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
    folder = current_app.config["UPLOAD_FOLDER"]
    def value_of(value):
        # "@app_icon": a picture the owner uploaded for that purpose.
        if not value.startswith("@"):
            return value
        return str(models.Upload.store(subject.owner_id, value[1:], _demo_picture(f"DEMO {value[1:]}"), "png",
                                       folder).id)

    steps = {name: {field: [value_of(v) for v in values] for field, values in raw.items()}
             for name, raw in row["steps"].items()}
    # The step forms build their inline-check URLs: they need a request.
    with current_app.test_request_context():
        draft = models.Draft(owner=subject.owner_id, kind=flow.kind, subject=subject)
        draft.store({"steps": steps, "furthest": flow.steps[-1].name}, step=flow.steps[-1].name)
        application = flow.finalize_once(draft, flow.draft_context(draft))
        application.decide(True, reviewer=models.User.get(models.User.username == row["reviewer"]).id)


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Load demo data (demo mode only: it creates known passwords)."""
    if not current_app.config["DEMO_MODE"]:
        raise click.ClickException("seed-demo 只能在演示模式（DEMO_MODE=1）下运行")
    with models.db.connection_context():
        users = load_demo()
    click.echo("演示账号：")
    for row in users:
        click.echo(f"  {models.User.ROLES[row['role']]}  用户名 {row['username']}  密码 {row['password']}")


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
