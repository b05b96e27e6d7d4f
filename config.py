"""Configuration defaults and the environment variables that override them."""
import json
import os

import sealing

# Every setting a bureau may change without touching code; README lists them.
ENV_SETTINGS = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "PII_KEY": str,
    "PII_OLD_KEYS": str,
    "PORT": int,
    "UPLOAD_MAX_KB": int,
    "UPLOAD_FOLDER": str,
    "STORAGE": str,
    "S3_BUCKET": str,
    "S3_ENDPOINT_URL": str,
    "S3_REGION": str,
    "SMS_BACKEND": str,
    "SEND_AT_ONCE": "bool",
    "CAPTCHA_DISABLED": "bool",
    "DEMO_MODE": "bool",
    "SESSION_COOKIE_SECURE": "bool",
    "SITE_CHECK": "bool",
    "SITE_CHECK_TIMEOUT": float,
    "THROTTLE": json.loads,
    "SUBJECT_PENDING_DAYS": int,
    "FRAME_ANCESTORS": str,
}

# Attempts allowed per key before a lockout: {rule: (attempts, seconds)}. Past the attempts within
# the seconds, the key is locked for that many seconds, twice as long at each lockout after (up
# to a day; models.Throttle). THROTTLE='{"check_ip": [60, 600]}' in the environment changes a rule.
THROTTLE = {
    "login_account": (5, 15 * 60),   # wrong passwords for one user name
    "login_ip": (30, 15 * 60),       # wrong passwords from one address
    "sms_mobile": (5, 60 * 60),      # SMS codes asked for one mobile (找回密码, 信用认证 …)
    "sms_ip": (10, 60 * 60),         # SMS codes asked from one address
    "check_ip": (30, 10 * 60),       # anonymous inline checks (用户名/手机号码 已被注册) from one address
}


def defaults(instance_path):
    """Return the built-in configuration for an instance folder."""
    return {
        "DATABASE_URL": "sqlite:///" + os.path.join(instance_path, "beian.db"),
        "SECRET_KEY": None,
        # SM4 key (32 hex digits) sealing 身份证 and other personal numbers at rest; keys replaced by
        # a rotation stay readable while listed (comma-separated) in PII_OLD_KEYS (sealing.py).
        "PII_KEY": None,
        "PII_OLD_KEYS": "",
        "PORT": 5000,
        "UPLOAD_MAX_KB": 512,
        "UPLOAD_FOLDER": os.path.join(instance_path, "uploads"),
        # Uploads go to UPLOAD_FOLDER ("folder"), or with "s3" to S3_BUCKET of an S3-compatible store
        # (S3_ENDPOINT_URL, S3_REGION; credentials in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), which
        # several app servers share (storage.py).
        "STORAGE": "folder",
        "S3_BUCKET": "",
        "S3_ENDPOINT_URL": "",
        "S3_REGION": "",
        "SMS_BACKEND": "outbox",
        # A request that queued SMS tries them as soon as its change is committed; off, only
        # flask send-outbox delivers (a slow gateway then never slows a page).
        "SEND_AT_ONCE": True,
        "CAPTCHA_DISABLED": False,
        "DEMO_MODE": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Production runs behind HTTPS; make run (demo) turns this off.
        "SESSION_COOKIE_SECURE": True,
        "PERMANENT_SESSION_LIFETIME": 4 * 3600,
        # A slow filer's wizard must not break after Flask-WTF's default hour.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_I18N_ENABLED": False,
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "application/javascript",
                               "text/javascript", "image/svg+xml"],
        # Static files are streamed; old phones speak gzip, newer ones br.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
        "SEND_FILE_MAX_AGE_DEFAULT": 7 * 24 * 3600,
        "COMPRESS_MIN_SIZE": 300,
        "SMS_CODE_TTL_SECONDS": 600,
        "SMS_RESEND_SECONDS": 60,
        # 注销网站 checks that the home page no longer answers; off where there is no outbound network.
        "SITE_CHECK": True,
        "SITE_CHECK_TIMEOUT": 3.0,
        "THROTTLE": dict(THROTTLE),
        # flask expire-subjects: a 新增主体 with no business filed under it is withdrawn after this many days.
        "SUBJECT_PENDING_DAYS": 30,
        # Portals allowed to show the platform in a frame (origins), besides the platform itself.
        "FRAME_ANCESTORS": "",
    }


def _parse(kind, raw):
    if kind == "bool":
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return kind(raw)


def from_environ(environ):
    """Pick the recognised settings out of an environment mapping."""
    return {name: _parse(kind, environ[name])
            for name, kind in ENV_SETTINGS.items() if environ.get(name)}


def finish(config):
    """Derive dependent settings once all overrides are in."""
    # Several images of UPLOAD_MAX_KB may travel in one form post.
    config["MAX_CONTENT_LENGTH"] = config["UPLOAD_MAX_KB"] * 1024 * 8 + 64 * 1024
    # A partial THROTTLE (environment or tests) changes only the rules it names.
    config["THROTTLE"] = {**THROTTLE, **{rule: tuple(limit) for rule, limit in config["THROTTLE"].items()}}
    if config.get("DEMO_MODE") and "SESSION_COOKIE_SECURE" not in from_environ(os.environ):
        config["SESSION_COOKIE_SECURE"] = False
    if not config.get("SECRET_KEY") and not config.get("TESTING"):
        raise RuntimeError(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(make run generates one for the demo).")
    if not config.get("PII_KEY"):
        if not (config.get("TESTING") or config.get("DEMO_MODE")):
            raise RuntimeError(
                "PII_KEY is not set. Set the PII_KEY environment variable to the SM4 key that seals "
                "personal numbers (32 hex digits, e.g. from: openssl rand -hex 16) and keep it safe: "
                "without it the stored numbers cannot be read.")
        # Tests and the demo (whose SECRET_KEY make run keeps in instance/) need no key of their own.
        config["PII_KEY"] = sealing.demo_key(config.get("SECRET_KEY") or "")
