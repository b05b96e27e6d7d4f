"""One clock for the whole app, so tests can freeze it and screens show China time."""
from datetime import datetime, timedelta, timezone

# China has one time zone and no daylight saving: a fixed offset is exact.
CN_TZ = timezone(timedelta(hours=8), "CST")


def now():
    """Current time as naive UTC, the form stored in the database."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def today():
    """Today's date in China time (deadlines and due days are counted in it)."""
    return to_local(now()).date()


def to_local(value):
    """Naive UTC datetime → aware China time (None stays None)."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).astimezone(CN_TZ)


def format_local(value, fmt="%Y-%m-%d %H:%M"):
    """Render a stored UTC time as China time text."""
    local = to_local(value)
    return local.strftime(fmt) if local else ""


def to_utc(value):
    """Aware datetime → naive UTC, the form stored in the database."""
    return value.astimezone(timezone.utc).replace(tzinfo=None)
