"""/api/v1 registrations: thin adapters over trainhub.registrations.services."""

from __future__ import annotations

from typing import Literal

from flask import jsonify
from flask_login import current_user

from trainhub import access
from trainhub.api import bp
from trainhub.api._helpers import api_login_required, api_roles, errors, no_body
from trainhub.pagination import paginate
from trainhub.registrations import queries, services
from trainhub.registrations.schemas import (
    RegistrationFiltersSchema,
    RegistrationItemsSchema,
    RegistrationListFiltersSchema,
    RegistrationRequestSchema,
    RegistrationSchema,
    RejectSchema,
)
from trainhub.registrations.serializers import present, present_one, with_organization
from trainhub.schemas import page_of
from trainhub.timeutil import now

_ANSWER = RegistrationSchema()


def _page(statement, args: dict):
    """The API list shape, the page presented in a fixed number of queries."""
    return paginate(with_organization(statement), args["page"], args["per_page"]).map(present)


@bp.post("/events/<int:event_id>/registrations")
@api_roles("enterprise")
@errors(409)
@bp.arguments(RegistrationRequestSchema)
@bp.response(201, RegistrationItemsSchema)
def create_registrations(body: dict, event_id: int):
    """Register attendees of the caller's enterprise (all or nothing).

    409 `registration_not_open`, `registration_closed`, `event_not_open`, `quota_exceeded` (with
    `allowed`: the places left), `duplicate_phone` (with `phones`); 403 `organization_disabled`."""
    event = access.load_event(event_id, current_user, need="public")
    # The answer is dumped inside the transaction, before its commit (services.register_attendees).
    answer = services.register_attendees(
        event,
        current_user.organization,
        body["attendees"],
        actor=current_user,
        now=now(),
        present=lambda registrations: {"items": _ANSWER.dump(present(registrations), many=True)},
    )
    return jsonify(answer), 201


@bp.get("/events/<int:event_id>/registrations")
@api_login_required
@bp.arguments(RegistrationFiltersSchema, location="query")
@bp.response(200, page_of(RegistrationSchema))
def event_registrations(args: dict, event_id: int):
    """Registrations of an event: organizers in scope and the event's trainers all, an enterprise its own."""
    if current_user.is_enterprise:
        event = access.load_event(event_id, current_user, need="public")
    else:
        event = access.load_event(event_id, current_user, need="view")
    return _page(queries.readable_query(current_user, event_id=event.id, status=args.get("status") or None), args)


@bp.get("/registrations")
@api_login_required
@bp.arguments(RegistrationListFiltersSchema, location="query")
@bp.response(200, page_of(RegistrationSchema))
def list_registrations(args: dict):
    """Registrations the caller may read (an enterprise: its own across events); filters status, event_id."""
    return _page(
        queries.readable_query(current_user, event_id=args.get("event_id"), status=args.get("status") or None), args
    )


@bp.get("/registrations/<int:registration_id>")
@api_login_required
@bp.response(200, RegistrationSchema)
def get_registration(registration_id: int):
    """One registration (404 when not yours)."""
    return present_one(access.load_registration(registration_id, current_user))


@bp.delete("/registrations/<int:registration_id>")
@api_roles("enterprise", "organizer")
@errors(409)
@bp.response(200, RegistrationSchema)
def delete_registration(registration_id: int):
    """Cancel a registration; the first waitlisted attendee is promoted at once (409 `not_active`)."""
    need: Literal["view", "manage"] = "view" if current_user.is_enterprise else "manage"
    registration = access.load_registration(registration_id, current_user, need=need)
    return present_one(services.cancel_registration(registration, actor=current_user, now=now()))


@bp.post("/registrations/<int:registration_id>/approve")
@api_roles("organizer")
@errors(409)
@no_body
@bp.response(200, RegistrationSchema)
def approve_registration(registration_id: int):
    """Approve a pending registration (confirmed if a seat is free, else waitlisted; 409 `not_pending`)."""
    registration = access.load_registration(registration_id, current_user, need="manage")
    return present_one(services.approve_registration(registration, actor=current_user, now=now()))


@bp.post("/registrations/<int:registration_id>/reject")
@api_roles("organizer")
@errors(409)
@bp.arguments(RejectSchema)
@bp.response(200, RegistrationSchema)
def reject_registration(body: dict, registration_id: int):
    """Reject a registration with a reason the enterprise sees (409 `not_active`)."""
    registration = access.load_registration(registration_id, current_user, need="manage")
    return present_one(services.reject_registration(registration, body["reason"], actor=current_user, now=now()))
