"""Request helpers the blueprints and the wizard share: htmx-aware redirects, role checks,
the current subject. Nothing here knows a particular page."""
import functools
from urllib.parse import urlsplit

from flask import abort, make_response, redirect, request, session
from flask_login import current_user, login_required
from werkzeug.urls import iri_to_uri
from werkzeug.routing import IntegerConverter

import models


def finish(url):
    """End a POST: htmx gets HX-Redirect, a plain browser a 303 redirect."""
    # A header carries ASCII only: "/query?q=丽水" travels percent-encoded.
    url = iri_to_uri(url)
    if request.headers.get("HX-Request"):
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def is_fragment_request():
    """An htmx request that swaps part of a page (not a boosted whole-page load)."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-Boosted")


def safe_next(target, fallback):
    """Only same-site relative paths may be a post-login destination (returned percent-encoded,
    so any character typed into next can go into a Location or HX-Redirect header)."""
    if target:
        parts = urlsplit(target)
        # Browsers read "/\\evil.com" as "//evil.com": no backslash or control character passes.
        plain = not any(c == "\\" or ord(c) < 32 for c in target)
        if plain and not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return iri_to_uri(target)
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


def id_arg(name):
    """A page cursor or id from the query string: ASCII digits within the database's 64-bit range,
    else None (a tampered value is simply no cursor, never an error)."""
    return models.parse_id(request.args.get(name))


class IdConverter(IntegerConverter):
    """<int:…> of every route (app.py registers it as int): a number beyond what the database
    holds matches no route, so it is 404 like any missing row, never an overflow error."""

    regex = r"[0-9]+"

    def __init__(self, map, **kwargs):
        kwargs.setdefault("max", models.MAX_ID)
        super().__init__(map, **kwargs)
