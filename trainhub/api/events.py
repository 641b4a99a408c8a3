"""/api/v1/events: the public catalogue and the organizers' event management (thin adapters)."""

from __future__ import annotations

from flask_login import current_user

from trainhub.access import load_event
from trainhub.api import bp
from trainhub.api._helpers import api_roles, errors, no_body
from trainhub.events import queries, services
from trainhub.events.schemas import EventFilters, EventSchema
from trainhub.events.serializers import event_answer, event_answers
from trainhub.pagination import paginate
from trainhub.schemas import page_of
from trainhub.timeutil import now


@bp.get("/events")
@errors(403)
@bp.arguments(EventFilters, location="query")
@bp.response(200, page_of(EventSchema))
def events_list(filters: dict):
    """List published events (upcoming; past=1 the archive); organizers may pass status=draft|cancelled|all.

    Filters: q (title, description, topic), kind, mode, topic, campaign_id, from, to, open.
    """
    statement = queries.catalogue_query(filters, now=now(), user=current_user)
    page = paginate(statement, filters["page"], filters["per_page"])
    return page.map(lambda events: event_answers(events, viewer=current_user))


@bp.post("/events")
@api_roles("organizer")
@bp.arguments(EventSchema)
@bp.response(201, EventSchema)
def events_create(values: dict):
    """Create an event (organizer; draft by default, host unit defaults to the organizer's unit)."""
    event = services.create_event(values, actor=current_user, now=now())
    return event_answer(event, viewer=current_user)


@bp.get("/events/<int:event_id>")
@bp.response(200, EventSchema)
def events_get(event_id: int):
    """One event with seats left and waitlist length (drafts only for those in scope)."""
    return event_answer(load_event(event_id, current_user, need="public"), viewer=current_user)


@bp.patch("/events/<int:event_id>")
@api_roles("organizer")
@errors(409)
@bp.arguments(EventSchema(partial=True))
@bp.response(200, EventSchema)
def events_update(values: dict, event_id: int):
    """Edit an event (organizer of the host unit); a change of time or place updates attendees' invites."""
    event = load_event(event_id, current_user, need="manage")
    event = services.update_event(event, values, actor=current_user, now=now())
    return event_answer(event, viewer=current_user)


@bp.post("/events/<int:event_id>/cancel")
@api_roles("organizer")
@errors(409)
@no_body
@bp.response(200, EventSchema)
def events_cancel(event_id: int):
    """Cancel an event: every registration is cancelled and attendees are told."""
    event = load_event(event_id, current_user, need="manage")
    event = services.cancel_event(event, actor=current_user, now=now())
    return event_answer(event, viewer=current_user)
