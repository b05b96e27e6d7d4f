"""Application factory: configuration → extensions → blueprints → error pages."""
import os

from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, make_response, redirect, render_template, request
from flask_compress import Compress
from flask_htmx import HTMX
from flask_login import LoginManager, login_url
from flask_wtf.csrf import CSRFError, CSRFProtect

import businesses  # noqa: F401  (declares what each business does after 【提交】)
import commands
import config
import headers
import models
import sealing
import sms
import storage
import timeutil
from views import (admin, assessments, auth, dev, directory, inline, main, public, reports, review, services, subject,
                   unit_form, website, workspace)
from pages import IdConverter
from views.common import is_fragment_request
from wizard import routes as wizard_routes

csrf = CSRFProtect()
htmx = HTMX()
compress = Compress()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录"
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

ERRORS = {
    400: ("请求有误", "提交的内容无法处理，请返回后重试。"),
    403: ("无权访问", "您没有权限查看此页面。"),
    404: ("页面不存在", "您访问的页面不存在，或您无权查看。"),
    405: ("请求方式不被允许", "请从页面上的按钮操作。"),
    413: ("上传内容过大", "上传的文件超过了大小限制，请压缩后重新上传。"),
    429: ("操作过于频繁", "请稍后再试。"),
    500: ("系统繁忙", "服务器出现错误，请稍后重试。如多次出现，请联系当地网安部门。"),
}


@login_manager.unauthorized_handler
def _unauthorized():
    """Plain pages go to 登录 and come back; htmx never gets the login page swapped into a form.

    An autosave just gets 401 (htmx swaps nothing, what is on screen stays); any
    other htmx request is sent to 登录 with the page it came from as next.
    """
    flash(login_manager.login_message, login_manager.login_message_category)
    if is_fragment_request():
        if request.form.get("action") == "autosave":
            return "请重新登录", 401
        # A step submitted after the session ended: log in, then back to the same page,
        # where the draft (autosaved while typing) fills it again.
        response = make_response("请重新登录", 401)
        response.headers["HX-Redirect"] = login_url(login_manager.login_view, _current_page())
        return response
    return redirect(login_url(login_manager.login_view, request.url))


@login_manager.user_loader
def load_user(token):
    """The user of the live session whose token Flask-Login stored (one indexed lookup)."""
    return models.UserSession.user_for(token, current_app.permanent_session_lifetime)


def create_app(test_config=None):
    """Build a configured application."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(config.defaults(app.instance_path))
    app.config.update(config.from_environ(os.environ))
    if test_config:
        app.config.update(test_config)
    config.finish(app.config)
    sealing.use_keys(app.config["PII_KEY"], app.config["PII_OLD_KEYS"])
    os.makedirs(app.instance_path, exist_ok=True)

    models.open_database(app.config["DATABASE_URL"])
    models.use_storage(storage.from_config(app.config))
    csrf.init_app(app)
    htmx.init_app(app)
    compress.init_app(app)
    login_manager.init_app(app)
    sms.init_app(app, models.OutboxMessage.record, models.Delivery.queue)
    commands.init_app(app)
    headers.init_app(app)

    # Before any route is added: every <int:…> is an id the database can hold.
    app.url_map.converters["int"] = IdConverter
    for blueprint in (main.bp, auth.bp, dev.bp, inline.bp, public.bp, subject.bp, workspace.bp,
                      wizard_routes.bp, review.bp, admin.bp, website.bp, services.bp, directory.bp, reports.bp,
                      unit_form.bp, assessments.bp):
        app.register_blueprint(blueprint)

    app.before_request(_connect)
    app.teardown_request(_disconnect)
    app.after_request(_vary_on_htmx)
    app.after_request(_deliver_queued)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(models.StorageRefused, _storage_refused)
    for code in ERRORS:
        app.register_error_handler(code, _error_page)
    app.jinja_env.filters["local"] = timeutil.format_local
    app.jinja_env.globals["demo_mode"] = app.config["DEMO_MODE"]
    return app


def _connect():
    models.db.connect(reuse_if_open=True)


def _disconnect(_exc):
    if not models.db.is_closed():
        models.db.close()


def _deliver_queued(response):
    # The messages this request queued (committed with its change by now) go out at once; what
    # fails stays queued for flask send-outbox, and the person sees their change done.
    queued = g.pop("queued", None)
    if queued and current_app.config["SEND_AT_ONCE"]:
        try:
            models.Delivery.deliver_due(commands.SENDERS, ids=queued)
        except Exception:  # noqa: BLE001 - never turn a done change into an error page
            current_app.logger.exception("queued messages left for flask send-outbox")
    return response


def _vary_on_htmx(response):
    # The same URL answers a fragment to htmx and a page to everyone else.
    response.vary.add("HX-Request")
    return response


def _render_error(code, title, text):
    return render_template("errors/error.html", code=code, title=title, text=text), code


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    title, text = ERRORS.get(code, ERRORS[500])
    if code == 413 and is_fragment_request():
        # Too big to read, so nothing was kept: htmx shows this above the form (base.html's
        # responseHandling), which stays as typed for the person to choose smaller files.
        return render_template("errors/_refused.html", text=text), code
    return _render_error(code, title, text)


def _storage_refused(error):
    # Nothing was kept: htmx shows why above the form (as for 413), which stays as typed.
    if is_fragment_request():
        return render_template("errors/_refused.html", text=str(error)), 413
    return _render_error(413, "内容过多，未保存", str(error))


def _current_page():
    """The path (and query) of the page an htmx request came from."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    return current.path + ("?" + current.query if current.query else "")


def _csrf_error(_error):
    if is_fragment_request():
        # The session behind the page ended (logged out elsewhere): htmx swaps no 4xx, so
        # send the browser to 登录 and back to this page, which the autosaved draft refills.
        response = make_response("页面已过期", 400)
        response.headers["HX-Redirect"] = login_url(login_manager.login_view, _current_page())
        return response
    return _render_error(400, "页面已过期", "页面停留时间过长或已在其他窗口退出登录，请刷新页面后重新提交。")


app = create_app()
