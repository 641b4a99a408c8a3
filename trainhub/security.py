"""Role checks, random tokens, bearer-token authentication, the safe `next` of a redirect."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import time
import unicodedata
from datetime import timedelta
from typing import NoReturn
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from flask import abort, current_app, g, request
from flask_login import current_user

from trainhub.db import begin_write
from trainhub.extensions import db, login_manager
from trainhub.models import ApiToken, User
from trainhub.timeutil import now


def new_token(nbytes: int = 24) -> str:
    """An unguessable token (at least 128 bits) for URLs: tickets, feeds, invitations, API."""
    return secrets.token_urlsafe(max(nbytes, 16))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def safe_next(target) -> str | None:
    r"""`target` when it is a path on this site, else None — for every redirect to a `next` parameter.

    Browsers drop tabs and newlines from a URL and read `\` as `/`, so `/<TAB>/evil.example` or `/\evil`
    lead to another host: control, format and space characters are refused outright (a readable
    non-ASCII path, e.g. an attachment's Chinese file name, is kept), and so is a path whose
    percent-decoding starts with `//` or holds a backslash (`/%2F%2Fevil`, `/%5Cevil`), since a proxy or a
    later redirect may decode it.
    """
    if not isinstance(target, str) or not target or len(target) > 2000:
        return None
    if any(_invisible(char) for char in target):
        return None
    decoded_path = _CONTROL_OR_SPACE.sub("", unquote(target.split("?", 1)[0].split("#", 1)[0]))
    for candidate in (target, decoded_path):
        if not candidate.startswith("/") or candidate.startswith("//") or "\\" in candidate:
            return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")


def _invisible(char: str) -> bool:
    """Control, format (zero-width, bidi) and space characters: Unicode categories C* and Z*."""
    return char <= " " or (not char.isascii() and unicodedata.category(char)[0] in "CZ") or char == "\x7f"


def _reject_bearer() -> NoReturn:
    """401 — anonymous first, so the error handler (gettext → locale → current_user) does not re-enter."""
    from flask import g

    g._login_user = login_manager.anonymous_user()
    abort(401)


# Built once: the scan path authenticates every request with it — the live token and its user in one
# round trip (read afresh on every request: a revoked token or a disabled user stops at once).
_BEARER_TOKEN = (
    sa.select(User, ApiToken.id.label("token_id"), ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == sa.bindparam("token_hash"), ApiToken.revoked_at.is_(None))
)


def load_user_from_bearer(req) -> User | RememberedTrainer | None:
    """Flask-Login request loader: `Authorization: Bearer <token>`. A bad token is a 401."""
    header = req.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        _reject_bearer()
    token_hash = hash_token(token.strip())
    remembers = _view_revalidates_bearer()
    if remembers:
        remembered = _remembered_trainers().get(token_hash)
        if remembered is not None and remembered.valid_until > time.monotonic():
            req.environ[_BEARER_AUTHENTICATED] = True
            return remembered
    row = db.session.execute(_BEARER_TOKEN, {"token_hash": token_hash}).first()
    user = row[0] if row is not None else None
    if row is None or user is None or not user.is_active:
        _reject_bearer()
    moment = now()
    last_used = row.last_used_at
    if last_used is None or moment - last_used > BEARER_BOOKKEEPING:
        # Bookkeeping at most once a minute, in its own short transaction. On SQLite a read
        # transaction upgraded to a write fails at once ("database is locked") when another writer
        # committed meanwhile: begin_write() ends the read and takes the write lock up front.
        begin_write()
        db.session.execute(sa.update(ApiToken).where(ApiToken.id == row.token_id).values(last_used_at=moment))
        db.session.commit()
        last_used = moment
    if remembers and user.role == "trainer" and user.organization_id is None:
        _remember(token_hash, user, until_bookkeeping=BEARER_BOOKKEEPING - (moment - last_used))
    req.environ[_BEARER_AUTHENTICATED] = True
    return user


# --- The door's remembered trainer ------------------------------------------------------------------
# A trainer's phone sends a scan every second or two with the same token, and loading the token and its
# user was a third of a scan's cost. A view marked @revalidates_bearer (the scan) gets, after a full
# authentication in this worker and until the next once-a-minute bookkeeping is due, a RememberedTrainer
# instead of the User — and must check, in the first statement it runs anyway, that the token is still
# live for that active trainer (bearer_still_live), before it writes anything. If not, it raises
# StaleBearer and the request is authenticated afresh and run again: a revoked token or a disabled
# trainer stops at the next scan, as before.

BEARER_BOOKKEEPING = timedelta(minutes=1)
_REMEMBERED_LIMIT = 1024  # distinct tokens remembered per worker; beyond that the memory starts over


class RememberedTrainer:
    """What a trainer's scan needs of its user (id, name, role), authenticated moments ago by this token."""

    __slots__ = ("id", "name", "session_version", "token_hash", "valid_until")
    role = "trainer"
    is_trainer, is_organizer, is_enterprise, is_commission = True, False, False, False
    is_authenticated, is_active, is_anonymous = True, True, False
    organization_id = unit_id = None
    locale = None

    def __init__(self, user: User, token_hash: str, valid_until: float):
        self.id, self.name, self.session_version = user.id, user.name, user.session_version
        self.token_hash, self.valid_until = token_hash, valid_until

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<RememberedTrainer {self.id}>"


