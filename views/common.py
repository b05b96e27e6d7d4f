"""Helpers the blueprints share: SMS codes, attempt limits (and, from pages.py, redirects that suit
htmx and role checks)."""
import math

from flask import current_app, flash, request

import models
import sms
# The request helpers live in pages.py (the wizard uses them too); views import them from here.
from pages import (CURRENT_SUBJECT_KEY, current_subject, finish, id_arg, is_fragment_request,  # noqa: F401
                   live_subjects, role_required, safe_next)


# What a locked-out key is told, per rule family (the part of the rule name before "_").
REFUSALS = {
    "login": "登录失败次数过多，请{}分钟后再试",
    "sms": "获取验证码次数过多，请{}分钟后再试",
    "check": "操作过于频繁，请{}分钟后再试",
}


def _refusal(rule, seconds):
    return REFUSALS[rule.partition("_")[0]].format(max(1, math.ceil(seconds / 60))) if seconds else None


def client_address():
    """The address a request came from (behind a reverse proxy, the server must be told to trust
    its X-Forwarded-For, e.g. waitress --trusted-proxy)."""
    return request.remote_addr or ""


def throttle(rule, value):
    """Count one attempt at a THROTTLE rule by value (a user name, mobile or address); return the
    Chinese refusal when value is locked out now (this was its last attempt allowed), else None."""
    limit, seconds = current_app.config["THROTTLE"][rule]
    return _refusal(rule, models.Throttle.hit(rule, value, limit, seconds))


def throttled(rule, value):
    """The refusal for value at rule while it is locked out, else None; counts nothing."""
    return _refusal(rule, models.Throttle.wait(rule, value))


def send_sms_code(mobile, purpose, send=True, note=""):
    """Issue and send a one-time code (note: what it is for, said after it); return an error message
    or None.

    Limited per address and per mobile (THROTTLE sms_*). send=False does all of it but the
    sending: 找回密码 for an unregistered number answers exactly as for a registered one.
    """
    address = client_address()
    refusal = throttled("sms_ip", address) or throttled("sms_mobile", mobile)
    if refusal:
        return refusal
    try:
        code = models.SmsCode.issue(mobile, purpose,
                                    ttl_seconds=current_app.config["SMS_CODE_TTL_SECONDS"],
                                    resend_seconds=current_app.config["SMS_RESEND_SECONDS"])
    except models.SmsCodeError as error:
        return str(error)
    # Only codes issued count (a click within the resend wait does not); the limit-th is still sent.
    throttle("sms_ip", address)
    throttle("sms_mobile", mobile)
    minutes = current_app.config["SMS_CODE_TTL_SECONDS"] // 60
    if send:
        sms.send(mobile, f"您的验证码为{code}，{minutes}分钟内有效。{note}如非本人操作，请忽略本短信。")
    return None


def send_code_for(form, mobile, purpose, note=""):
    """【获取验证码】 of a form with a code field: the code goes to mobile; a refusal is shown
    under the code field, a success as a message naming the masked number."""
    error = send_sms_code(mobile, purpose, note=note)
    if error:
        form.code.errors = [error]  # not validated yet: its errors are still a tuple
    else:
        flash("验证码已发送至 " + models.masked_mobile(mobile), "info")
