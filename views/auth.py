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
from views.common import finish, safe_next, send_sms_code

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
        user = models.User.authenticate(form.username.data, form.password.data)
        if user is not None:
            destination = safe_next(request.args.get("next"), url_for("main.home"))
            # A new session on login: nothing chosen before it carries over.
            session.clear()
            login_user(user)
            user.last_login_at = timeutil.now()
            user.save()
            return finish(destination)
        # One message for unknown user and wrong password alike.
        form.password.errors.append("用户名或密码错误")
    return _page("auth/login.html", form)


@bp.route("/logout", methods=["POST"])
def logout():
    """退出 and forget the session."""
    logout_user()
    session.clear()
    flash("您已安全退出", "success")
    return finish(url_for("main.index"))


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    """找回密码: send a code to the registered mobile."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = models.User.get_or_none(models.User.mobile == form.mobile.data)
        error = send_sms_code(user.mobile, PURPOSE_RESET) if user else None
        if error:
            form.mobile.errors.append(error)
        else:
            # The same words whether or not the number is registered.
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
        error = models.SmsCode.consume(form.mobile.data, PURPOSE_RESET, form.code.data) \
            if user else "验证码无效或已使用，请重新获取"
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
