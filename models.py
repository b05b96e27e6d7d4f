"""Peewee models on one DatabaseProxy, with state changes as model methods."""
import contextlib
import functools
import hashlib
import json
import math
import os
import secrets
from datetime import date, datetime, time, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from peewee import (BooleanField, Case, CharField, DatabaseProxy, DateField, DateTimeField, DeferredForeignKey,
                    ForeignKeyField, IntegerField, IntegrityError, JOIN, Model, SQL, TextField, Value, chunked, fn)
from peewee import SqliteDatabase
from playhouse.db_url import connect, parse

import assessments
import domains
import sealing
import timeutil
import workdays
from divisions import PROVINCE_ABBR

db = DatabaseProxy()
# The largest id either database can hold (a signed 64-bit integer): a longer one names no row,
# and handing it to the database would fail (SQLite: overflow) instead of finding nothing.
MAX_ID = 2 ** 63 - 1
GUIDE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "guide.json")
_hasher = PasswordHasher()


def use_password_hasher(hasher):
    """Hash passwords with hasher from now on (tests: a cheap one); returns the one replaced."""
    global _hasher
    previous, _hasher = _hasher, hasher
    return previous


def parse_id(value):
    """An id from a form or the query string: ASCII digits within MAX_ID, else None."""
    text = str(value if value is not None else "")
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)) or int(text) > MAX_ID:
        return None
    return int(text)


def _numbers(value):
    """Every whole number in JSON data, as ints: digits kept as text count too (form values)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, int) or (isinstance(value, str) and parse_id(value) is not None):
        yield int(value)


class WriterSqliteDatabase(SqliteDatabase):
    """SQLite whose transactions take the write lock when they begin (BEGIN IMMEDIATE).

    A deferred transaction reads first and asks for the write lock at its first write; when
    another connection committed in between, SQLite refuses at once ("database is locked"),
    without waiting out the busy timeout. Taken up front, the lock is waited for instead.
    Every outermost db.atomic() begins here; nested ones are savepoints.
    """

    def begin(self, lock_type=None):
        super().begin(lock_type or "IMMEDIATE")


def use_storage(store):
    """Keep uploads in store (storage.FolderStorage or S3Storage) from now on."""
    Upload.storage = store


def open_database(url):
    """Connect a database URL (SQLite file or PostgreSQL) and bind the proxy."""
    if url.startswith("sqlite"):
        database = WriterSqliteDatabase(**parse(url), pragmas={
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 10000,
            "synchronous": "normal",
        })
    else:
        database = connect(url)
    db.initialize(database)
    return database


class JSONField(TextField):
    """A dict or list kept as JSON text (SQLite and PostgreSQL alike; never searched with LIKE).

    Each column documents the shape it holds where it is declared.
    """

    def __init__(self, *args, serialize_other=None, **kwargs):
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)
        self.serialize_other = serialize_other   # e.g. str, for audit snapshots holding dates

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, default=self.serialize_other)

    def python_value(self, value):
        return json.loads(value) if value else {}


class SealedField(TextField):
    """A person's 证件号码 sealed at rest (sealing.py). SQL sees only ciphertext, so the column is
    never compared there: hashed_in names the column whose lookup hash save() keeps beside it (rows
    holding one are written by save(), not insert_many or update)."""

    def __init__(self, *args, hashed_in=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.hashed_in = hashed_in

    def db_value(self, value):
        return sealing.seal(value)

    def python_value(self, value):
        return sealing.unseal(value)


class SealedJSONField(JSONField):
    """A JSON column sealed whole at rest: what a filing holds as typed or filed, people's 证件号码
    among it (never searched in SQL, see JSONField)."""

    def db_value(self, value):
        return sealing.seal(super().db_value(value))

    def python_value(self, value):
        return super().python_value(sealing.unseal(value))


def sealed_lookup(column, *values):
    """The condition matching rows whose lookup hash column says they hold one of values (hashed
    under every configured key, so a row not yet rotated is found too)."""
    return column.in_([digest for value in values for digest in sealing.lookup_hashes(value)])


class Registry(dict):
    """Declarations keyed by their kind; a second declaration of a kind is a mistake."""

    def register(self, declaration):
        """Class decorator: instantiate and file the declaration under its kind."""
        instance = declaration()
        if instance.kind in self:
            raise ValueError(f"{instance.kind} is declared twice")
        self[instance.kind] = instance
        return declaration

    def kinds(self, **wanted):
        """The kinds in declaration order, those whose attributes match wanted (e.g. filing=True)."""
        return [kind for kind, item in self.items()
                if all(getattr(item, name) == value for name, value in wanted.items())]


# What happens to an application of each kind after 【提交】: businesses.py declares them.
BUSINESSES = Registry()


class BaseModel(Model):
    created_at = DateTimeField(default=timeutil.now)

    class Meta:
        database = db

    def save(self, *args, **kwargs):
        # A sealed value's lookup hash follows the value (when the row holds it).
        for field in self._meta.sorted_fields:
            if getattr(field, "hashed_in", None) and field.name in self.__data__:
                value = getattr(self, field.name)
                setattr(self, field.hashed_in, sealing.lookup_hash(value) if value else "")
        return super().save(*args, **kwargs)


@functools.lru_cache(maxsize=1)
def _default_guide():
    with open(GUIDE_FILE, encoding="utf-8") as handle:
        return json.load(handle)


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
    instant_approval = BooleanField(default=False)   # 即审即办 for non-interactive sites
    # IP登记 of a 有效 subject is filed at once, without an officer (seed 001: 即审即办, result on the spot).
    ip_instant = BooleanField(default=True)
    # Review time limits in working days: the platform's 21, or what the bureau promises
    # (丽水: interactive sites within 5 working days).
    review_days = IntegerField(default=21)
    interactive_review_days = IntegerField(default=21)
    # Per 业务类型 limits that differ from review_days: {kind: working days}.
    kind_days = JSONField()
    # 办事指南 sections the admin edits: {GUIDE_SECTIONS key: text}; a missing one reads the default.
    guide = JSONField()

    # "unit" is the 联网单位备案 (IP登记) item of seeds 000/001, beside the website filing.
    GUIDE_SECTIONS = (("scope", "适用范围"), ("basis", "审批依据"), ("materials", "申请材料"),
                      ("procedure", "办理流程"), ("unit", "联网单位备案（IP登记）"), ("faq", "常见问题"))

    @staticmethod
    def default_guide():
        """The guide text of seed 000, for bureaus that have not written their own (a fresh copy)."""
        return dict(_default_guide())

    def guide_text(self):
        """Each guide section's text: the bureau's own, else the default."""
        return {**self.default_guide(), **{k: v for k, v in self.guide.items() if v}}

    def guide_sections(self):
        """(title, paragraphs) per section but the FAQ; the FAQ as (question, answer) pairs."""
        text = self.guide_text()
        sections = [(title, text[key].splitlines()) for key, title in self.GUIDE_SECTIONS if key != "faq"]
        faq = []
        for block in text["faq"].split("\n\n"):
            question, _, answer = block.strip().partition("\n")
            if question:
                faq.append((question, answer.strip()))
        return sections, faq

    def in_use(self):
        """True once subjects, applications or 公安备案号 depend on the bureau's division code."""
        return any(query.exists() for query in (
            Subject.select().where(Subject.bureau == self), Application.select().where(Application.bureau == self),
            RecordSequence.select().where(RecordSequence.bureau == self),
            ImportedSite.select().where(ImportedSite.bureau == self)))

    def days_for(self, kind):
        """The review limit of a 业务类型: its own if set, else the general one."""
        return self.kind_days.get(kind, self.review_days)

    @classmethod
    def for_region(cls, county_code):
        """The bureau that reviews a county: its own, else its city's, else the province's."""
        code = county_code or ""
        for candidate in (code, code[:4] + "00", code[:2] + "0000"):
            bureau = cls.get_or_none(cls.division_code == candidate)
            if bureau:
                return bureau
        return None

    @classmethod
    def assessing(cls, county_code):
        """The 地市级 bureau 安全评估 reports of a county go to: its city's, else its province's."""
        return cls.for_region((county_code or "")[:4] + "00")

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

    # The token of the UserSession this object was loaded for (or just logged in with): what
    # Flask-Login keeps in the cookie, so 退出 can end exactly that session.
    login_token = None

    def get_id(self):
        return self.login_token

    @property
    def is_active(self):
        return self.active

    def set_password(self, password):
        """Hash and store a new password and end every session of the account."""
        self.password_hash = _hasher.hash(password)
        if self.id is not None:
            UserSession.end_all(self.id)

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

    def set_active(self, active):
        """Enable or disable the account; disabling ends every session at once."""
        self.active = active
        if not active:
            UserSession.end_all(self.id)
        self.save()

    @property
    def is_officer(self):
        return self.role == self.OFFICER

    @property
    def is_admin(self):
        return self.role == self.ADMIN


class UserSession(BaseModel):
    """One login (created_at is when): the cookie holds a random token, the row its digest.

    A session is good while the row is not ended and was seen within the idle limit; 【退出】 ends
    its row, 【退出所有设备】, a new password or a disabled account end all the user's rows, so a
    copied cookie stops working at once. The unique token index makes the per-request lookup cheap.
    """

    # last_seen_at is written at most this often, not on every request.
    SEEN_EVERY = timedelta(minutes=1)
    # A user's rows unseen for this long are deleted at their next login.
    KEEP = timedelta(days=30)

    token_hash = CharField(max_length=64, unique=True)
    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    last_seen_at = DateTimeField(default=timeutil.now)
    ended_at = DateTimeField(null=True)

    @staticmethod
    def _digest(token):
        # The database holds no usable cookie value, only its digest.
        return hashlib.sha256((token or "").encode()).hexdigest()

    @classmethod
    def start(cls, user):
        """Open a session for user and give the user its token (login_token); forget old rows."""
        now = timeutil.now()
        cls.delete().where(cls.user == user.id, cls.last_seen_at < now - cls.KEEP).execute()
        token = secrets.token_urlsafe(32)
        cls.create(token_hash=cls._digest(token), user=user.id, created_at=now, last_seen_at=now)
        user.login_token = token
        return token

    @classmethod
    def user_for(cls, token, idle):
        """The active user whose live session has this token, else None (ended, idle longer than
        the timedelta idle, or the account disabled)."""
        now = timeutil.now()
        row = (cls.select(cls, User).join(User)
               .where(cls.token_hash == cls._digest(token), cls.ended_at.is_null(),
                      cls.last_seen_at > now - idle, User.active == True)  # noqa: E712
               .first())
        if row is None:
            return None
        if row.last_seen_at < now - cls.SEEN_EVERY:
            cls.update(last_seen_at=now).where(cls.id == row.id).execute()
        row.user.login_token = token
        return row.user

    @classmethod
    def end(cls, token):
        """End the one session with this token (退出)."""
        cls.update(ended_at=timeutil.now()).where(cls.token_hash == cls._digest(token),
                                                  cls.ended_at.is_null()).execute()

    @classmethod
    def end_all(cls, user_id):
        """End every session of a user (退出所有设备, new password, account disabled)."""
        cls.update(ended_at=timeutil.now()).where(cls.user == user_id, cls.ended_at.is_null()).execute()


