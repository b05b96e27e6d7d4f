"""Peewee models on one DatabaseProxy, with state changes as model methods."""
import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from peewee import (BooleanField, CharField, DatabaseProxy, DateTimeField,
                    ForeignKeyField, IntegerField, Model, TextField)
from playhouse.db_url import connect

import timeutil

db = DatabaseProxy()
_hasher = PasswordHasher()


def open_database(url):
    """Connect a database URL (SQLite file or PostgreSQL) and bind the proxy."""
    if url.startswith("sqlite"):
        database = connect(url, pragmas={
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 10000,
            "synchronous": "normal",
        })
    else:
        database = connect(url)
    db.initialize(database)
    return database


class BaseModel(Model):
    created_at = DateTimeField(default=timeutil.now)

    class Meta:
        database = db


class Bureau(BaseModel):
    """A 网安大队/支队 and the division whose filings it reviews."""

    name = CharField(max_length=100)
    division_code = CharField(max_length=6, index=True)
    address = CharField(max_length=200, default="")
    phone = CharField(max_length=60, default="")
    complaint_phone = CharField(max_length=60, default="")
    # Seed 001 bureaus keep winter and summer hours; one text each keeps any
    # schedule representable (e.g. "10:00-14:00,16:00-19:30").
    office_hours = CharField(max_length=200, default="")
    office_hours_summer = CharField(max_length=200, default="")
    instant_approval = BooleanField(default=False)

    def hours_display(self):
        """Office hours as one line, naming seasons only when they differ."""
        if self.office_hours_summer and self.office_hours_summer != self.office_hours:
            return f"{self.office_hours}（冬）；{self.office_hours_summer}（夏）"
        return self.office_hours


class User(UserMixin, BaseModel):
    """An account: applicant, bureau officer or administrator."""

    APPLICANT, OFFICER, ADMIN = "applicant", "officer", "admin"
    ROLES = {APPLICANT: "申请人", OFFICER: "民警", ADMIN: "管理员"}

    username = CharField(max_length=32, unique=True)
    password_hash = CharField(max_length=200)
    mobile = CharField(max_length=20, unique=True)
    email = CharField(max_length=120)
    role = CharField(max_length=16, default=APPLICANT)
    bureau = ForeignKeyField(Bureau, null=True, backref="officers", on_delete="RESTRICT")
    mobile_verified_at = DateTimeField(null=True)
    active = BooleanField(default=True)
    last_login_at = DateTimeField(null=True)
    # Rotated on password change so every other session of the user ends.
    session_token = CharField(max_length=64, default=lambda: secrets.token_hex(16))

    def get_id(self):
        return self.session_token

    @property
    def is_active(self):
        return self.active

    def set_password(self, password):
        """Hash and store a new password and end all other sessions."""
        self.password_hash = _hasher.hash(password)
        self.session_token = secrets.token_hex(16)

    def check_password(self, password):
        """True when the password matches; rehash transparently when needed."""
        try:
            _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if _hasher.check_needs_rehash(self.password_hash):
            self.password_hash = _hasher.hash(password)
            self.save()
        return True

    @classmethod
    def authenticate(cls, username, password):
        """Return the active user with these credentials, else None."""
        user = cls.get_or_none(cls.username == username)
        if user is None:
            # Spend the same time as a real check so unknown names don't show.
            _hasher.hash(password)
            return None
        if not user.check_password(password) or not user.active:
            return None
        return user

    def mark_mobile_verified(self):
        """Record a successful 信用认证 of the mobile number."""
        self.mobile_verified_at = timeutil.now()
        self.save()

    @property
    def is_officer(self):
        return self.role == self.OFFICER

    @property
    def is_admin(self):
        return self.role == self.ADMIN


def masked_mobile(mobile):
    """138****1234 style, for pages and SMS logs."""
    return mobile[:3] + "****" + mobile[-4:] if len(mobile) >= 7 else "****"


class SmsCodeError(Exception):
    """An SMS code could not be issued; the message is for the user."""


