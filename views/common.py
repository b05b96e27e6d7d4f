"""Helpers the blueprints share: redirects that suit htmx, role checks."""
import functools
from urllib.parse import urlsplit

from flask import abort, current_app, flash, make_response, redirect, request, session
from flask_login import current_user, login_required

import models
import sms

def finish(url):
    """End a POST: htmx gets HX-Redirect, a plain browser a 303 redirect."""
    if request.headers.get("HX-Request"):
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def is_fragment_request():
    """An htmx request that swaps part of a page (not a boosted whole-page load)."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-Boosted")


def safe_next(target, fallback):
    """Only same-site relative paths may be a post-login destination."""
    if target:
        parts = urlsplit(target)
        # Browsers read "/\\evil.com" as "//evil.com": no backslash or control character passes.
        plain = not any(c == "\\" or ord(c) < 32 for c in target)
        if plain and not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return fallback


def role_required(*roles):
    """Let only logged-in users of the given roles in; others get 404."""
    def decorate(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)
        return wrapped
    return decorate


def send_sms_code(mobile, purpose):
    """Issue and send a one-time code; return an error message or None."""
    try:
        code = models.SmsCode.issue(mobile, purpose,
                                    ttl_seconds=current_app.config["SMS_CODE_TTL_SECONDS"],
                                    resend_seconds=current_app.config["SMS_RESEND_SECONDS"])
    except models.SmsCodeError as error:
        return str(error)
    minutes = current_app.config["SMS_CODE_TTL_SECONDS"] // 60
    sms.send(mobile, f"您的验证码为{code}，{minutes}分钟内有效。如非本人操作，请忽略本短信。")
    return None


def send_code_for(form, mobile, purpose):
    """【获取验证码】 of a form with a code field: the code goes to mobile; a refusal is shown
    under the code field, a success as a message naming the masked number."""
    error = send_sms_code(mobile, purpose)
    if error:
        form.code.errors = [error]  # not validated yet: its errors are still a tuple
    else:
        flash("验证码已发送至 " + models.masked_mobile(mobile), "info")


CURRENT_SUBJECT_KEY = "subject_id"


def live_subjects():
    """The logged-in user's subjects that are not cancelled, newest first."""
    if not current_user.is_authenticated:
        return []
    return list(models.Subject.owned_by(current_user.id).where(models.Subject.status != models.Subject.CANCELLED))


def current_subject(live=None):
    """【当前主体】: the one the user picked, else their newest live subject (or None).

    live: the list from live_subjects(), when the caller has it already.
    """
    live = live_subjects() if live is None else live
    chosen = session.get(CURRENT_SUBJECT_KEY)
    return next((s for s in live if s.id == chosen), live[0] if live else None)