class Throttle(BaseModel):
    """Attempts counted per key (a rule and a user name, mobile or address) within a window.

    Callers ask wait() before an attempt and hit() after it. The limit-th attempt within a window
    locks the key for a window's length, and each lockout after is twice as long as the one
    before (up to MAX_LOCK) until a day (FORGET) has passed since the last one. Kept in the
    database, each count one UPDATE, so every worker process sees and adds to the same counts.
    """

    MAX_LOCK = timedelta(hours=24)
    FORGET = timedelta(hours=24)

    key = CharField(max_length=96, unique=True)
    count = IntegerField(default=0)
    window_start = DateTimeField(default=timeutil.now, index=True)
    strikes = IntegerField(default=0)
    locked_until = DateTimeField(null=True)

    @staticmethod
    def _key(rule, value):
        # Fixed length whatever was typed, and no user names, numbers or addresses kept in clear.
        return rule[:16] + ":" + hashlib.sha256((value or "").encode()).hexdigest()

    @classmethod
    def wait(cls, rule, value):
        """Seconds until value may try rule again (0: now)."""
        row = cls.get_or_none(cls.key == cls._key(rule, value))
        return cls._left(row.locked_until) if row else 0

    @staticmethod
    def _left(until):
        now = timeutil.now()
        return math.ceil((until - now).total_seconds()) if until and until > now else 0

    @classmethod
    def hit(cls, rule, value, limit, seconds):
        """Count one attempt of value at rule (limit per seconds); return the seconds value must
        now wait (this attempt was the limit-th, or it is locked already and nothing is counted),
        else 0."""
        key, now = cls._key(rule, value), timeutil.now()
        window = timedelta(seconds=seconds)
        row = cls.get_or_none(cls.key == key)
        if row is None:
            # Bounded clean-up of keys long quiet, so strangers' keys do not pile up.
            stale = (cls.select(cls.id).where(cls.window_start < now - cls.FORGET - cls.MAX_LOCK)
                     .order_by(cls.window_start).limit(10))
            cls.delete().where(cls.id.in_(stale)).execute()
            cls.insert(key=key, window_start=now).on_conflict_ignore().execute()
        elif cls._left(row.locked_until):
            return cls._left(row.locked_until)
        expired, forgiven = cls.window_start <= now - window, cls.locked_until <= now - cls.FORGET
        cls.update(count=Case(None, [(expired, 1)], cls.count + 1),
                   window_start=Case(None, [(expired, now)], cls.window_start),
                   strikes=Case(None, [(forgiven, 0)], cls.strikes)).where(cls.key == key).execute()
        row = cls.get(cls.key == key)
        if row.count < limit:
            return 0
        lock = min(window * 2 ** min(row.strikes, 16), cls.MAX_LOCK)
        # Only the worker whose UPDATE matches starts the lockout; a concurrent one waits it too.
        cls.update(count=0, strikes=cls.strikes + 1, window_start=now, locked_until=now + lock) \
            .where(cls.key == key, cls.count >= limit).execute()
        return cls._left(cls.get(cls.key == key).locked_until) or math.ceil(lock.total_seconds())

    @classmethod
    def clear(cls, rule, value):
        """Forget value's attempts at rule (a login that succeeded)."""
        cls.delete().where(cls.key == cls._key(rule, value)).execute()


def division_prefix(code):
    """The leading digits every county of a division shares: 331102 → 331102, 331100 → 3311, 330000 → 33."""
    code = code or ""
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


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


class Delivery(BaseModel):
    """One outbound message (an SMS; a webhook call), queued in the transaction of the change it
    tells about, so a decision never commits without its message nor a message without its
    decision. A sender (flask send-outbox, or the request that queued it, right after it commits)
    delivers it later, retrying with a growing wait; the gateway's failure never fails the change."""

    SMS, WEBHOOK = "sms", "webhook"
    MAX_ATTEMPTS = 12           # about 17 hours of retries with BACKOFF, then it is given up
    BACKOFF = (30, 3600)        # seconds before the 2nd attempt, doubling up to the cap
    # A sender that dies mid-attempt (kill -9) leaves the row claimed; it is due again after this.
    LEASE = timedelta(minutes=5)

    kind = CharField(max_length=10)
    target = CharField(max_length=500)              # a mobile number, or the webhook's URL
    payload = JSONField()                           # SMS: {"text": …}; webhook: the JSON body
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(null=True, index=True)   # None once delivered or given up
    sent_at = DateTimeField(null=True)
    last_error = TextField(default="")

    @classmethod
    def queue(cls, kind, target, payload):
        """Queue one message, due at once (inside the caller's transaction, if any)."""
        return cls.create(kind=kind, target=target, payload=payload, next_attempt_at=timeutil.now())

    @classmethod
    def backoff(cls, attempts):
        """The wait after the attempts-th failed attempt."""
        first, cap = cls.BACKOFF
        return timedelta(seconds=min(first * 2 ** (attempts - 1), cap))

    def _claim(self, now):
        # Counting the attempt is the claim: of two senders, only one moves attempts on.
        return bool(Delivery.update(attempts=Delivery.attempts + 1, next_attempt_at=now + self.LEASE)
                    .where(Delivery.id == self.id, Delivery.attempts == self.attempts,
                           Delivery.next_attempt_at <= now).execute())

    @classmethod
    def deliver_due(cls, senders, ids=None, limit=100):
        """Attempt the due messages (only those of ids, if given) whose kind has a sender in
        senders ({kind: send(target, payload)}); returns (delivered, failed) counts."""
        now = timeutil.now()
        query = cls.select().where(cls.next_attempt_at <= now, cls.kind.in_(list(senders)))
        if ids is not None:
            query = query.where(cls.id.in_(list(ids)))
        delivered = failed = 0
        for row in list(query.order_by(cls.next_attempt_at).limit(limit)):
            if not row._claim(now):
                continue
            attempts = row.attempts + 1
            try:
                senders[row.kind](row.target, row.payload)
            except Exception as error:  # noqa: BLE001 - any gateway failure is retried later
                failed += 1
                give_up = attempts >= cls.MAX_ATTEMPTS
                cls.update(last_error=f"{type(error).__name__}: {error}"[:500],
                           next_attempt_at=None if give_up else timeutil.now() + cls.backoff(attempts)) \
                    .where(cls.id == row.id).execute()
            else:
                delivered += 1
                cls.update(sent_at=timeutil.now(), next_attempt_at=None, last_error="") \
                    .where(cls.id == row.id).execute()
        return delivered, failed


class CaptchaChallenge(BaseModel):
    """An image captcha answer, kept server-side so the cookie cannot reveal it."""

    TTL = timedelta(minutes=15)

    token = CharField(max_length=64, unique=True)
    answer = CharField(max_length=8)
    used = BooleanField(default=False)

    @classmethod
    def new(cls, length=4):
        """Create a challenge with an unambiguous random answer, deleting a few expired ones.

        Every anonymous page view with a captcha issues one; deleting up to ten expired rows each
        time keeps the table to about TTL's worth of issued challenges. Oldest ids are the
        expired ones, so the lookup stops at once.
        """
        expired = (cls.select(cls.id).where(cls.created_at < timeutil.now() - cls.TTL)
                   .order_by(cls.id).limit(10))
        cls.delete().where(cls.id.in_(expired)).execute()
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
    """An entry of the provider directory the wizards' 【查询网络接入服务商】/【查询域名注册服务商】
    search: one row per provider and kind. A filed 服务商's approval writes its rows (linked by
    service); a bureau's CSV import or an admin's edit writes rows that need no filing. A retired
    row stays on the filings that named it but is offered no more."""

    ACCESS, REGISTRAR, CDN, CLOUD = "access", "registrar", "cdn", "cloud"
    KINDS = {ACCESS: "网络接入服务商", REGISTRAR: "域名注册服务商", CDN: "CDN服务商", CLOUD: "云服务商"}

    name = CharField(max_length=120, index=True)
    kind = CharField(max_length=16)
    region_code = CharField(max_length=6)
    licence = CharField(max_length=60, default="")
    # The filed 服务商 this entry comes from (None: imported or entered by the bureau).
    service = DeferredForeignKey("Service", null=True, backref="+", on_delete="SET NULL")
    retired = BooleanField(default=False)

    LOOKUP_LIMIT = 20

    class Meta:
        # A lookup narrows by kind and province before it looks at names (see offered).
        indexes = ((("kind", "region_code"), False),)

    @classmethod
    def in_province(cls, code):
        """Rows whose region lies in the province of a division code: a range the index can use
        (LIKE '33%' cannot use it on SQLite)."""
        return cls.region_code.between(code[:2] + "0000", code[:2] + "9999")

    @classmethod
    def offered(cls, kind, province_code, name=""):
        """What a wizard's lookup offers: live providers of a kind in a province whose name contains
        name; the exact name first, then names starting with it, then the rest, each by name."""
        found = cls.select().where(cls.kind == kind, cls.in_province(province_code), cls.retired == False)  # noqa: E712
        if not name:
            return list(found.order_by(cls.name, cls.id).limit(cls.LOOKUP_LIMIT))
        rank = Case(None, ((cls.name == name, 0), (cls.name.startswith(name), 1)), 2)
        return list(found.where(cls.name.contains(name)).order_by(rank, cls.name, cls.id).limit(cls.LOOKUP_LIMIT))

    @classmethod
    def live_duplicate(cls, name, kind, exclude=None):
        """The live row with this name and kind (another than exclude), or None."""
        found = cls.select().where(cls.name == name, cls.kind == kind, cls.retired == False)  # noqa: E712
        if exclude is not None:
            found = found.where(cls.id != exclude)
        return found.first()

    @classmethod
    def directory(cls, province_code=None, name="", kind="", after=None, size=50):
        """A page of the directory in (name, id) order, after the row after (keyset), in a province
        (None: everywhere); size + 1 rows, so the caller knows whether another page follows."""
        rows = cls.select()
        if province_code:
            rows = rows.where(cls.in_province(province_code))
        if name:
            rows = rows.where(cls.name.contains(name))
        if kind:
            rows = rows.where(cls.kind == kind)
        if after is not None:
            rows = rows.where((cls.name > after.name) | ((cls.name == after.name) & (cls.id > after.id)))
        return list(rows.order_by(cls.name, cls.id).limit(size + 1))

    @property
    def kind_label(self):
        return self.KINDS.get(self.kind, self.kind)

    @property
    def from_filing(self):
        """Its data comes from a filed 服务商: the directory may retire it, not edit it."""
        return self.service_id is not None

    def facts(self):
        """What the audit log keeps of a row."""
        return {"name": self.name, "kind": self.kind, "region_code": self.region_code, "licence": self.licence,
                "service": self.service_id, "retired": self.retired}

    def change(self, name, kind, region_code, licence):
        """修改 an entry the bureau keeps (one from a filing changes only through the filing)."""
        if self.from_filing:
            raise TransitionError("该服务商来自备案，信息以备案为准，只能停用")
        if not self.retired and Provider.live_duplicate(name, kind, exclude=self.id):
            raise TransitionError(f"目录中已有{self.KINDS.get(kind, kind)}“{name}”")
        self.name, self.kind, self.region_code, self.licence = name, kind, region_code, licence
        self.save()

    def retire(self):
        """停用: the wizards offer it no more; filings that named it keep the name."""
        if self.retired:
            raise TransitionError("该服务商已停用")
        Provider.update(retired=True).where(Provider.id == self.id).execute()
        self.retired = True

    def enable(self):
        """启用 again, unless a live entry took its name meanwhile or its 服务商 is no longer filed."""
        if not self.retired:
            raise TransitionError("该服务商未停用")
        if self.from_filing and not Service.select().where(Service.id == self.service_id,
                                                           Service.status == Service.FILED).exists():
            raise TransitionError("该服务商的备案已不在有效状态，不能启用")
        if Provider.live_duplicate(self.name, self.kind, exclude=self.id):
            raise TransitionError(f"目录中已有{self.kind_label}“{self.name}”，不能重复启用")
        Provider.update(retired=False).where(Provider.id == self.id).execute()
        self.retired = False

    @classmethod
    def put_on_record(cls, service, kinds, name, region_code, licence):
        """A 服务商's filing in force: one live row per kind it offers, the others retired."""
        for kind in cls.KINDS:
            row = cls.get_or_none(cls.service == service.id, cls.kind == kind)
            if kind in kinds:
                values = {"name": name, "region_code": region_code, "licence": licence, "retired": False}
                if row is None:
                    cls.create(service=service.id, kind=kind, **values)
                else:
                    cls.update(**values).where(cls.id == row.id).execute()
            elif row is not None and not row.retired:
                cls.update(retired=True).where(cls.id == row.id).execute()

    @classmethod
    def retire_for(cls, services):
        """注销 (of a 服务商 or of its subject): its entries are offered no more."""
        cls.update(retired=True).where(cls.service.in_(services)).execute()


