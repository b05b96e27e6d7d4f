"""Pieces every form shares: rule validators and the image captcha."""
from flask import current_app, request, session
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, ValidationError

import models


def rule(check, **context):
    """Wrap a forms.rules check as a WTForms validator."""
    def validator(_form, field):
        if field.data in (None, ""):
            return
        message = check(field.data, **context)
        if message:
            raise ValidationError(message)
    validator.__name__ = getattr(check, "__name__", "rule")
    return validator


def required(label):
    """DataRequired with the platform's wording."""
    return DataRequired(message=f"请填写{label}")


def strip(value):
    """Filter: trim surrounding white space from text input."""
    return value.strip() if isinstance(value, str) else value


CAPTCHA_SESSION_KEY = "captcha_token"


def new_captcha_token():
    """Start a fresh captcha challenge for this browser session."""
    token = models.CaptchaChallenge.new().token
    session[CAPTCHA_SESSION_KEY] = token
    return token


class CaptchaForm(FlaskForm):
    """A form that ends with the image captcha (unless CAPTCHA_DISABLED)."""

    captcha = StringField("验证码", filters=[strip], validators=[required("验证码")],
                          render_kw={"autocomplete": "off", "maxlength": 4, "inputmode": "latin"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if current_app.config["CAPTCHA_DISABLED"]:
            del self.captcha

    def validate_on_submit(self, extra_validators=None):
        # 【换一张】 posts the form back unvalidated so nothing typed is lost.
        if self.is_submitted() and request.form.get("refresh_captcha"):
            return False
        return super().validate_on_submit(extra_validators)

    def validate_captcha(self, field):
        token = session.pop(CAPTCHA_SESSION_KEY, None)
        if not models.CaptchaChallenge.solve(token, field.data):
            raise ValidationError("验证码错误或已过期，请看图重新输入")


def ordered_fields(form):
    """The visible fields of a form in its declared field_order."""
    names = getattr(form, "field_order", None) or [f.name for f in form]
    return [form[name] for name in names
            if name in form and form[name].type not in ("HiddenField", "CSRFTokenField")]
