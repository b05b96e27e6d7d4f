"""Helpers the blueprints share: SMS codes (and, from pages.py, redirects that suit htmx and role checks)."""
from flask import current_app, flash

import models
import sms
# The request helpers live in pages.py (the wizard uses them too); views import them from here.
from pages import (CURRENT_SUBJECT_KEY, current_subject, finish, id_arg, is_fragment_request,  # noqa: F401
                   live_subjects, role_required, safe_next)


def send_sms_code(mobile, purpose, note=""):
    """Issue and send a one-time code (note: what it is for, said after it); return an error message or None."""
    try:
        code = models.SmsCode.issue(mobile, purpose,
                                    ttl_seconds=current_app.config["SMS_CODE_TTL_SECONDS"],
                                    resend_seconds=current_app.config["SMS_RESEND_SECONDS"])
    except models.SmsCodeError as error:
        return str(error)
    minutes = current_app.config["SMS_CODE_TTL_SECONDS"] // 60
    sms.send(mobile, f"您的验证码为{code}，{minutes}分钟内有效。{note}如非本人操作，请忽略本短信。")
    return None


def send_code_for(form, mobile, purpose, note=""):
    """【获取验证码】 of a form with a code field: the code goes to mobile; a refusal is shown
    under the code field, a success as a message naming the masked number."""
    error = send_sms_code(mobile, purpose, note)
    if error:
        form.code.errors = [error]  # not validated yet: its errors are still a tuple
    else:
        flash("验证码已发送至 " + models.masked_mobile(mobile), "info")