class TransitionError(Exception):
    """A state change that the current state does not allow; message for the user."""


class StorageRefused(Exception):
    """More than the platform keeps for a user (a draft too big, too many drafts, an overlong
    field): nothing of the request is stored; the message is for the user."""


class Upload(BaseModel):
    """An upload stored outside static/: a verified, re-encoded picture or a checked PDF."""

    owner = ForeignKeyField(User, backref="uploads", on_delete="CASCADE")
    purpose = CharField(max_length=32)
    stored_name = CharField(max_length=80, unique=True)
    content_type = CharField(max_length=32)
    size = IntegerField()
    sha256 = CharField(max_length=64)

    # What a verified upload is stored as: format → (file suffix, content type).
    FORMATS = {"jpeg": (".jpg", "image/jpeg"), "png": (".png", "image/png"), "pdf": (".pdf", "application/pdf")}

    # Where the bytes are kept (storage.py): set once at app start by use_storage().
    storage = None

    @classmethod
    def store(cls, owner, purpose, data, file_format):
        """Keep already verified bytes (a re-encoded picture, a checked PDF) and record them."""
        suffix, content_type = cls.FORMATS[file_format]
        stored_name = secrets.token_hex(16) + suffix
        cls.storage.put(stored_name, data)
        return cls.create(owner=owner, purpose=purpose, stored_name=stored_name, content_type=content_type,
                          size=len(data), sha256=hashlib.sha256(data).hexdigest())

    @property
    def is_pdf(self):
        return self.content_type == "application/pdf"

    @classmethod
    def purge_orphans(cls, older_than=timedelta(days=1)):
        """Delete the uploads nothing refers to any more, older than older_than (younger ones may
        belong to a form being filled in); return how many. Referring: a subject's photo, an
        application's attachment, a filing's picture, or the id in a draft, application or filed
        service of the same owner (their data keeps picture ids as typed)."""
        cutoff = timeutil.now() - older_than
        query = cls.select().where(cls.created_at < cutoff)
        for column in (Subject.cert_photo, Subject.id_photo_front, Subject.id_photo_back, Application.attachment,
                       FilingPicture.upload):
            query = query.where(cls.id.not_in(column.model.select(column).where(column.is_null(False))))
        by_owner = {}
        for upload in query:
            by_owner.setdefault(upload.owner_id, []).append(upload)
        purged = 0
        for owner, uploads in by_owner.items():
            named = set()
            for model in (Draft, Application, Service):
                for (data,) in model.select(model.data).where(model.owner == owner).tuples().iterator():
                    named.update(_numbers(data))
            orphans = [upload for upload in uploads if upload.id not in named]
            if not orphans:
                continue
            # The rows first: a file left behind is harmless, a row without its file is not.
            purged += cls.delete().where(cls.id.in_([upload.id for upload in orphans])).execute()
            for upload in orphans:
                cls.storage.delete(upload.stored_name)
        return purged

    def read(self):
        """The stored bytes."""
        return self.storage.get(self.stored_name)

    def visible_to(self, user):
        """Its owner sees it, and officers of a bureau reviewing a subject that files it."""
        if user.id == self.owner_id:
            return True
        if not user.is_officer or user.bureau_id is None:
            return False
        bureau = user.bureau_id
        # A subject's photos: its own bureau, and a bureau it filed something with (the 地市级 bureau
        # reviewing its 安全评估 report).
        if Subject.select().where(
                (Subject.cert_photo == self) | (Subject.id_photo_front == self) | (Subject.id_photo_back == self),
                (Subject.bureau == bureau) | Subject.id.in_(Application.select(Application.subject)
                                                            .where(Application.bureau == bureau))).exists():
            return True
        # The attachment of an application (注销网站 …), or a picture or document a filing names (an
        # APP's icon, a report's documents …), whatever became of that filing since: for the bureau
        # it went to and the subject's own bureau.
        return (Application.select().join(Subject)
                .where((Application.bureau == bureau) | (Subject.bureau == bureau),
                       (Application.attachment == self) | Application.id.in_(
                           FilingPicture.select(FilingPicture.application).where(FilingPicture.upload == self)))
                .exists())


class Subject(BaseModel):
    """A 开办主体 (unit or person) and its life-cycle."""

    PENDING, VALID, CHANGING = "待审核", "有效", "变更中"
    CANCELLING, CANCELLED, TRANSFERRING = "注销中", "已注销", "移交中"
    PERSON, UNIT = "个人", "单位"
    # States in which the subject may file websites (and take up 未备案/认领 sites).
    LIVE = (PENDING, VALID, CHANGING)

    owner = ForeignKeyField(User, backref="subjects", on_delete="RESTRICT")
    status = CharField(max_length=8, default=PENDING, index=True)
    nature = CharField(max_length=4)
    unit_kind = CharField(max_length=8, default="")
    name = CharField(max_length=100, index=True)
    cert_type = CharField(max_length=32, default="")
    # A 个人's certificate is the 居民身份证: sealed, found and kept unique by cert_hash.
    cert_number = SealedField(default="", hashed_in="cert_hash")
    cert_hash = CharField(max_length=64, index=True, default="")
    investor = CharField(max_length=100, default="")
    region_code = CharField(max_length=6)
    address = CharField(max_length=200, default="")
    cert_photo = ForeignKeyField(Upload, null=True, on_delete="SET NULL", backref="+")
    leader_name = CharField(max_length=40)
    leader_id_type = CharField(max_length=32)
    leader_id_number = SealedField()
    leader_residence = CharField(max_length=200)
    leader_office_phone = CharField(max_length=32)
    leader_mobile = CharField(max_length=20)
    leader_email = CharField(max_length=120)
    id_photo_front = ForeignKeyField(Upload, null=True, on_delete="SET NULL", backref="+")
    id_photo_back = ForeignKeyField(Upload, null=True, on_delete="SET NULL", backref="+")
    bureau = ForeignKeyField(Bureau, null=True, backref="subjects", on_delete="RESTRICT")
    approved_at = DateTimeField(null=True)

    # The columns a filing form writes; everything else is state.
    DATA_FIELDS = ("nature", "unit_kind", "name", "cert_type", "cert_number", "investor",
                   "region_code", "address", "cert_photo", "leader_name", "leader_id_type",
                   "leader_id_number", "leader_residence", "leader_office_phone", "leader_mobile",
                   "leader_email", "id_photo_front", "id_photo_back")
    UPLOAD_FIELDS = ("cert_photo", "id_photo_front", "id_photo_back")

    def as_data(self):
        """The filed values as plain data (upload ids for pictures)."""
        data = {name: getattr(self, name) for name in self.DATA_FIELDS if name not in self.UPLOAD_FIELDS}
        data.update({name: getattr(self, name + "_id") for name in self.UPLOAD_FIELDS})
        return data

    def apply(self, data):
        """Set the filed values from plain data."""
        for name in self.DATA_FIELDS:
            if name in data:
                setattr(self, name + ("_id" if name in self.UPLOAD_FIELDS else ""), data[name])

    # Why a business cannot start from a state: the user sees this sentence.
    BUSY_MESSAGES = {
        PENDING: "主体尚在审核中，审核通过后才能办理",
        CHANGING: "存在审核中的单据",
        CANCELLING: "存在审核中的单据",
        TRANSFERRING: "该主体正在移交中，如需办理请先撤回移交",
        CANCELLED: "该主体已注销",
    }

    def _move(self, allowed_from, to, message=None):
        if self.status not in allowed_from:
            if self.status == self.CANCELLED or message is None:
                message = self.BUSY_MESSAGES.get(self.status, "当前状态不能办理该业务")
            raise TransitionError(message)
        self.status = to
        self.save()

    def approve(self):
        """待审核 → 有效: reviewed together with its first business. The first approval of a
        certificate wins; the database refuses a second one (LIVE_CERT_INDEX)."""
        if self.status != self.PENDING:
            raise TransitionError("只有待审核的主体可以审核通过")
        with self._one_approved_holder():
            self.status, self.approved_at = self.VALID, timeutil.now()
            self.save()

    @staticmethod
    @contextlib.contextmanager
    def _one_approved_holder():
        """Turn the database's refusal of a second approved subject under a certificate into the
        officer's message (in a savepoint, so PostgreSQL's transaction stays usable)."""
        try:
            with db.atomic():
                yield
        except IntegrityError:
            raise TransitionError("该证件号码已有审核通过的开办主体，不能通过，请退回本申请") from None

    def start_change(self):
        """有效 → 变更中."""
        self._move({self.VALID}, self.CHANGING)

    def finish_change(self, approved, data=None):
        """变更中 → 有效, with the new data when approved."""
        if self.status != self.CHANGING:
            raise TransitionError("该主体没有审核中的变更")
        if approved:
            self.apply(data or {})
        with self._one_approved_holder():
            self._move({self.CHANGING}, self.VALID)

    def start_cancel(self):
        """有效 → 注销中."""
        self._move({self.VALID}, self.CANCELLING)

    def finish_cancel(self, approved):
        """注销中 → 已注销 (with every business under it) or back to 有效."""
        if self.status != self.CANCELLING:
            raise TransitionError("该主体没有审核中的注销申请")
        with db.atomic():
            if approved:
                Service.cancel_all(self)
            self._move({self.CANCELLING}, self.CANCELLED if approved else self.VALID)

    def start_transfer(self):
        """有效 → 移交中."""
        self._move({self.VALID}, self.TRANSFERRING)

    def withdraw_transfer(self):
        """移交中 → 有效, before the receiver accepts."""
        self._move({self.TRANSFERRING}, self.VALID, "该主体不在移交中")

    def accept_transfer(self, receiver):
        """移交中 → 有效 under the receiver, with all its businesses."""
        if self.status != self.TRANSFERRING:
            raise TransitionError("该主体不在移交中")
        with db.atomic():
            Service.update(owner=receiver).where(Service.subject == self).execute()
            # Its history and pictures go along: the sender keeps no view of the receiver's data.
            Application.update(owner=receiver).where(Application.subject == self).execute()
            attachments = Application.select(Application.attachment).where(Application.subject == self,
                                                                            Application.attachment.is_null(False))
            named = FilingPicture.select(FilingPicture.upload).join(Application).where(Application.subject == self)
            Upload.update(owner=receiver).where(Upload.id.in_(
                [i for i in (self.cert_photo_id, self.id_photo_front_id, self.id_photo_back_id) if i])
                | Upload.id.in_(attachments) | Upload.id.in_(named)).execute()
            # The sender's unfinished drafts for this subject do not travel.
            Draft.delete().where(Draft.subject == self).execute()
            self.owner = receiver
            try:
                with db.atomic():
                    self._move({self.TRANSFERRING}, self.VALID)
            except IntegrityError:
                # OWN_CERT_INDEX: the receiver filed a subject under this number too.
                raise TransitionError("您的账号已有该证件号码的开办主体，请先撤销或注销后再接收") from None

    @classmethod
    def owned_by(cls, user):
        """The user's subjects, newest first, cancelled ones last."""
        return (cls.select().where(cls.owner == user)
                .order_by(cls.status == cls.CANCELLED, cls.id.desc()))

    @classmethod
    def live_holders(cls, cert_numbers):
        """{certificate number: the accounts holding a live subject under it} for those held at all
        (whom a bureau's push reaches), in one query."""
        holders = {}
        if not cert_numbers:
            return holders
        query = cls.select(cls.cert_number, cls.owner).where(cls.cert_lookup(*cert_numbers),
                                                             cls.status.in_(cls.LIVE))
        for cert_number, owner in query.tuples():
            holders.setdefault(cert_number, set()).add(owner)
        return holders

    @classmethod
    def cert_lookup(cls, *cert_numbers):
        """The condition finding subjects holding one of these certificate numbers (by lookup hash)."""
        return sealed_lookup(cls.cert_hash, *cert_numbers)

    @classmethod
    def under_certificate(cls, cert_number, exclude=None):
        """The subjects not cancelled that were filed under a certificate number (but exclude)."""
        query = cls.select().where(cls.cert_lookup(cert_number), cls.status != cls.CANCELLED)
        if exclude is not None:
            query = query.where(cls.id != exclude.id)
        return query.order_by(cls.id)

    @classmethod
    def blocking(cls, cert_number, owner, exclude=None):
        """The subject that keeps owner from filing a certificate number, or None: the account's own
        subject with it (pending or approved), or another account's approved one. Another account's
        never-reviewed (待审核) subject blocks nobody: the officer sees the conflict and the first
        approval wins (LIVE_CERT_INDEX), as with domains (Service.blocking)."""
        owner_id = getattr(owner, "id", owner)
        for holder in cls.under_certificate(cert_number, exclude):
            if holder.owner_id == owner_id or holder.status != cls.PENDING:
                return holder
        return None

    @classmethod
    def expire_abandoned(cls, days, now=None):
        """待审核 subjects whose 新增主体 has waited more than days with no business filed under it
        (how a certificate squatter leaves one): the application is 已撤销, the subject 已注销, what
        was typed goes back to 我的草稿 and the owner is told. Returns the subjects expired."""
        cutoff = (now or timeutil.now()) - timedelta(days=days)
        other = Application.alias()
        business = other.select(SQL("1")).where(other.subject == cls.id, other.kind != Application.NEW_SUBJECT)
        stale = (Application.select(Application, cls).join(cls)
                 .where(Application.kind == Application.NEW_SUBJECT, Application.status == Application.PENDING,
                        Application.submitted_at < cutoff, cls.status == cls.PENDING, ~fn.EXISTS(business))
                 .order_by(Application.id))
        expired = []
        for application in stale:
            subject = application.subject
            with db.atomic():
                try:
                    application._close(Application.WITHDRAWN)
                except TransitionError:
                    continue   # decided meanwhile
                application.business.give_back(application, application.data)
                Notice.send(application.owner_id, "新增主体申请已过期撤销",
                            f"您提交的开办主体“{subject.name}”超过{days}日未办理任何备案业务，已自动撤销；"
                            "填写的内容已放回【我的草稿】，如需继续请重新提交并办理网站等业务。")
            expired.append(subject)
        return expired

    def rivals(self):
        """Other subjects not cancelled under this subject's certificate, for the officer."""
        return list(Subject.under_certificate(self.cert_number, exclude=self))

    @classmethod
    def file_new(cls, owner, data, bureau, form=None):
        """新增主体 【提交审核】: the subject and its 新增主体 application, together.

        form keeps the values as typed, so a withdrawn application can become a draft
        again. A certificate number this account already filed (a double submit racing
        itself) is refused by the database's partial unique index (OWN_CERT_INDEX).
        """
        try:
            with db.atomic():
                subject = cls(owner=owner, status=cls.PENDING, bureau=bureau)
                subject.apply(data)
                subject.save()
                BUSINESSES[Application.NEW_SUBJECT].file(subject, {**data, "form": form or {}})
                ImportedSite.tell_owner(owner, subject.cert_number)
        except IntegrityError:
            raise TransitionError("本账号已登记该证件号码的开办主体，请勿重复添加") from None
        return subject

    def busy_reason(self):
        """Why no change, cancellation or transfer can start now, or None."""
        if self.status != self.VALID:
            return self.BUSY_MESSAGES.get(self.status, "当前状态不能办理该业务")
        if self.applications.where(Application.status.in_(Application.OPEN)).exists():
            return "存在审核中的单据"
        return None

    def _ensure_free(self):
        reason = self.busy_reason()
        if reason:
            raise TransitionError(reason)

    def request_change(self, data, form=None):
        """变更主体 【确认】: 有效 → 变更中 with a 变更主体 application holding the new data."""
        with db.atomic():
            self._ensure_free()
            self.start_change()
            return BUSINESSES[Application.CHANGE_SUBJECT].file(self, {**data, "form": form or {}})

    def request_cancel(self, reason):
        """注销主体: 有效 → 注销中 with a 注销主体 application."""
        with db.atomic():
            self._ensure_free()
            self.start_cancel()
            return BUSINESSES[Application.CANCEL_SUBJECT].file(self, {"reason": reason})

    def offer_transfer(self, receiver_mobile, receiver_id_number):
        """移交主体: 有效 → 移交中 with an offer to the receiver."""
        with db.atomic():
            self._ensure_free()
            self.start_transfer()
            return Transfer.create(subject=self, sender=self.owner, receiver_mobile=receiver_mobile,
                                   receiver_id_number=receiver_id_number)

    def open_transfer(self):
        """The offer this subject is waiting on, if any."""
        return self.transfers.where(Transfer.status == Transfer.OFFERED).first()

    @property
    def is_person(self):
        return self.nature == self.PERSON