class StaleBearer(Exception):
    """The remembered trainer's token was revoked, or the trainer disabled or changed, since: nothing
    was written; authenticate afresh."""

    def __init__(self, token_hash: str):
        super().__init__("bearer token no longer live")
        self.token_hash = token_hash


def _remembered_trainers() -> dict[str, RememberedTrainer]:
    return current_app.extensions.setdefault("trainhub.remembered_trainers", {})


def _remember(token_hash: str, user: User, *, until_bookkeeping: timedelta) -> None:
    remembered = _remembered_trainers()
    if len(remembered) >= _REMEMBERED_LIMIT:
        remembered.clear()
    seconds = min(max(0.0, until_bookkeeping.total_seconds()), BEARER_BOOKKEEPING.total_seconds())
    remembered[token_hash] = RememberedTrainer(user, token_hash, time.monotonic() + seconds)


def _view_revalidates_bearer() -> bool:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "revalidates_bearer", False)


def remembered_bearer(user) -> str | None:
    """The token hash a view marked @revalidates_bearer must re-check in its statement (None: a User
    loaded by this request, nothing to re-check)."""
    return user.token_hash if isinstance(user, RememberedTrainer) else None


_LIVE_TOKEN = ApiToken.__table__.alias("bearer_token")
_LIVE_USER = User.__table__.alias("bearer_user")


def bearer_still_live(user_id=None, token_hash=None) -> sa.Exists:
    """EXISTS: the token (bind `bearer_hash`) is not revoked and belongs to this active trainer without an
    organization (bind `user_id`) — what a RememberedTrainer was remembered as."""
    return sa.exists().where(
        _LIVE_TOKEN.c.token_hash == (token_hash if token_hash is not None else sa.bindparam("bearer_hash")),
        _LIVE_TOKEN.c.revoked_at.is_(None),
        _LIVE_TOKEN.c.user_id == _LIVE_USER.c.id,
        _LIVE_USER.c.id == (user_id if user_id is not None else sa.bindparam("user_id")),
        _LIVE_USER.c.is_active.is_(True),
        _LIVE_USER.c.role == "trainer",
        _LIVE_USER.c.organization_id.is_(None),
    )


def check_bearer_still_live(user) -> None:
    """For the paths whose statement could not carry bearer_still_live (no row came back): one query."""
    token_hash = remembered_bearer(user)
    if token_hash is not None and not db.session.scalar(sa.select(bearer_still_live(user.id, token_hash))):
        raise StaleBearer(token_hash)


def revalidates_bearer(view):
    """Mark a view that re-checks a RememberedTrainer's token in its own statement (see above); when it
    finds the token no longer live it raises StaleBearer: forget it, roll back, authenticate afresh
    (a 401 for a revoked token) and run the view again."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except StaleBearer as stale:
            db.session.rollback()
            _remembered_trainers().pop(stale.token_hash, None)
            g.pop("_login_user", None)
            return view(*args, **kwargs)

    wrapper.revalidates_bearer = True  # type: ignore[attr-defined]
    return wrapper


_BEARER_AUTHENTICATED = "trainhub.bearer_authenticated"


def has_valid_bearer_token() -> bool:
    """The request carries a live token of an active user — what exempts an API call from CSRF (a page
    cannot make a browser send one). Any other Authorization header does not: with a session cookie,
    Flask-Login takes the session's user and never looks at the header."""
    if request.environ.get(_BEARER_AUTHENTICATED):
        return True
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    row = db.session.execute(_BEARER_TOKEN, {"token_hash": hash_token(token.strip())}).first()
    return row is not None and row[0].is_active


def roles_required(*roles: str):
    """Anonymous → login (or 401); a role that may never do this → 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


organizer_required = roles_required("organizer")


def commission_required(view):
    """Only organizers of the commission unit."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_commission:
            abort(403)
        return view(*args, **kwargs)

    return wrapper
