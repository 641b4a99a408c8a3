"""Role checks, random tokens, bearer-token authentication."""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import abort, current_app, request
from flask_login import current_user

from trainhub.models import ApiToken, User, begin_write, db
from trainhub.timeutil import now


def new_token(nbytes: int = 24) -> str:
    """An unguessable token (at least 128 bits) for URLs: tickets, feeds, invitations, API."""
    return secrets.token_urlsafe(max(nbytes, 16))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _reject_bearer():
    """401 — anonymous first, so the error handler (gettext → locale → current_user) does not re-enter."""
    from flask import g

    g._login_user = current_app.login_manager.anonymous_user()
    abort(401)


# Built once: the scan path authenticates every request with it — the live token and its user in one
# round trip (read afresh on every request: a revoked token or a disabled user stops at once).
_BEARER_TOKEN = (
    sa.select(User, ApiToken.id.label("token_id"), ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == sa.bindparam("token_hash"), ApiToken.revoked_at.is_(None))
)


def load_user_from_bearer(req) -> User | None:
    """Flask-Login request loader: `Authorization: Bearer <token>`. A bad token is a 401."""
    header = req.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        _reject_bearer()
    row = db.session.execute(_BEARER_TOKEN, {"token_hash": hash_token(token.strip())}).first()
    user = row[0] if row is not None else None
    if user is None or not user.is_active:
        _reject_bearer()
    moment = now()
    if row.last_used_at is None or moment - row.last_used_at > timedelta(minutes=1):
        # Bookkeeping at most once a minute, in its own short transaction. On SQLite a read
        # transaction upgraded to a write fails at once ("database is locked") when another writer
        # committed meanwhile: begin_write() ends the read and takes the write lock up front.
        begin_write()
        db.session.execute(sa.update(ApiToken).where(ApiToken.id == row.token_id).values(last_used_at=moment))
        db.session.commit()
    return user


def uses_bearer_token() -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def roles_required(*roles: str):
    """Anonymous → login (or 401); a role that may never do this → 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
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
            return current_app.login_manager.unauthorized()
        if not current_user.is_commission:
            abort(403)
        return view(*args, **kwargs)

    return wrapper