# Who may hold a certificate number (Subject.blocking), enforced by the database itself so that
# two requests racing each other cannot both pass (SQLite and PostgreSQL alike): one approved
# subject per number (pending ones block nobody; the first approval wins), and an account files
# a number once (a double submit racing itself). On the lookup hash: the number itself is sealed.
LIVE_CERT_INDEX = ("CREATE UNIQUE INDEX IF NOT EXISTS subject_approved_cert_hash "
                   "ON subject (cert_hash) WHERE status NOT IN ('待审核', '已注销')")
OWN_CERT_INDEX = ("CREATE UNIQUE INDEX IF NOT EXISTS subject_own_cert_hash "
                  "ON subject (owner_id, cert_hash) WHERE status <> '已注销'")
Subject.add_index(SQL(LIVE_CERT_INDEX))
Subject.add_index(SQL(OWN_CERT_INDEX))
# One application under review per filed service: a 变更 and a 注销 racing each other cannot both open.
ONE_OPEN_PER_WEBSITE_INDEX = ("CREATE UNIQUE INDEX IF NOT EXISTS application_one_open_per_website "
                              "ON application (website_id) WHERE status IN ('待审核', '待面审', '待实地检查')")


class Service(BaseModel):
    """A filed thing under a subject, one row each whatever its kind (website now; APP, 小程序,
    应用市场, 服务商 next): its main facts as columns, every filed field in data.

    The table keeps its first name, website, so no data moved when it grew a kind.
    """

    WEBSITE, APP, MINIAPP, PROVIDER, APPSTORE, UNIT = "website", "app", "miniapp", "provider", "appstore", "unit"
    # kind → what the platform calls it (我的网站 …)
    KINDS = {WEBSITE: "网站", APP: "APP", MINIAPP: "小程序", PROVIDER: "服务商", APPSTORE: "应用市场", UNIT: "联网单位"}
    # Kinds whose domains are hosts they use rather than what they are: the same subject's
    # services of the kind may share them (see SERVICE_DOMAIN_INDEX).
    SHARING_HOSTS = (APP,)
    PENDING, FILED, CANCELLED = "待审核", "已备案", "已注销"

    kind = CharField(max_length=16, default=WEBSITE, index=True)
    owner = ForeignKeyField(User, backref="services", on_delete="RESTRICT")
    subject = ForeignKeyField(Subject, backref="services", on_delete="RESTRICT")
    name = CharField(max_length=100)
    domain = CharField(max_length=253, index=True, default="")   # the main domain (websites), for lists
    status = CharField(max_length=8, default=PENDING)
    record_number = CharField(max_length=40, null=True, unique=True)
    interactive = BooleanField(default=False)
    # The filed fields as the kind's flow puts them on record (websites: WebsiteFlow.filed_data).
    data = SealedJSONField()
    # 安全评估: since when a report is due (the approval that made it so), and why; None once an
    # approved report meets it. Indexed: the bureaus' 逾期 list starts from it.
    assessment_due_since = DateTimeField(null=True, index=True)
    assessment_trigger = CharField(max_length=32, default="")

    class Meta:
        table_name = "website"

    @property
    def kind_label(self):
        return self.KINDS[self.kind]

    @classmethod
    def public_search(cls, text, domain=None, kind=None, limit=20):
        """Filed (or cancelled) services by 公安备案号, exact domain (normalized by the caller), name,
        or exact package name / AppID; of one kind when kind is given. Each comes with its subject
        and its first 通过 (approval()) loaded, so a result page runs a fixed number of queries."""
        compact = "".join(text.split())
        match = (fn.REPLACE(cls.record_number, " ", "") == compact) | cls.name.contains(text)
        if domain:
            # The domains a service has in force, or had when it was cancelled (never a pending change's).
            match |= cls.id.in_(Domain.select(Domain.service).join(cls).where(
                Domain.domain == domain, Domain.live | (cls.status == cls.CANCELLED)))
        # An APP's package names and a 小程序's AppID, typed exactly (their case kept as filed).
        match |= cls.id.in_(ServiceKey.select(ServiceKey.service).join(cls).where(
            ServiceKey.value == compact, ServiceKey.live | (cls.status == cls.CANCELLED)))
        query = (cls.select(cls, Subject, Bureau).join(Subject).join(Bureau, JOIN.LEFT_OUTER)
                 .where(cls.record_number.is_null(False)).where(match))
        if kind:
            query = query.where(cls.kind == kind)
        services = list(query.order_by(cls.id.desc()).limit(limit))
        cls.load_approvals(services)
        return services

    @classmethod
    def load_approvals(cls, services):
        """Each service's first 通过, with its bureau, in one query (what approval() returns)."""
        first = (Application.select(fn.MIN(Application.id))
                 .where(Application.service.in_([service.id for service in services]),
                        Application.status == Application.APPROVED)
                 .group_by(Application.service))
        rows = (Application.select(Application.id, Application.service, Application.decided_at,
                                   Application.bureau, Bureau)
                .join(Bureau, JOIN.LEFT_OUTER).where(Application.id.in_(first)))
        approvals = {approval.service_id: approval for approval in rows} if services else {}
        for service in services:
            service._approval = approvals.get(service.id)

    def approval(self):
        """The 通过 that put the service on record (the one that issued or kept its number), or None."""
        if hasattr(self, "_approval"):
            return self._approval
        return (Application.select().where(Application.service == self, Application.status == Application.APPROVED)
                .order_by(Application.id).first())

    def approved_on(self):
        """When the bureau approved the filing."""
        approval = self.approval()
        return approval.decided_at if approval else None

    def approving_bureau(self):
        """备案机关: the bureau that approved the filing (an imported site's is the bureau that imported
        it, not necessarily the subject's); the subject's for a row no application put on record."""
        approval = self.approval()
        return approval.bureau if approval and approval.bureau_id else self.subject.bureau

    @classmethod
    def filed_by(cls, bureau, kind, before=None, size=50):
        """The bureau's filed services of a kind, newest first, a page (by id) at a time: the ones
        its approvals (or the platform's 即审即办 on its behalf) put on record."""
        # The bureau whose 通过 put it on record (approving_bureau(): the first approval's).
        first = (Application.select(fn.MIN(Application.id)).join(cls)
                 .where(cls.kind == kind, Application.status == Application.APPROVED).group_by(Application.service))
        mine = Application.select(Application.service).where(Application.id.in_(first), Application.bureau == bureau)
        query = (cls.select(cls, Subject).join(Subject)
                 .where(cls.kind == kind, cls.status == cls.FILED, cls.id.in_(mine)))
        if before:
            query = query.where(cls.id < before)
        services = list(query.order_by(cls.id.desc()).limit(size))
        cls.load_approvals(services)   # 备案情况 of every row without a query each
        return services

    def record_facts(self):
        """备案情况 of a service whose filing is its record (a 服务商): status, date and bureau."""
        approval = self.approval()
        if approval is None:
            return self.status
        bureau = self.approving_bureau()
        return f"{self.status}（{timeutil.format_local(approval.decided_at)}，{bureau.name if bureau else '—'}）"

    def public_owner_name(self):
        """The subject's name as the public may see it: a person's name masked (王*华)."""
        name = self.subject.name
        if not self.subject.is_person or len(name) < 2:
            return name
        return name[0] + "*" * max(len(name) - 2, 1) + (name[-1] if len(name) > 2 else "")

    def open_application(self):
        """The service's application still being reviewed (变更 or 注销), or None."""
        return self.applications.where(Application.status.in_(Application.OPEN)).first()

    def report_problem(self):
        """Why the service cannot report the sites it hosts and the units it connects now (公安部令第33号
        第十一条、第十二条: a 服务商 in force does, to the bureau it filed with), or None."""
        if self.kind != self.PROVIDER or self.status != self.FILED:
            return "只有已备案的服务商才能报告接入网站和接入单位"
        if self.approving_bureau() is None:
            return "未找到该服务商的备案机关，请联系当地网安部门"
        return None

    def change_problem(self):
        """Why a 变更 or 注销 cannot start now, or None."""
        if self.status != self.FILED:
            return f"只有已备案的{self.kind_label}才能变更或注销"
        if self.open_application():
            return "存在审核中的单据"
        return None

    def filing(self):
        """The wizard data of the application that put the service's current facts in force."""
        last = (self.applications.where(Application.status == Application.APPROVED,
                                        Application.kind.in_(BUSINESSES.kinds(filing=True)))
                .order_by(Application.id.desc()).first())
        return last.data.get("wizard") if last else None

    @property
    def home_url(self):
        """The address a website's 首页 answers at (what the closed-site check probes)."""
        return self.data.get("home_url") or self.domain

    def domains(self):
        """The exact hosts the service has in force (or asks for while pending), in filed order."""
        return self.data.get("domains", [self.domain] if self.domain else [])

    def put_in_force(self, filed, columns, application):
        """Approved data (first filing or 变更) becomes the record: columns, data and domains."""
        for name, value in columns.items():
            setattr(self, name, value)
        self.data = filed
        # Only what a filing decides: a column changed meanwhile by another row's decision (a report
        # that met the need for 安全评估) is not written back from this copy.
        self.save(only=[Service.status, Service.record_number, Service.data, *[getattr(Service, n) for n in columns]])
        for held in HELD:
            held.put_in_force(self, application)

    def require_assessment(self, trigger, items):
        """An approval made the service one that needs a 安全评估 report (a need already open keeps
        its date: the report was due from then); the owner is told."""
        if self.assessment_due_since is None:
            self.assessment_due_since, self.assessment_trigger = timeutil.now(), trigger
            Service.update(assessment_due_since=self.assessment_due_since, assessment_trigger=trigger).where(
                Service.id == self.id, Service.assessment_due_since.is_null()).execute()
        Notice.send(self.owner_id, "需提交安全评估报告",
                    f"{self.kind_label}“{self.name}”提供{'、'.join(items)}服务，属于具有舆论属性或社会动员能力的"
                    f"互联网信息服务，请在{assessments.DUE_DAYS}日内通过【新办安全评估】提交安全评估报告"
                    f"（评估情形：{trigger}）。")

    def assessment_due_on(self):
        """The day the report is due, or None when none is."""
        if self.assessment_due_since is None:
            return None
        return timeutil.to_local(self.assessment_due_since).date() + timedelta(days=assessments.DUE_DAYS)

    @classmethod
    def assessment_overdue(cls, division_code, today=None, after=None, size=50):
        """Filed services of subjects in a division (a county; a city or province: all of it) whose
        安全评估 report is past its due day with none under review, the longest waiting first, a
        page at a time (after: the last row of the previous page)."""
        today = today or timeutil.today()
        # Overdue from the day after the due day: owed since before the local midnight DUE_DAYS ago.
        cutoff = timeutil.to_utc(datetime.combine(today - timedelta(days=assessments.DUE_DAYS), time(), timeutil.CN_TZ))
        reviewing = Assessment.select(Assessment.service).where(Assessment.status == Assessment.PENDING)
        query = (cls.select(cls, Subject).join(Subject)
                 .where(cls.assessment_due_since < cutoff, cls.status == cls.FILED, cls.id.not_in(reviewing),
                        Subject.region_code.startswith(division_prefix(division_code))))
        if after is not None:
            query = query.where((cls.assessment_due_since > after.assessment_due_since)
                                | ((cls.assessment_due_since == after.assessment_due_since) & (cls.id > after.id)))
        return list(query.order_by(cls.assessment_due_since, cls.id).limit(size))

    @classmethod
    def cancel_all(cls, subject):
        """注销主体: every service under the subject ends, and lets its domains go."""
        services = cls.select(cls.id).where(cls.subject == subject, cls.status != cls.CANCELLED)
        for held in HELD:
            held.update(live=False).where(held.service.in_(services)).execute()
        Provider.retire_for(services)
        cls.update(status=cls.CANCELLED, assessment_due_since=None, assessment_trigger="").where(
            cls.subject == subject, cls.status != cls.CANCELLED).execute()

    def cancel(self):
        """注销: the number is never reused; the domains are free again (kept for the public query);
        a 安全评估 report is no longer owed."""
        self.status, self.assessment_due_since, self.assessment_trigger = self.CANCELLED, None, ""
        self.save()
        for held in HELD:
            held.update(live=False).where(held.service == self).execute()
        Provider.retire_for([self.id])

    @classmethod
    def blocking(cls, value, subject, kind, exclude=None, held=None):
        """The service that keeps this subject from filing a value (an exact host; with held=ServiceKey
        a package name or AppID) for a service of a kind, or None: its own filing of that kind with
        it (pending or filed), or another subject's filing that has it in force. Another subject's
        pending filing blocks nobody (the officer sees the conflict)."""
        held = held or Domain
        holders = (cls.select(cls, held.live).join(held, on=(held.service == cls.id))
                   .where(held.matching(value), cls.status != cls.CANCELLED))
        if exclude is not None:
            holders = holders.where(cls.id != exclude.id)
        shared = held is Domain and kind in cls.SHARING_HOSTS
        for holder in holders.objects():
            same_subject = subject is not None and holder.subject_id == subject.id
            if (same_subject and holder.kind == kind and not shared) or (not same_subject and holder.live):
                return holder
        return None


