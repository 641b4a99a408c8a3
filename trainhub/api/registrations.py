"""/api/v1 registrations: thin adapters over trainhub.registrations.services."""
from __future__ import annotations

from flask import abort, jsonify, request
from flask_login import current_user

from trainhub import access
from trainhub.api import bp
from trainhub.api._helpers import api_login_required, api_roles, created, json_body
from trainhub.registrations import services
from trainhub.registrations.serializers import registration_to_dict, registrations_to_dicts
from trainhub.api._helpers import paginate
from trainhub.registrations import queries
from trainhub.timeutil import now


def _page(statement):
    """The API list shape, serializing the page in a fixed number of queries."""
    return paginate(statement, many=registrations_to_dicts)


@bp.post("/events/<int:event_id>/registrations")
@api_roles("enterprise")
def create_registrations(event_id: int):
    """Register attendees of the caller's enterprise (all or nothing)."""
    event = access.load_event(event_id, current_user, need="public")
    body = json_body()
    answer = services.register_attendees(
        event, current_user.organization, body.get("attendees"), actor=current_user, now=now(),
        present=lambda registrations: {"items": registrations_to_dicts(registrations)},
    )
    return created(answer)


create_registrations.openapi = {"post": {
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["attendees"],
        "properties": {"attendees": {"type": "array", "items": {"type": "object", "required": ["name", "phone"],
                       "properties": {k: {"type": "string"} for k in ("name", "phone", "email", "job_title")}}}}}}}},
    "responses": {"201": {"description": "Created: {items: [registration]}"},
                  "409": {"description": "registration_not_open, registration_closed, event_not_open, "
                                         "quota_exceeded (with allowed), duplicate_phone"},
                  "422": {"description": "Invalid fields attendees.N.field"}},
}}


@bp.get("/events/<int:event_id>/registrations")
@api_login_required
def event_registrations(event_id: int):
    """Registrations of an event: organizers in scope and the event's trainers all, an enterprise its own."""
    if current_user.is_enterprise:
        event = access.load_event(event_id, current_user, need="public")
    else:
        event = access.load_event(event_id, current_user, need="view")
    return _page(queries.readable_query(current_user, event_id=event.id, status=request.args.get("status") or None))


@bp.get("/registrations")
@api_login_required
def list_registrations():
    """Registrations the caller may read (an enterprise: its own across events); filters status, event_id."""
    event_id = request.args.get("event_id")
    if event_id and not event_id.isdigit():
        abort(400)
    return _page(queries.readable_query(current_user, event_id=int(event_id) if event_id else None,
                                        status=request.args.get("status") or None))


@bp.get("/registrations/<int:registration_id>")
@api_login_required
def get_registration(registration_id: int):
    """One registration (404 when not yours)."""
    return jsonify(registration_to_dict(access.load_registration(registration_id, current_user)))


@bp.delete("/registrations/<int:registration_id>")
@api_roles("enterprise", "organizer")
def delete_registration(registration_id: int):
    """Cancel a registration; the first waitlisted attendee is promoted at once."""
    need = "view" if current_user.is_enterprise else "manage"
    registration = access.load_registration(registration_id, current_user, need=need)
    registration = services.cancel_registration(registration, actor=current_user, now=now())
    return jsonify(registration_to_dict(registration))


@bp.post("/registrations/<int:registration_id>/approve")
@api_roles("organizer")
def approve_registration(registration_id: int):
    """Approve a pending registration (confirmed if a seat is free, else waitlisted)."""
    registration = access.load_registration(registration_id, current_user, need="manage")
    registration = services.approve_registration(registration, actor=current_user, now=now())
    return jsonify(registration_to_dict(registration))


@bp.post("/registrations/<int:registration_id>/reject")
@api_roles("organizer")
def reject_registration(registration_id: int):
    """Reject a registration with a reason the enterprise sees."""
    registration = access.load_registration(registration_id, current_user, need="manage")
    reason = json_body().get("reason")
    registration = services.reject_registration(
        registration, reason if isinstance(reason, str) else "", actor=current_user, now=now()
    )
    return jsonify(registration_to_dict(registration))
