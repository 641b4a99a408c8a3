"""Auth decorators and documented answers shared by the API modules."""

from __future__ import annotations

import functools

from flask import abort
from flask_login import current_user

from trainhub.api import bp
from trainhub.schemas import Error


def errors(*statuses: int):
    """Document the error answers an operation gives beyond 400/404/422 (added for every operation
    that can give them): 401, 403, 409, 413, 429 … each with the error schema."""

    def decorator(view):
        for status in statuses:
            view = bp.alt_response(status, schema=Error, description=_DESCRIPTIONS.get(status))(view)
        return view

    return decorator


_DESCRIPTIONS = {
    401: "No user: no or a bad token",
    403: "This role may never do this",
    409: "Conflict with the current state (the code says which)",
    413: "The body or file is over the upload limit",
    429: "Rate-limited",
}


def file_response(*media_types: str, description: str = "The file"):
    """Document a download (a binary body of these media types) as the success answer."""
    content = {media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in media_types}
    return bp.doc(responses={"200": {"description": description, "content": content}})


def api_login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            abort(401)
        return view(*args, **kwargs)

    return errors(401)(wrapper)


def api_roles(*roles: str):
    """401 without a user, 403 for a role that may never do this (both documented)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return errors(401, 403)(wrapper)

    return decorator


def no_body(view):
    """Document an action that reads no request body (`POST …/cancel`): what it needs is in its URL."""
    return bp.doc(**{"x-no-body": True})(view)