# A subject's several APPs may share the hosts they use (one API behind two APPs): an APP's
# domains are held against other subjects only (Service.blocking), never by this index.
SERVICE_DOMAIN_INDEX = ("CREATE UNIQUE INDEX IF NOT EXISTS domain_one_live_holder "
                        "ON domain (domain, kind) WHERE live AND kind <> 'app'")


class Draft(BaseModel):
    """A filing in progress: raw form data, never in the cookie."""

    NEW_SUBJECT, CHANGE_SUBJECT, NEW_WEBSITE = "新增主体", "变更主体", "新办网站"
    CHANGE_WEBSITE, CLAIM_WEBSITE = "变更网站", "网站认领"

    owner = ForeignKeyField(User, backref="drafts", on_delete="CASCADE")
    kind = CharField(max_length=16)
    subject = ForeignKeyField(Subject, null=True, backref="drafts", on_delete="CASCADE")
    # The filed service a 变更 edits.
    service = ForeignKeyField(Service, null=True, backref="drafts", on_delete="CASCADE", column_name="website_id",
                              object_id_name="service_id")
    imported = DeferredForeignKey("ImportedSite", null=True, on_delete="SET NULL")  # 未备案/认领
    # Wizard flows: {"steps": {step: {field: [values]}}, "furthest": step name} (older drafts: "reached": index);
    # the subject forms: their fields as typed.
    data = SealedJSONField()
    step = CharField(max_length=32, default="")
    updated_at = DateTimeField(default=timeutil.now)

    # What one user may keep: a whole filing in progress is a few thousand characters, and a
    # person files a handful at a time.
    MAX_CHARS = 200_000
    MAX_PER_OWNER = 100

    def _refuse_oversize(self, values):
        if len(json.dumps(values, ensure_ascii=False, default=str)) > self.MAX_CHARS:
            raise StorageRefused("填写的内容过多，草稿未保存，请删减后再试")
        if self.id is None and Draft.select().where(Draft.owner == self.owner_id).count() >= self.MAX_PER_OWNER:
            raise StorageRefused(f"草稿已达{self.MAX_PER_OWNER}条，请先在【我的草稿】中删除不需要的草稿")

    def store(self, values, step=None):
        """Replace the stored data (and step) and stamp the time; StorageRefused when it is more
        than a draft keeps."""
        self._refuse_oversize(values)
        self.data = values
        if step is not None:
            self.step = step
        self.updated_at = timeutil.now()
        self.save()
        return self

    def store_unless_changed(self, values, step):
        """store() for a background save (autosave, an inline check): only if nothing else wrote
        the draft since it was read. A 【下一步】 racing it must not have its progress undone by
        the older copy this request holds. Return whether it was stored."""
        self._refuse_oversize(values)
        read_at, now = self.updated_at, timeutil.now()
        stored = Draft.update(data=values, step=step, updated_at=now).where(
            Draft.id == self.id, Draft.updated_at == read_at).execute()
        if stored:
            self.data, self.step, self.updated_at = values, step, now
        return bool(stored)

    @classmethod
    def find(cls, owner, kind, subject=None):
        """The user's draft of a kind (for a subject), or None."""
        query = cls.select().where(cls.owner == owner, cls.kind == kind)
        query = query.where(cls.subject.is_null() if subject is None else cls.subject == subject)
        return query.order_by(cls.updated_at.desc()).first()

    @classmethod
    def owned(cls, owner, draft_id, kind=None):
        """The user's own draft by id (of a kind), or None: never another user's."""
        draft_id = parse_id(draft_id)
        if draft_id is None:
            return None
        query = cls.select().where(cls.id == draft_id, cls.owner == owner)
        if kind is not None:
            query = query.where(cls.kind == kind)
        return query.first()

    @classmethod
    def save_for(cls, owner, kind, values, subject=None, step=None):
        """Create or update the user's draft of a kind."""
        draft = cls.find(owner, kind, subject) or cls(owner=owner, kind=kind, subject=subject)
        return draft.store(values, step)


