"""/api/v1/me and /api/v1/users: thin adapters over trainhub.accounts.services."""

from __future__ import annotations

from flask_login import current_user

from trainhub.access import load_user
from trainhub.accounts import queries, services
from trainhub.accounts.schemas import UserChangesSchema, UserQuerySchema, UserSchema
from trainhub.api import bp
from trainhub.api._helpers import api_login_required, api_roles, errors
from trainhub.pagination import paginate
from trainhub.schemas import page_of
from trainhub.timeutil import now


@bp.get("/me")
@api_login_required
@bp.response(200, UserSchema)
def me():
    """The token's user: role, organization and unit."""
    return current_user._get_current_object()


@bp.get("/users")
@api_roles("organizer")
@bp.arguments(UserQuerySchema, location="query")
@bp.response(200, page_of(UserSchema))
def list_users(args: dict):
    """List user accounts (organizers), optionally filtered by ?role= and ?q=."""
    statement = queries.users_query(actor=current_user, role=args.get("role"), q=args.get("q"))
    return paginate(statement, args["page"], args["per_page"])


@bp.post("/users")
@api_roles("organizer")
@errors(409)
@bp.arguments(UserSchema)
@bp.response(201, UserSchema)
def create_user(values: dict):
    """Create a trainer or organizer account (organizers; organizer accounts: the commission only)."""
    return services.create_user(**values, actor=current_user, now=now())


@bp.get("/users/<int:user_id>")
@api_roles("organizer")
@bp.response(200, UserSchema)
def get_user(user_id: int):
    """One user account (organizers)."""
    return load_user(user_id, current_user)


@bp.patch("/users/<int:user_id>")
@api_roles("organizer")
@errors(409)
@bp.arguments(UserChangesSchema)
@bp.response(200, UserSchema)
def update_user(values: dict, user_id: int):
    """Disable or enable an account: {is_active} (organizers; organizer accounts: the commission only)."""
    user = load_user(user_id, current_user)
    if "is_active" in values:
        user = services.set_user_active(user, values["is_active"], actor=current_user._get_current_object())
    return user
