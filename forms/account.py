"""Account forms: 注册, 登录, 找回密码, 信用认证."""
import re

from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, Regexp, ValidationError
from zxcvbn import zxcvbn

import models
from forms import rules
from forms.base import CaptchaForm, Form, inline, max_length, required, rule, strip

USERNAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{3,19}$"
# zxcvbn's score: 3 means about 10^8 to 10^10 guesses; "aaaaaaa1", "Passw0rd2026" and a word
# plus a year score lower.
MIN_PASSWORD_SCORE = 3


def check_password_strength(password, username="", *others):
    """Return why a password is weak, or None. others: the account's mobile, e-mail … which
    the password should not be made of either."""
    if len(password) < 8 or len(password) > 32:
        return "密码长度应为8至32位"
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        return "密码须同时包含字母和数字"
    if username and username.lower() in password.lower():
        return "密码过于简单，请勿使用常见密码或包含用户名"
    if zxcvbn(password, user_inputs=[v for v in (username, *others) if v])["score"] < MIN_PASSWORD_SCORE:
        return "密码过于简单，容易被猜中，请勿使用常见密码或重复、连续的字符，可加长密码或加入符号"
    return None


class PasswordPair:
    """The new password and its confirmation, shared by 注册 and 找回密码."""

    password = PasswordField("密码", validators=[required("密码")],
                             description="8至32位，须同时包含字母和数字，不能是常见密码",
                             render_kw={"autocomplete": "new-password"})
    password2 = PasswordField("确认密码", validators=[
        required("确认密码"), EqualTo("password", message="两次输入的密码不一致")],
        render_kw={"autocomplete": "new-password"})

    def validate_password(self, field):
        account = [self[name].data if name in self else "" for name in ("username", "mobile", "email")]
        message = check_password_strength(field.data or "", *(value or "" for value in account))
        if message:
            raise ValidationError(message)


def mobile_field(label="手机号码", description=""):
    """A CN mobile number input validated by the filing rules.

    Stored as the rules normalise it, so +86/0086, spaces and full-width digits
    cannot register one number twice; long enough for "+86 138 0013 8000".
    """
    return StringField(label, filters=[rules.normalize_mobile], description=description,
                       validators=[required(label), rule(rules.check_mobile)],
                       render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": 20})


class AccountFields:
    """用户名, 手机号码 and 电子邮箱 of a new account, each unique where it must be."""

    username = StringField("用户名", filters=[strip], validators=[
        required("用户名"),
        Regexp(USERNAME_PATTERN, message="用户名为4至20位字母、数字或下划线，以字母开头")],
        render_kw={"autocomplete": "username", "maxlength": 20})
    mobile = mobile_field(description="涉及信用认证，请谨慎填写")
    email = EmailField("电子邮箱", filters=[strip], description="涉及信用认证，请谨慎填写",
                       validators=[required("电子邮箱"), max_length(120),
                                   Email(message="电子邮箱格式不正确")],
                       render_kw={"autocomplete": "email", "maxlength": 120})

    def validate_username(self, field):
        if models.User.select().where(models.User.username ** field.data).exists():
            raise ValidationError("该用户名已被注册")

    def validate_mobile(self, field):
        if models.User.select().where(models.User.mobile == field.data).exists():
            raise ValidationError("该手机号码已被注册，如忘记密码请使用找回密码")


@inline("register", "username", "mobile", "email")
class RegisterForm(AccountFields, PasswordPair, CaptchaForm):
    """【注册】"""

    field_order = ("username", "password", "password2", "mobile", "email", "captcha")


class LoginForm(CaptchaForm):
    """【登录】"""

    username = StringField("用户名", filters=[strip], validators=[required("用户名")],
                           render_kw={"autocomplete": "username"})
    password = PasswordField("密码", validators=[required("密码")],
                             render_kw={"autocomplete": "current-password"})

    field_order = ("username", "password", "captcha")


class ResetRequestForm(CaptchaForm):
    """找回密码, first step: the registered mobile receives a code."""

    mobile = mobile_field("注册手机号码", description="只能通过注册时登记的手机号码找回密码")

    field_order = ("mobile", "captcha")


class ResetForm(PasswordPair, Form):
    """找回密码, second step: code and new password."""

    mobile = mobile_field("注册手机号码")
    code = StringField("短信验证码", filters=[strip], validators=[
        required("短信验证码"), Regexp(r"^\d{6}$", message="短信验证码为6位数字")],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6})

    field_order = ("mobile", "code", "password", "password2")


class VerifyMobileForm(Form):
    """信用认证: the code sent to the account's mobile."""

    code = ResetForm.code


class SendCodeForm(Form):
    """A button that sends an SMS code (CSRF only)."""