class Application(BaseModel):
    """A submitted business (申请) waiting for, or after, the bureau's decision.

    What each kind does after 【提交】 is declared in businesses.py (BUSINESSES);
    the model keeps the states and claims each change exactly once.
    """

    PENDING, APPROVED, RETURNED, WITHDRAWN = "待审核", "已通过", "已退回", "已撤销"
    INTERVIEW, INSPECTION = "待面审", "待实地检查"
    NEW_SUBJECT, CHANGE_SUBJECT, CANCEL_SUBJECT = "新增主体", "变更主体", "注销主体"
    NEW_WEBSITE, CHANGE_WEBSITE, CANCEL_WEBSITE, CLAIM_WEBSITE = "新办网站", "变更网站", "注销网站", "网站认领"
    NEW_APP, CHANGE_APP, CANCEL_APP = "新办APP", "变更APP", "注销APP"
    NEW_MINIAPP, CHANGE_MINIAPP, CANCEL_MINIAPP = "新办小程序", "变更小程序", "注销小程序"
    NEW_PROVIDER, CHANGE_PROVIDER, CANCEL_PROVIDER = "新办服务商", "变更服务商", "注销服务商"
    NEW_APPSTORE, CHANGE_APPSTORE, CANCEL_APPSTORE = "新办应用市场", "变更应用市场", "注销应用市场"
    NEW_UNIT, CHANGE_UNIT, CANCEL_UNIT = "新办联网单位", "变更联网单位", "注销联网单位"
    NEW_ASSESSMENT = "新办安全评估"
    STATUSES = (PENDING, INTERVIEW, INSPECTION, APPROVED, RETURNED, WITHDRAWN)
    OPEN = (PENDING, INTERVIEW, INSPECTION)
    WITHDRAW_WINDOW = timedelta(minutes=30)

    owner = ForeignKeyField(User, backref="applications", on_delete="RESTRICT")
    subject = ForeignKeyField(Subject, backref="applications", on_delete="RESTRICT")
    kind = CharField(max_length=16, index=True)
    status = CharField(max_length=8, default=PENDING, index=True)
    # The business's payload. Subject kinds: the subject's fields and "form" (as typed);
    # filings: "filed" (what goes on record), "wizard" (the steps as typed), "last_step",
    # and "imported"/"record_number" (未备案/认领) or "before" (变更); 注销: "reason",
    # "leader_name", "site_check", "site_checked_at".
    data = SealedJSONField()
    bureau = ForeignKeyField(Bureau, null=True, backref="applications", on_delete="RESTRICT")
    submitted_at = DateTimeField(default=timeutil.now)
    decided_at = DateTimeField(null=True)
    # The filed service the application is about (its column kept its first name).
    service = ForeignKeyField(Service, null=True, backref="applications", on_delete="SET NULL",
                              column_name="website_id", object_id_name="service_id")
    attachment = ForeignKeyField(Upload, null=True, backref="+", on_delete="SET NULL")
    reason = TextField(default="")          # why it was 退回
    appointment = JSONField()               # 面审/实地检查: {"mode", "day", "time", "place", "materials"}
    reviewer = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    @property
    def business(self):
        return BUSINESSES[self.kind]

    @property
    def target_name(self):
        """What the application is about, for lists (its business says: a service's name, else the
        subject's)."""
        return self.business.target_name(self)

    @property
    def about(self):
        """The service (or report) it is about, "" for the subject's own business (the queue's 名称)."""
        return self.business.about(self)

    @property
    def owes_assessment(self):
        """Whether the service it files owes a 安全评估 report, or will once approved (an item in
        scope): flagged in the bureau's queue beside the filing."""
        if self.service_id and self.service.assessment_due_since is not None:
            return True
        return bool(self.business.scope_added(self))

    @property
    def document(self):
        """(title, endpoint, arguments) of the printable document the application filed, or None."""
        return self.business.document(self)

    @property
    def pictures(self):
        """The pictures and documents the filing names, in filed order, for the review and detail pages."""
        ids = [int(i) for i in self.business.pictures(self.data.get("filed", {}))]
        found = {u.id: u for u in Upload.select().where(Upload.id.in_(ids))} if ids else {}
        return [found[i] for i in ids if i in found]

    @property
    def returns_a_draft(self):
        """Whether 撤销申请 puts the filing back into 我的草稿."""
        return self.business.returns_draft

    def snapshot(self):
        """What an audit entry keeps of the application's state."""
        return {"status": self.status, "reason": self.reason, "appointment": self.appointment,
                "record_number": self.service.record_number if self.service_id and self.service else None,
                # How a 网站认领's claimant proved control (an officer's confirmation shows as a change).
                **({"control": self.data["control"]} if self.data.get("control") else {})}

    @classmethod
    def open_for(cls, bureau):
        """审核工作台: the bureau's applications still to decide, oldest first."""
        return (cls.select().where(cls.bureau == bureau, cls.status.in_(cls.OPEN))
                .order_by(cls.submitted_at))

    @classmethod
    def tally(cls, bureau):
        """{(kind, status): count} of all the bureau's applications."""
        query = (cls.select(cls.kind, cls.status, fn.COUNT(cls.id)).where(cls.bureau == bureau)
                 .group_by(cls.kind, cls.status).tuples())
        return {(kind, status): count for kind, status, count in query}

    @classmethod
    def submitted_since(cls, bureau, since):
        """Submission times (UTC) of the bureau's applications from since on."""
        return [at for (at,) in cls.select(cls.submitted_at)
                .where(cls.bureau == bureau, cls.submitted_at >= since).tuples()]

    def review_days(self):
        """Working days the bureau has for this application (its business decides)."""
        return self.business.review_days(self)

    def due_on(self, calendar=None):
        """The review deadline, counted in working days from the submission date."""
        calendar = calendar or Holiday.calendar()
        return calendar.add_workdays(timeutil.to_local(self.submitted_at).date(), self.review_days())

    def withdrawable(self, now=None):
        """【撤销申请】 is offered while 待审核 and within 30 minutes of submission."""
        now = now or timeutil.now()
        return self.status == self.PENDING and now - self.submitted_at <= self.WITHDRAW_WINDOW

    def _close(self, status, **changes):
        """Move an open application to status exactly once, even with two requests racing."""
        self.decided_at = timeutil.now()
        opened = (self.PENDING,) if status == self.WITHDRAWN else self.OPEN
        claimed = (Application.update(status=status, decided_at=self.decided_at, **changes)
                   .where(Application.id == self.id, Application.status.in_(opened)).execute())
        if not claimed:
            raise TransitionError("该申请已处理")
        self.status = status
        for name, value in changes.items():
            setattr(self, name, value)

    def withdraw(self):
        """【撤销申请】: the application ends and its business hands what was typed back."""
        if self.status != self.PENDING:
            raise TransitionError("只有待审核的申请可以撤销")
        if not self.withdrawable():
            raise TransitionError("已超过提交后30分钟，不能撤销申请")
        with db.atomic():
            self.business.check_give_back(self)
            self._close(self.WITHDRAWN)
            self.business.give_back(self, self.data)

    def decide(self, approved, reviewer=None, reason="", reopen_at=None):
        """The bureau's decision, 通过 or 退回 with its reason, carried out by the business.

        reopen_at: the step a returned wizard filing reopens at (where the problem is).
        """
        if self.status not in self.OPEN:
            raise TransitionError("该申请已处理")
        try:
            with db.atomic():
                if approved:
                    self.business.still_possible(self)
                self._close(self.APPROVED if approved else self.RETURNED, reviewer=reviewer, reason=reason)
                if approved:
                    self.business.approve(self)
                else:
                    self.business.check_give_back(self)
                    self.business.give_back(self, {**self.data, **({"last_step": reopen_at} if reopen_at else {})})
        except IntegrityError:
            # Another service's 通过 took one of these domains a moment ago (the database refused).
            raise TransitionError("域名或包名、AppID已被其他备案使用，不能通过，请退回") from None

    def return_after_filing(self, reviewer, reason, reopen_at=None):
        """退回 of a filing the platform put on record at once (IP登记, 即审即办): the bureau, looking
        afterwards, hands it back as a draft with its reason; the service leaves the record."""
        with db.atomic():
            claimed = (Application.update(status=self.RETURNED, reviewer=reviewer, reason=reason,
                                          decided_at=timeutil.now())
                       .where(Application.id == self.id, Application.status == self.APPROVED,
                              Application.reviewer.is_null()).execute())
            if not claimed:
                raise TransitionError("该申请已处理")
            self.status, self.reason = self.RETURNED, reason
            self.business.give_back(self, {**self.data, **({"last_step": reopen_at} if reopen_at else {})})

    def schedule(self, mode, details, reviewer=None):
        """Require 面审 or 实地检查: the application waits for its result."""
        status = {"面审": self.INTERVIEW, "实地检查": self.INSPECTION}[mode]
        if not self.business.schedules:
            raise TransitionError(f"{self.kind}不安排面审或实地检查，请通过或退回")
        if self.status not in self.OPEN:
            raise TransitionError("该申请已处理")
        self.decided_at = timeutil.now()
        claimed = (Application.update(status=status, reviewer=reviewer, appointment={"mode": mode, **details})
                   .where(Application.id == self.id, Application.status.in_(self.OPEN)).execute())
        if not claimed:
            raise TransitionError("该申请已处理")
        self.status = status
        self.appointment = {"mode": mode, **details}


Application.add_index(SQL(ONE_OPEN_PER_WEBSITE_INDEX))


class Held(BaseModel):
    """What a filed service holds, one row per value (Domain: its hosts; ServiceKey: an APP's
    package names, a 小程序's AppID). A pending filing's rows (live false) wait for the bureau;
    通过 makes them live, and a unique index lets one live service of a kind hold a value."""

    # The service's kind.
    kind = CharField(max_length=16)
    service = ForeignKeyField(Service, backref="+", on_delete="CASCADE")
    # The filing that asked for the value (a 变更's rows wait beside the rows in force).
    application = ForeignKeyField(Application, null=True, backref="+", on_delete="CASCADE")
    live = BooleanField(default=False)

    VALUE = ""    # the column holding the value
    LABEL = ""    # what the officer is told it is

    @classmethod
    def columns(cls, value):
        """The row's own columns for one value."""
        return {cls.VALUE: value}

    @classmethod
    def matching(cls, value):
        """The condition selecting rows that hold value."""
        return getattr(cls, cls.VALUE) == value

    @classmethod
    def conflicts(cls, application):
        """(value, other service) for each value this filing asks for that another pending filing
        also asks for: flagged to the officer, never refused at filing (a value another service
        holds live is a rule broken, which the re-run form check reports)."""
        column = getattr(cls, cls.VALUE)
        mine = cls.select(column).where(cls.application == application.id)
        rows = (cls.select(cls, Service).join(Service)
                .where(column.in_(mine), cls.service != application.service_id, cls.live == False,  # noqa: E712
                       Service.status != Service.CANCELLED).order_by(column))
        return [(getattr(row, cls.VALUE), row.service) for row in rows]

    @classmethod
    def ask(cls, service, application, values):
        """A filing asks for values: rows that wait for the bureau's decision."""
        rows = [{**cls.columns(value), "kind": service.kind, "service": service.id, "application": application.id,
                 "live": False, "created_at": timeutil.now()} for value in dict.fromkeys(values)]
        if rows:
            cls.insert_many(rows).execute()

    @classmethod
    def put_in_force(cls, service, application):
        """通过: the application's rows replace the ones in force (a unique index refuses a value
        another service of the kind holds live)."""
        cls.delete().where(cls.service == service, (cls.application != application.id)
                           | cls.application.is_null()).execute()
        cls.update(live=True).where(cls.service == service, cls.application == application.id).execute()

    @classmethod
    def drop_request(cls, application):
        """退回/撤销: what the filing asked for is let go."""
        cls.delete().where(cls.application == application.id, cls.live == False).execute()  # noqa: E712


class Domain(Held):
    """Every exact host a filed service uses, one row each: the only place domains are looked up.

    A pending filing's rows block nobody but its own subject; the database lets one live
    service of a kind hold an exact host.
    """

    domain = CharField(max_length=253, index=True)        # as filed: lower case, IDNA-encoded
    registrable = CharField(max_length=253, index=True)   # by the Public Suffix List, to relate filings

    VALUE, LABEL = "domain", "域名"

    @classmethod
    def columns(cls, host):
        return {"domain": host, "registrable": domains.registrable(host)}

    @classmethod
    def held(cls, hosts=None):
        """Which hosts (all of them when hosts is None) a service that is not cancelled holds or
        asks for (a bureau's imported list is checked against these)."""
        query = cls.select(cls.domain).join(Service).where(Service.status != Service.CANCELLED)
        if hosts is not None:
            query = query.where(cls.domain.in_(list(hosts)))
        return {host for (host,) in query.tuples()}


Domain.add_index(SQL(SERVICE_DOMAIN_INDEX))


class ServiceKey(Held):
    """An APP's package name or Bundle ID, a 小程序's AppID: what the public query finds them by,
    held like a domain (one live service of a kind per value)."""

    value = CharField(max_length=255, index=True)

    class Meta:
        table_name = "service_key"

    VALUE, LABEL = "value", "包名/AppID"


