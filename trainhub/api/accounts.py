"""/api/v1/me and /api/v1/users: thin adapters over trainhub.accounts.services."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from trainhub.accounts import queries, services
from trainhub.api import bp
from trainhub.api._helpers import api_login_required, api_roles, created, json_body, legacy_paginate as paginate
from trainhub.errors import ValidationError
from trainhub.models import ROLES, User
from trainhub.timeutil import iso, now


def user_json(user: User) -> dict:
    organization = user.organization
    unit = user.unit
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "organization": ({"id": organization.id, "name": organization.name,
                          "is_pilot_unit": organization.is_pilot_unit} if organization is not None else None),
        "unit": {"id": unit.id, "name": unit.name, "kind": unit.kind} if unit is not None else None,
        "is_active": bool(user.is_active_flag),
        "created_at": iso(user.created_at),
    }


@bp.get("/me")
@api_login_required
def me():
    """The token's user: role, organization and unit."""
    return jsonify(user_json(current_user))


@bp.get("/users")
@api_roles("organizer")
def list_users():
    """List user accounts (organizers), optionally filtered by ?role=."""
    role = request.args.get("role") or None
    if role is not None and role not in ROLES:
        raise ValidationError({"role": [services.role_choice_message()]})
    return paginate(queries.users_query(actor=current_user, role=role, q=request.args.get("q") or None), user_json)


@bp.post("/users")
@api_roles("organizer")
def create_user():
    """Create a trainer or organizer account (organizers; organizer accounts: the commission only)."""
    data = json_body()
    password = data.get("password")
    user = services.create_user(
        email=data.get("email"), name=data.get("name"), role=data.get("role"), unit_id=data.get("unit_id"),
        password=password if isinstance(password, str) and password else None,
        actor=current_user, now=now())
    return created(user_json(user))


create_user.openapi = {"post": {"requestBody": {"content": {"application/json": {"schema": {
    "type": "object", "required": ["email", "name", "role"],
    "properties": {"email": {"type": "string"}, "name": {"type": "string"},
                   "role": {"enum": ["trainer", "organizer"]}, "unit_id": {"type": "integer"},
                   "password": {"type": "string"}}}}}},
    "responses": {"201": {"description": "The new user"}}}}


def _load_user(user_id: int) -> User:
    from trainhub.access import load_user

    return load_user(user_id, current_user)


@bp.get("/users/<int:user_id>")
@api_roles("organizer")
def get_user(user_id: int):
    """One user account (organizers)."""
    return jsonify(user_json(_load_user(user_id)))


@bp.patch("/users/<int:user_id>")
@api_roles("organizer")
def update_user(user_id: int):
    """Disable or enable an account: {is_active} (organizers; organizer accounts: the commission only)."""
    user = _load_user(user_id)
    data = json_body()
    if "is_active" in data:
        if not isinstance(data["is_active"], bool):
            raise ValidationError({"is_active": [services.boolean_message()]})
        user = services.set_user_active(user, data["is_active"], actor=current_user._get_current_object())
    return jsonify(user_json(user))


update_user.openapi = {"patch": {"requestBody": {"content": {"application/json": {"schema": {
    "type": "object", "properties": {"is_active": {"type": "boolean"}}}}}}}}
