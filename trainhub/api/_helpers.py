"""Request parsing, pagination and auth helpers shared by the API modules."""
from __future__ import annotations

import functools
import math

import sqlalchemy as sa
from flask import abort, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trainhub.errors import ValidationError
from trainhub.extensions import db
from trainhub.inputs import read_json_object

MAX_PER_PAGE = 500


def json_body() -> dict:
    """The JSON object of the request (empty body: `{}`); 400 when it is not one (see trainhub.inputs)."""
    return read_json_object()


def api_login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            abort(401)
        return view(*args, **kwargs)

    return wrapper


def api_roles(*roles: str):
    """401 without a user, 403 for a role that may never do this."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def page_args() -> tuple[int, int]:
    def as_int(name: str, default: int) -> int:
        raw = request.args.get(name)
        if raw in (None, ""):
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ValidationError({name: [_l("必须是整数。")]})
        if value < 1:
            raise ValidationError({name: [_l("必须大于 0。")]})
        return value

    return as_int("page", 1), min(as_int("per_page", 50), MAX_PER_PAGE)


def paginate(statement, serialize, *, scalars: bool = True):
    """`{"items", "page", "pages", "total"}` for a select; counts with one extra query."""
    page, per_page = page_args()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.order_by(None).subquery()))
    rows = db.session.execute(statement.limit(per_page).offset((page - 1) * per_page))
    items = rows.scalars().all() if scalars else rows.all()
    return jsonify(
        {
            "items": [serialize(item) for item in items],
            "page": page,
            "pages": max(1, math.ceil(total / per_page)) if total else 1,
            "total": total,
        }
    )


def created(payload: dict):
    return jsonify(payload), 201
