"""注册、登录、退出、找回密码 and 个人中心 (信用认证)."""
import io

from captcha.image import ImageCaptcha
from flask import (Blueprint, abort, flash, make_response, render_template,
                   request, session, url_for)
from flask_login import current_user, login_required, login_user, logout_user

import models
import timeutil
from forms.account import (LoginForm, RegisterForm, ResetForm, ResetRequestForm,
                           SendCodeForm, VerifyMobileForm)
from forms.base import CAPTCHA_SESSION_KEY, new_captcha_token
from views.common import client_address, finish, safe_next, send_sms_code, throttle, throttled

bp = Blueprint("auth", __name__)
_captcha_images = ImageCaptcha(width=120, height=44, font_sizes=(30, 34, 36))

PURPOSE_RESET = "reset"
PURPOSE_VERIFY = "verify_mobile"


def _page(template, form, **context):
    """Render an account page, with a fresh captcha when the form has one."""
    if getattr(form, "captcha", None) is not None:
        form.captcha.data = ""
        context["captcha_token"] = new_captcha_token()
    return render_template(template, form=form, **context)


@bp.route("/captcha/<token>.png")
def captcha_image(token):
    """The picture of a captcha challenge issued to this session."""
    if token != session.get(CAPTCHA_SESSION_KEY):
        abort(404)
    challenge = models.CaptchaChallenge.get_or_none(models.CaptchaChallenge.token == token)
    if challenge is None:
        abort(404)
    buffer = io.BytesIO()
    _captcha_images.create_captcha_image(challenge.answer, (40, 40, 120), (255, 255, 255)) \
        .save(buffer, "PNG", optimize=True)
    response = make_response(buffer.getvalue())
    response.headers["Content-Type"] = "image/png"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/register", methods=["GET", "POST"])
def register():
    """【注册】 a new applicant account."""
    form = RegisterForm()
    if form.validate_on_submit():
        user = models.User(username=form.username.data, mobile=form.mobile.data,
                           email=form.email.data.lower(), role=models.User.APPLICANT)
        user.set_password(form.password.data)
        user.save()
        flash("注册成功，请登录", "success")
        return finish(url_for("auth.login"))
    return _page("auth/register.html", form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """【登录】 with username, password and captcha."""
    form = LoginForm()
    if form.validate_on_submit():
        # Wrong passwords are limited per user name (known or not alike) and per address; a
        # locked-out login is refused before its password is even looked at.
        name, address = form.username.data.lower(), client_address()
        refusal = throttled("login_account", name) or throttled("login_ip", address)
        user = None if refusal else models.User.authenticate(form.username.data, form.password.data)
        if user is not None:
            models.Throttle.clear("login_account", name)
            destination = safe_next(request.args.get("next"), url_for("main.home"))
            # A new session on login: nothing chosen before it carries over.
            session.clear()
            models.UserSession.start(user)
            login_user(user)
            user.last_login_at = timeutil.now()
            user.save()
            return finish(destination)
        if refusal is None:
            # Counted at both keys; either may be locked from this failure on.
            by_name = throttle("login_account", name)
            refusal = throttle("login_ip", address) or by_name
        # One message for unknown user and wrong password alike.
        form.password.errors.append(refusal or "用户名或密码错误")
    return _page("auth/login.html", form)


def _end_session(message):
    logout_user()
    session.clear()
    flash(message, "success")


@bp.route("/logout", methods=["POST"])
def logout():
    """退出: end this session, here and on the server (a copy of the cookie no longer works)."""
    if current_user.is_authenticated:
        models.UserSession.end(current_user.login_token)
    _end_session("您已安全退出")
    return finish(url_for("main.index"))


@bp.route("/logout/all", methods=["POST"])
@login_required
def logout_all():
    """退出所有设备: end every session of the account, this one included."""
    models.UserSession.end_all(current_user.id)
    _end_session("已退出所有设备，请重新登录")
    return finish(url_for("auth.login"))


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    """找回密码: send a code to the registered mobile."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        registered = models.User.select().where(models.User.mobile == form.mobile.data).exists()
        # A number not registered gets its code issued, limited and refused alike, only never
        # sent: the answer cannot tell whether the number has an account.
        error = send_sms_code(form.mobile.data, PURPOSE_RESET, send=registered)
        if error:
            form.mobile.errors.append(error)
        else:
            flash("如该号码已注册，验证码已发送，请查收短信", "info")
            return render_template("auth/reset_confirm.html",
                                   form=ResetForm(formdata=None, mobile=form.mobile.data))
    return _page("auth/reset.html", form)


@bp.route("/reset/confirm", methods=["POST"])
def reset_confirm():
    """找回密码: check the code and set the new password."""
    form = ResetForm()
    if form.validate_on_submit():
        user = models.User.get_or_none(models.User.mobile == form.mobile.data)
        # Checked alike for an unregistered number (its code was issued, never sent).
        error = models.SmsCode.consume(form.mobile.data, PURPOSE_RESET, form.code.data)
        if error is None and user is None:
            error = "验证码错误"
        if error is None:
            user.set_password(form.password.data)
            user.save()
            flash("密码已重置，请使用新密码登录", "success")
            return finish(url_for("auth.login"))
        form.code.errors.append(error)
    return render_template("auth/reset_confirm.html", form=form)


@bp.route("/me")
@login_required
def profile():
    """个人中心: account details and 信用认证 state."""
    return render_template("auth/profile.html", send_form=SendCodeForm(),
                           form=VerifyMobileForm(formdata=None))


@bp.route("/me/verify/send", methods=["POST"])
@login_required
def verify_send():
    """Send a 信用认证 code to the account's own mobile."""
    form = SendCodeForm()
    if not form.validate_on_submit():
        abort(400)
    error = send_sms_code(current_user.mobile, PURPOSE_VERIFY)
    flash(error or "验证码已发送至 " + models.masked_mobile(current_user.mobile), "error" if error else "info")
    return finish(url_for("auth.profile"))


@bp.route("/me/verify", methods=["POST"])
@login_required
def verify_mobile():
    """Check the 信用认证 code and mark the mobile verified."""
    form = VerifyMobileForm()
    if form.validate_on_submit():
        error = models.SmsCode.consume(current_user.mobile, PURPOSE_VERIFY, form.code.data)
        if error is None:
            current_user.mark_mobile_verified()
            flash("手机号码信用认证成功", "success")
            return finish(url_for("auth.profile"))
        form.code.errors.append(error)
    return render_template("auth/profile.html", send_form=SendCodeForm(), form=form)