class SmsCode(BaseModel):
    """A one-time code sent by SMS for a purpose (reset, verify …)."""

    MAX_ATTEMPTS = 5

    mobile = CharField(max_length=20, index=True)
    purpose = CharField(max_length=32)
    code_hash = CharField(max_length=64)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    attempts = IntegerField(default=0)

    @staticmethod
    def _digest(mobile, purpose, code):
        return hashlib.sha256(f"{mobile}|{purpose}|{code}".encode()).hexdigest()

    @classmethod
    def issue(cls, mobile, purpose, ttl_seconds=600, resend_seconds=60):
        """Create a fresh six-digit code; refuse a resend within the wait time."""
        now = timeutil.now()
        recent = (cls.select().where(cls.mobile == mobile, cls.purpose == purpose,
                                     cls.created_at > now - timedelta(seconds=resend_seconds))
                  .exists())
        if recent:
            raise SmsCodeError(f"验证码发送过于频繁，请{resend_seconds}秒后再试")
        code = f"{secrets.randbelow(10**6):06d}"
        with db.atomic():
            # Only the newest code is good: older unused ones are spent.
            cls.update(used_at=now).where(cls.mobile == mobile, cls.purpose == purpose,
                                          cls.used_at.is_null()).execute()
            cls.create(mobile=mobile, purpose=purpose, code_hash=cls._digest(mobile, purpose, code),
                       created_at=now, expires_at=now + timedelta(seconds=ttl_seconds))
        return code

    @classmethod
    def consume(cls, mobile, purpose, code):
        """Spend a code; return an error message, or None when it was good."""
        now = timeutil.now()
        latest = (cls.select().where(cls.mobile == mobile, cls.purpose == purpose)
                  .order_by(cls.created_at.desc(), cls.id.desc()).first())
        if latest is None or latest.used_at is not None:
            return "验证码无效或已使用，请重新获取"
        if latest.expires_at < now:
            return "验证码已过期，请重新获取"
        if latest.attempts >= cls.MAX_ATTEMPTS:
            return "验证码错误次数过多，请重新获取"
        if not secrets.compare_digest(latest.code_hash, cls._digest(mobile, purpose, (code or "").strip())):
            cls.update(attempts=cls.attempts + 1).where(cls.id == latest.id).execute()
            return "验证码错误"
        spent = (cls.update(used_at=now)
                 .where(cls.id == latest.id, cls.used_at.is_null()).execute())
        return None if spent else "验证码无效或已使用，请重新获取"


class OutboxMessage(BaseModel):
    """An SMS as the outbox backend keeps it (demo and tests read it here)."""

    mobile = CharField(max_length=20, index=True)
    body = TextField()

    @classmethod
    def record(cls, mobile, body):
        """Store one outgoing message."""
        return cls.create(mobile=mobile, body=body)


class CaptchaChallenge(BaseModel):
    """An image captcha answer, kept server-side so the cookie cannot reveal it."""

    TTL = timedelta(minutes=15)

    token = CharField(max_length=64, unique=True)
    answer = CharField(max_length=8)
    used = BooleanField(default=False)

    @classmethod
    def new(cls, length=4):
        """Create a challenge with an unambiguous random answer."""
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXY3456789"
        answer = "".join(secrets.choice(alphabet) for _ in range(length))
        return cls.create(token=secrets.token_urlsafe(16), answer=answer)

    @classmethod
    def solve(cls, token, answer):
        """Spend the challenge; True only for a fresh, unused, correct answer."""
        challenge = cls.get_or_none(cls.token == token)
        if challenge is None or challenge.used:
            return False
        spent = cls.update(used=True).where(cls.id == challenge.id, cls.used == False).execute()  # noqa: E712
        fresh = challenge.created_at > timeutil.now() - cls.TTL
        return bool(spent) and fresh and challenge.answer == (answer or "").strip().upper()


class Provider(BaseModel):
    """A 网络接入服务商 or 域名注册服务商 the website wizard can look up."""

    ACCESS, REGISTRAR = "access", "registrar"
    KINDS = {ACCESS: "网络接入服务商", REGISTRAR: "域名注册服务商"}

    name = CharField(max_length=120, index=True)
    kind = CharField(max_length=16)
    region_code = CharField(max_length=6)
    licence = CharField(max_length=60, default="")


MODELS = [Bureau, User, SmsCode, OutboxMessage, CaptchaChallenge, Provider]