SERVICE_KEY_INDEX = ("CREATE UNIQUE INDEX IF NOT EXISTS service_key_one_live_holder "
                     "ON service_key (value, kind) WHERE live")
ServiceKey.add_index(SQL(SERVICE_KEY_INDEX))
class IpBlock(Held):
    """An address block a 联网单位 registered (IP登记): its text as filed and its bounds as
    32-digit hex of the 128-bit address (IPv4 mapped into ::ffff:0:0/96), so that overlaps are a
    range comparison. Values are (block, first, last). Overlaps follow the domains' rule: another
    subject's live block refuses, pending ones are flagged to the officer."""

    VALUE, LABEL = "block", "IP地址段"
    block = CharField(max_length=100)
    first = CharField(max_length=32, index=True)
    last = CharField(max_length=32)

    class Meta:
        table_name = "ip_block"

    @classmethod
    def columns(cls, value):
        block, first, last = value
        return {"block": block, "first": first, "last": last}

    @classmethod
    def matching(cls, value):
        _block, first, last = value
        return (cls.first <= last) & (cls.last >= first)

    @classmethod
    def conflicts(cls, application):
        found = []
        for row in cls.select().where(cls.application == application.id):
            others = (cls.select(cls, Service).join(Service)
                      .where(cls.matching((row.block, row.first, row.last)), cls.service != application.service_id,
                             cls.live == False, Service.status != Service.CANCELLED))  # noqa: E712
            found += [(row.block, other.service) for other in others]
        return found


# Everything a service holds, released and put in force together.
HELD = (Domain, ServiceKey, IpBlock)


class FilingPicture(BaseModel):
    """A picture or document a filing names (an APP's icon and screenshots, a 服务商's 制度):
    the reviewing bureau may see it, and it moves with the subject on 移交."""

    application = ForeignKeyField(Application, backref="+", on_delete="CASCADE")
    upload = ForeignKeyField(Upload, backref="+", on_delete="CASCADE")

    class Meta:
        table_name = "filing_picture"
        indexes = ((("application", "upload"), True),)

    @classmethod
    def name(cls, application, upload_ids):
        """The owner's uploads a filing names (another user's ids are ignored)."""
        ids = [int(i) for i in upload_ids]
        if not ids:
            return
        mine = Upload.select(Upload.id).where(Upload.id.in_(ids), Upload.owner == application.owner_id)
        cls.insert_many([{"application": application.id, "upload": upload_id, "created_at": timeutil.now()}
                         for (upload_id,) in mine.tuples()]).execute()


class Assessment(BaseModel):
    """A 安全评估 report on a filed website, APP or 小程序: filed with its 新办安全评估 application
    (审核中), on record once the 地市级 bureau approves it (已评估); 退回 or 撤销 removes it (what
    was typed goes back to 我的草稿). The report as filed is in data (AssessmentFlow.filed_data)."""

    PENDING, ASSESSED = "审核中", "已评估"
    TARGET = "assessment"   # what its business files (businesses.Business.target)

    service = ForeignKeyField(Service, backref="assessments", on_delete="CASCADE")
    application = ForeignKeyField(Application, unique=True, backref="+", on_delete="CASCADE")
    status = CharField(max_length=8, default=PENDING)
    trigger = CharField(max_length=32)
    feature = CharField(max_length=100)
    data = JSONField()
    assessed_at = DateTimeField(null=True)

    def approve(self):
        """通过: the report is on record, and meets the service's need for one if that need arose
        before it was filed (a feature added since still waits for its own report)."""
        self.status, self.assessed_at = self.ASSESSED, timeutil.now()
        self.save()
        Service.update(assessment_due_since=None, assessment_trigger="").where(
            Service.id == self.service_id, Service.assessment_due_since <= self.application.submitted_at).execute()

    @classmethod
    def for_owner(cls, owner):
        """The reports on the owner's services, newest first, each with its service and application."""
        return (cls.select(cls, Service, Application).join(Service).switch(cls).join(Application)
                .where(Service.owner == owner).order_by(cls.id.desc()))

    def visible_to(self, user):
        """The service's owner, and officers of the bureau it went to or of the subject's own bureau."""
        if user.role == User.APPLICANT:
            return self.service.owner_id == user.id
        return user.role == User.OFFICER and user.bureau_id in (self.application.bureau_id,
                                                                self.service.subject.bureau_id)


# One report under review per service at a time.
ONE_PENDING_ASSESSMENT_INDEX = ("CREATE UNIQUE INDEX IF NOT EXISTS assessment_one_pending "
                                "ON assessment (service_id) WHERE status = '审核中'")
Assessment.add_index(SQL(ONE_PENDING_ASSESSMENT_INDEX))


class RecordSequence(BaseModel):
    """The last 公安备案号 serial a bureau issued for a kind of business."""

    WEBSITE = "02"

    bureau = ForeignKeyField(Bureau, backref="+", on_delete="RESTRICT")
    kind_code = CharField(max_length=2)
    last = IntegerField(default=0)

    class Meta:
        indexes = ((("bureau", "kind_code"), True),)

    @classmethod
    def issue(cls, bureau, kind_code):
        """The next number, e.g. 浙公网安备 33110002000001号; call inside the approving transaction.

        The counter is raised before it is read, so concurrent approvals queue on the
        row and each gets its own serial; a rolled-back approval gives its serial back.
        """
        cls.insert(bureau=bureau, kind_code=kind_code, last=0).on_conflict_ignore().execute()
        while True:
            cls.update(last=cls.last + 1).where(cls.bureau == bureau, cls.kind_code == kind_code).execute()
            serial = cls.get(cls.bureau == bureau, cls.kind_code == kind_code).last
            code = bureau.division_code
            number = f"{PROVINCE_ABBR[code[:2]]}公网安备 {code}{kind_code}{serial:06d}号"
            # Numbers given offline before the platform (imported for 网站认领) are never reissued.
            if not (ImportedSite.select().where(ImportedSite.record_number == number).exists()
                    or Service.select().where(Service.record_number == number).exists()):
                return number


class Transfer(BaseModel):
    """A subject offered to another account (移交主体 / 接收主体)."""

    OFFERED, ACCEPTED, WITHDRAWN = "待接收", "已接收", "已撤回"

    subject = ForeignKeyField(Subject, backref="transfers", on_delete="CASCADE")
    sender = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    receiver_mobile = CharField(max_length=20, index=True)
    receiver_id_number = SealedField()
    receiver = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    status = CharField(max_length=8, default=OFFERED)
    decided_at = DateTimeField(null=True)

    @classmethod
    def offered_to(cls, user):
        """Open offers to this account's verified mobile (接收主体)."""
        if not user.mobile_verified_at:
            return cls.select().where(False)
        return (cls.select().where(cls.status == cls.OFFERED, cls.receiver_mobile == user.mobile,
                                   cls.sender != user.id)
                .order_by(cls.id.desc()))

    def _close(self, status, **changes):
        """待接收 → status exactly once: a withdraw and an accept racing cannot both win."""
        self.decided_at = timeutil.now()
        claimed = (Transfer.update(status=status, decided_at=self.decided_at, **changes)
                   .where(Transfer.id == self.id, Transfer.status == self.OFFERED).execute())
        if not claimed:
            raise TransitionError("该移交已被接收或已撤回")
        self.status = status

    def withdraw(self):
        """The sender takes the offer back before it is accepted."""
        with db.atomic():
            self._close(self.WITHDRAWN)
            self.subject.withdraw_transfer()

    def accept(self, receiver):
        """The receiver takes the subject and everything under it."""
        with db.atomic():
            self._close(self.ACCEPTED, receiver=receiver)
            self.receiver = receiver
            self.subject.accept_transfer(receiver)


class Notice(BaseModel):
    """A 系统通知 to one user."""

    user = ForeignKeyField(User, backref="notices", on_delete="CASCADE")
    title = CharField(max_length=100)
    body = TextField(default="")
    read_at = DateTimeField(null=True)

    @classmethod
    def send(cls, user, title, body=""):
        return cls.create(user=user, title=title, body=body)

    @classmethod
    def for_user(cls, user):
        """A user's notices, unread first, newest first."""
        return cls.select().where(cls.user == user).order_by(cls.read_at.is_null(False), cls.id.desc())

    @classmethod
    def mark_read(cls, user, notice_id=None):
        """Mark the user's unread notices read: all of them, or only the one notice_id names."""
        query = cls.update(read_at=timeutil.now()).where(cls.user == user, cls.read_at.is_null())
        if notice_id is not None:
            query = query.where(cls.id == notice_id)
        query.execute()


class AuditEntry(BaseModel):
    """One officer or administrator action: who, when, what, before and after. Append only."""

    user = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    action = CharField(max_length=32)
    target = CharField(max_length=64)
    before = JSONField(serialize_other=str)   # the state before the action; dates as text
    after = JSONField(serialize_other=str)

    @classmethod
    def record(cls, user, action, target, before=None, after=None):
        return cls.create(user=user, action=action, target=target,
                          before=before or {}, after=after or {})

    def save(self, *args, **kwargs):
        if self.id is not None:
            raise TransitionError("审计记录不可修改")
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise TransitionError("审计记录不可删除")


class ImportedSite(BaseModel):
    """A site the bureau knows of that nobody has filed here yet: a 未备案网站 to file by a
    deadline, or an offline filing (with its old number) waiting for its owner's 网站认领."""

    UNFILED, OFFLINE = "未备案网站", "网站认领"

    bureau = ForeignKeyField(Bureau, backref="imported_sites", on_delete="RESTRICT")
    kind = CharField(max_length=8)
    domain = CharField(max_length=253, index=True)
    name = CharField(max_length=100)
    subject_name = CharField(max_length=100)
    cert_number = SealedField(hashed_in="cert_hash")   # a 居民身份证 when the subject is a 个人
    cert_hash = CharField(max_length=64, index=True, default="")
    deadline = DateField()
    record_number = CharField(max_length=40, null=True, unique=True)
    # 负责人手机 of an offline filing, when the bureau has it: a claimant proves control of the site
    # with an SMS code sent there; without it the officer confirms the claim on 通过.
    leader_mobile = CharField(max_length=20, default="")
    # What it was filed as (the column kept its first name).
    service = ForeignKeyField(Service, null=True, backref="+", on_delete="SET NULL", column_name="website_id",
                              object_id_name="service_id")
    imported_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    def progress(self, today):
        """已完成 / 办理中 / 已超期 (未认领: 关停风险) / 待办理, for the officer's list."""
        if self.service_id:
            return "已完成" if self.service.status == Service.FILED else "办理中"
        if today > self.deadline:
            return "未认领（关停风险）" if self.kind == self.OFFLINE else "已超期"
        return "待办理"

    @classmethod
    def waiting_for(cls, user, kind):
        """Sites of a kind whose certificate matches one of the user's live subjects, not yet taken up."""
        certs = [s.cert_number for s in Subject.owned_by(user).where(Subject.status.in_(Subject.LIVE))]
        return (cls.select().where(cls.kind == kind, sealed_lookup(cls.cert_hash, *certs), cls.service.is_null())
                .order_by(cls.deadline))

    @classmethod
    def waiting_hosts(cls, hosts):
        """Which of hosts are on a bureau's list and not taken up yet."""
        query = cls.select(cls.domain).where(cls.domain.in_(list(hosts)), cls.service.is_null())
        return {host for (host,) in query.tuples()}

    @classmethod
    def store(cls, bureau, kind, rows, imported_by=None):
        """Put rows (each a site's columns) on the bureau's list of a kind and push each to the owners
        already registered under its certificate; return the sites. Call inside a transaction."""
        sites = [cls.create(bureau=bureau, kind=kind, imported_by=imported_by, **row) for row in rows]
        holders = Subject.live_holders({site.cert_number for site in sites})
        for site in sites:
            for owner in holders.get(site.cert_number, ()):
                Notice.send(owner, f"请办理{kind}", site.notice_text())
        return sites

    def notice_text(self):
        if self.kind == self.OFFLINE:
            # Anyone may file a subject under a company's public number: which site it is waits
            # for the list, where a never-reviewed subject sees only that a record exists.
            return f"公安机关登记有以您开办主体证件号码办理的线下备案网站，需在{self.deadline}前认领，请在【网站认领】中办理。"
        return f"网站“{self.name}”（{self.domain}）需在{self.deadline}前完善备案信息，请在【{self.kind}】中办理。"

    @property
    def masked_leader_mobile(self):
        return masked_mobile(self.leader_mobile) if self.leader_mobile else ""

    @property
    def needs_code(self):
        """A claim opens only after an SMS code sent to the 负责人手机 on record (网站认领 with one)."""
        return self.kind == self.OFFLINE and bool(self.leader_mobile)

    def shown_to(self, subject):
        """Whether a claimant's subject may see which site this is (name, domain) before proving
        control: not a never-reviewed (待审核) subject's claim of an offline filing. Its 公安备案号
        and 主体名称 are the bureau's record, never shown to a claimant (the officer sees them)."""
        return self.kind == self.UNFILED or subject.status != Subject.PENDING

    @classmethod
    def tell_owner(cls, owner, cert_number):
        """A 系统通知 for each site waiting under a certificate the owner has just registered."""
        for site in cls.select().where(sealed_lookup(cls.cert_hash, cert_number), cls.service.is_null()):
            Notice.send(owner, f"请办理{site.kind}", site.notice_text())

    def subject_of(self, user):
        """The user's live subject this site belongs to, or None (then: 404)."""
        return Subject.owned_by(user).where(Subject.status.in_(Subject.LIVE),
                                            Subject.cert_lookup(self.cert_number)).first()


