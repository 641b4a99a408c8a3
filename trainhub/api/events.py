"""/api/v1/events: the public catalogue and the organizers' event management (thin adapters)."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from trainhub.access import load_event
from trainhub.api import bp
from trainhub.api._helpers import api_roles, created, json_body, paginate
from trainhub.events import queries, services
from trainhub.events.serializers import event_to_dict, events_to_dicts
from trainhub.timeutil import now


def _one(event):
    return event_to_dict(event, queries.registration_counts([event.id]).get(event.id), viewer=current_user)


@bp.get("/events")
def events_list():
    """List published events (upcoming; past=1 the archive); organizers may pass status=draft|cancelled|all.

    Filters: q (title, description, topic), kind, mode, topic, campaign_id, from, to, open.
    """
    filters = queries.parse_filters(request.args)
    statement = queries.catalogue_query(filters, now=now(), user=current_user)
    return paginate(statement, many=lambda events: events_to_dicts(events, viewer=current_user))


@bp.post("/events")
@api_roles("organizer")
def events_create():
    """Create an event (organizer; draft by default, host unit defaults to the organizer's unit)."""
    event = services.create_event(json_body(), actor=current_user, now=now())
    return created(_one(event))


@bp.get("/events/<int:event_id>")
def events_get(event_id: int):
    """One event with seats left and waitlist length (drafts only for those in scope)."""
    event = load_event(event_id, current_user, need="public")
    return jsonify(_one(event))


@bp.patch("/events/<int:event_id>")
@api_roles("organizer")
def events_update(event_id: int):
    """Edit an event (organizer of the host unit); a change of time or place updates attendees' invites."""
    event = load_event(event_id, current_user, need="manage")
    data = json_body()
    event = services.update_event(event, data, actor=current_user, now=now())
    return jsonify(_one(event))


@bp.post("/events/<int:event_id>/cancel")
@api_roles("organizer")
def events_cancel(event_id: int):
    """Cancel an event: every registration is cancelled and attendees are told."""
    event = load_event(event_id, current_user, need="manage")
    event = services.cancel_event(event, actor=current_user, now=now())
    return jsonify(_one(event))


_EVENT_BODY = {
    "content": {"application/json": {"schema": {"type": "object", "properties": {
        name: {"type": kind} for name, kind in (
            ("title", "string"), ("kind", "string"), ("mode", "string"), ("topic", "string"),
            ("description", "string"), ("venue", "string"), ("online_url", "string"), ("starts_at", "string"),
            ("ends_at", "string"), ("capacity", "integer"), ("registration_opens_at", "string"),
            ("registration_closes_at", "string"), ("per_enterprise_quota", "integer"),
            ("pilot_reserved_seats", "integer"), ("requires_approval", "boolean"), ("status", "string"),
            ("trainer_ids", "array"), ("co_unit_ids", "array"), ("host_unit_id", "integer"),
            ("campaign_id", "integer"), ("checkin_opens_minutes_before", "integer"),
            ("checkin_closes_minutes_after", "integer"), ("certificate_min_minutes", "integer"))
    }}}}
}
events_create.openapi = {"requestBody": _EVENT_BODY,
                         "responses": {"201": {"description": "Created"},
                                       "default": {"$ref": "#/components/responses/Error"}}}
events_update.openapi = {"requestBody": _EVENT_BODY,
                         "responses": {"200": {"description": "OK"},
                                       "default": {"$ref": "#/components/responses/Error"}}}
