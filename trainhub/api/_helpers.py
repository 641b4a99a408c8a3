"""Request parsing, pagination and auth helpers shared by the API modules."""
from __future__ import annotations

import functools

from flask import abort, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trainhub import pagination
from trainhub.errors import ValidationError
from trainhub.inputs import read_json_object
from trainhub.pagination import MAX_PER_PAGE, Page


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


def paginate(statement, serialize=None, *, many=None, scalars: bool = True):
    """`{"items", "page", "pages", "total"}` for a select (trainhub.pagination: a count and a page query).

    `serialize` converts one item; `many` the whole page at once (a serializer that loads relations once).
    """
    page, per_page = page_args()
    return page_json(pagination.paginate(statement, page, per_page, scalars=scalars), serialize, many=many)


def page_json(page: Page, serialize=None, *, many=None):
    """The API list shape (API.md "Lists") of a page already read."""
    items = many(page.items) if many is not None else [serialize(item) for item in page.items]
    return jsonify({"items": items, "page": page.page, "pages": page.pages, "total": page.total})


def created(payload: dict):
    return jsonify(payload), 201