class ProviderReport(BaseModel):
    """One CSV a filed 服务商 reported (公安部令第33号 第十一条、第十二条): the sites it hosts or the
    units it connects, with what came of it."""

    SITES, UNITS = "sites", "units"
    KINDS = {SITES: "接入网站", UNITS: "接入单位"}
    # A site or a unit on the bureau's list has this long to be filed.
    DEADLINE = timedelta(days=30)

    service = ForeignKeyField(Service, backref="reports", on_delete="CASCADE")
    kind = CharField(max_length=8)
    row_count = IntegerField()
    filed_count = IntegerField()   # already filed on the platform: nothing to do
    new_count = IntegerField()     # put on the bureau's list (the rest were reported before)
    reported_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")

    class Meta:
        table_name = "provider_report"

    @property
    def earlier_count(self):
        """Rows neither filed nor new: already on a bureau's list."""
        return self.row_count - self.filed_count - self.new_count

    @classmethod
    def file_sites(cls, service, user, rows, bureau, today):
        """接入网站 (rows: domain, subject_name, cert_number): a domain already filed is counted, one
        already on a bureau's list is left there, every other becomes the bureau's 未备案网站, to be
        filed within DEADLINE and pushed as an officer's import is."""
        hosts = [row["domain"] for row in rows]
        filed, waiting = Domain.held(hosts), ImportedSite.waiting_hosts(hosts)
        fresh = [{"domain": row["domain"], "name": row["domain"][:100], "subject_name": row["subject_name"],
                  "cert_number": row["cert_number"], "deadline": today + cls.DEADLINE}
                 for row in rows if row["domain"] not in filed and row["domain"] not in waiting]
        with db.atomic():
            ImportedSite.store(bureau, ImportedSite.UNFILED, fresh)
            return cls.create(service=service, kind=cls.SITES, reported_by=user, row_count=len(rows),
                              filed_count=len(filed), new_count=len(fresh))

    @classmethod
    def file_units(cls, service, user, rows, bureau):
        """接入单位 (rows: ip_range, unit_name, credit_code): each goes to the bureau's 未备案联网单位
        list but one this 服务商 reported before (same range, same unit). No 联网单位 filing exists on
        the platform yet, so none counts as filed."""
        known = set(ConnectedUnit.select(ConnectedUnit.ip_range, ConnectedUnit.credit_code).where(
            ConnectedUnit.service == service, ConnectedUnit.ip_range.in_([row["ip_range"] for row in rows])).tuples())
        fresh = [{**row, "service": service, "bureau": bureau, "created_at": timeutil.now()} for row in rows
                 if (row["ip_range"], row["credit_code"]) not in known]
        with db.atomic():
            for batch in chunked(fresh, 100):
                ConnectedUnit.insert_many(batch).execute()
            return cls.create(service=service, kind=cls.UNITS, reported_by=user, row_count=len(rows),
                              filed_count=0, new_count=len(fresh))


class ConnectedUnit(BaseModel):
    """A unit a 服务商 connects to the internet (its 接入单位 report) that has not filed as a
    联网单位: the bureau's 未备案联网单位 list, pushed to the unit's accounts by an officer."""

    service = ForeignKeyField(Service, backref="+", on_delete="CASCADE")
    bureau = ForeignKeyField(Bureau, backref="+", on_delete="RESTRICT")
    ip_range = CharField(max_length=100)     # a network (1.2.3.0/24) or a range (1.2.3.4-1.2.3.9)
    unit_name = CharField(max_length=100)
    credit_code = CharField(max_length=18, index=True)
    pushed_at = DateTimeField(null=True)

    class Meta:
        table_name = "connected_unit"
        # The officer's list: a bureau's units, newest first, a page at a time.
        indexes = ((("bureau", "id"), False),)

    @classmethod
    def listed_for(cls, bureau, before=None, limit=50):
        """A page of the bureau's list, newest first, from below the id before; each with its 服务商."""
        query = (cls.select(cls, Service).join(Service).where(cls.bureau == bureau)
                 .order_by(cls.id.desc()).limit(limit))
        return query.where(cls.id < before) if before else query

    def push(self, today):
        """【推送】: a 系统通知 to every account holding a live subject under the credit code, asking
        for 联网单位备案 within the deadline; return how many were told."""
        owners = Subject.live_holders([self.credit_code]).get(self.credit_code, set())
        deadline = today + ProviderReport.DEADLINE
        for owner in owners:
            Notice.send(owner, "请办理联网单位备案",
                        f"“{self.unit_name}”（统一社会信用代码 {self.credit_code}）经{self.service.name}接入互联网"
                        f"（IP地址段 {self.ip_range}）。根据《计算机信息网络国际联网安全保护管理办法》（公安部令第33号）"
                        f"第十二条，请在{ProviderReport.DEADLINE.days}日内（{deadline}前）向公安机关办理联网单位备案。")
        self.pushed_at = timeutil.now()
        ConnectedUnit.update(pushed_at=self.pushed_at).where(ConnectedUnit.id == self.id).execute()
        return len(owners)


class Holiday(BaseModel):
    """The editable holiday table: a day off on a weekday, or a make-up workday on a weekend.

    Seeded from chinesecalendar; an administrator enters each new year's
    official schedule (国务院办公厅 notice) when it is published.
    """

    day = DateField(unique=True)
    is_workday = BooleanField(default=False)
    name = CharField(max_length=60, default="")

    @property
    def weekday(self):
        return "一二三四五六日"[self.day.weekday()]

    @property
    def kind_label(self):
        return "调休上班" if self.is_workday else "放假"

    @classmethod
    def calendar(cls):
        """The working-day calendar as the table holds it now, knowing the years marked complete."""
        return workdays.Calendar(cls.select(cls.day, cls.is_workday).tuples(),
                                 [year for (year,) in HolidayYear.select(HolidayYear.year).tuples()])

    @classmethod
    def seed(cls):
        """Insert the official schedule for days not in the table yet; return how many."""
        present = set(cls.select(cls.day).tuples().iterator())
        rows = [{"day": day, "is_workday": is_workday, "name": name}
                for day, is_workday, name in workdays.official_schedule() if (day,) not in present]
        with cls._meta.database.atomic():
            for batch in range(0, len(rows), 200):
                cls.insert_many(rows[batch:batch + 200]).execute()
        return len(rows)

    @classmethod
    def in_year(cls, year):
        return (cls.select().where(cls.day.between(date(year, 1, 1), date(year, 12, 31)))
                .order_by(cls.day))

    @classmethod
    def years(cls):
        """Years with entries, newest first."""
        return sorted({day.year for (day,) in cls.select(cls.day).tuples()}, reverse=True)


class HolidayYear(BaseModel):
    """A year whose whole official schedule is in the holiday table: a year chinesecalendar publishes,
    or one an administrator confirmed (【确认该年安排已录入完整】) after entering it. A year without a
    row counts as unknown, however many of its days are entered, so its deadlines carry a warning."""

    year = IntegerField(unique=True)
    confirmed_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")   # None: chinesecalendar

    class Meta:
        table_name = "holiday_year"

    @classmethod
    def seed(cls):
        """Mark complete the years chinesecalendar publishes whose days the table holds."""
        official = {day.year for day, _, _ in workdays.official_schedule()}
        held = {day.year for (day,) in Holiday.select(Holiday.day).tuples()}
        present = {year for (year,) in cls.select(cls.year).tuples()}
        for year in sorted((official & held) - present):
            cls.create(year=year)


class DatabaseFlag(BaseModel):
    """A fact about the database itself. DEMO: seed-demo made it a demo database (its accounts'
    passwords are printed on every start), which commands adding test data require; seed-demo
    refuses a database already holding data without it (a bureau's real register)."""

    DEMO = "demo"

    name = CharField(max_length=32, unique=True)

    class Meta:
        table_name = "database_flag"

    @classmethod
    def is_set(cls, name):
        return cls.select().where(cls.name == name).exists()


def holds_data():
    """Whether any table has rows beyond those every new database gets (the holiday schedule)."""
    empty_ones = (Holiday, HolidayYear, DatabaseFlag)
    return any(model.select().exists() for model in MODELS if model not in empty_ones)


def sealed_fields(model):
    """The model's sealed columns."""
    return [field for field in model._meta.sorted_fields if isinstance(field, (SealedField, SealedJSONField))]


def reseal(model, fields, batch=500):
    """Seal again under the current key each value of fields (sealed columns of model) that is
    plain or sealed under an older key, with its lookup hash; return how many rows changed.

    A batch at a time, each in its own transaction, so a run stopped halfway is finished by running
    it again. A row written meanwhile (an autosave) is left as it is: it is sealed under the current
    key already, and the older copy read here must not overwrite it.
    """
    database, changed, last = model._meta.database, 0, 0
    while True:
        query = model.select(model.id, *fields).where(model.id > last).order_by(model.id).limit(batch)
        rows = list(database.execute(query))   # the stored text, not unsealed
        if not rows:
            return changed
        last = rows[-1][0]
        with database.atomic():
            for row_id, *stored in rows:
                stale = [(field, raw) for field, raw in zip(fields, stored) if raw and not sealing.is_current(raw)]
                if not stale:
                    continue
                values = {field: field.python_value(raw) for field, raw in stale}
                values.update({getattr(model, field.hashed_in): sealing.lookup_hash(values[field])
                               for field, _raw in stale if getattr(field, "hashed_in", None)})
                unchanged = [field == Value(raw, converter=False) for field, raw in stale]
                changed += model.update(values).where(model.id == row_id, *unchanged).execute()


MODELS = [Bureau, User, UserSession, Throttle, SmsCode, OutboxMessage, CaptchaChallenge, Provider, Upload, Subject,
          Service, ImportedSite, Draft, Application, Domain, ServiceKey, IpBlock, FilingPicture, Assessment, RecordSequence,
          Transfer, Notice, AuditEntry, Holiday, HolidayYear, ProviderReport, ConnectedUnit, DatabaseFlag, Delivery]
