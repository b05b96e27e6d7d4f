"""flask CLI: init-db, create-admin, create-officer, seed-demo."""
import json
import os

import click
from flask import current_app
from flask.cli import with_appcontext

import migrations
import models

DEMO_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "demo.json")


def init_app(app):
    """Register the commands on the app."""
    for command in (init_db, create_admin, seed_demo):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create the schema, or upgrade an existing database in place."""
    with models.db.connection_context():
        ran = migrations.upgrade()
    click.echo("数据库已是最新结构" + (f"（已执行迁移：{', '.join(ran)}）" if ran else ""))


@click.command("create-admin")
@with_appcontext
@click.option("--username", prompt="用户名")
@click.option("--mobile", prompt="手机号码")
@click.option("--email", prompt="电子邮箱")
@click.password_option("--password", prompt="密码", confirmation_prompt="再次输入密码")
def create_admin(username, mobile, email, password):
    """Create an administrator account (asks for the password)."""
    from forms.account import check_password_strength
    problem = check_password_strength(password, username)
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
                models.Bureau.create(**row)
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
    return data["users"]


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
