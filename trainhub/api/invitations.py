"""/api/v1/events/{id}/invitations: a district bureau invites the enterprises of its district."""

from __future__ import annotations

from flask_login import current_user

from trainhub.access import load_event
from trainhub.api import bp
from trainhub.api._helpers import api_roles, errors
from trainhub.pagination import Page
from trainhub.schemas import page_of
from trainhub.timeutil import now
from trainhub.units import invitations
from trainhub.units.schemas import InvitationRequest, InvitationSchema, InvitationsSent


@bp.post("/events/<int:event_id>/invitations")
@api_roles("organizer")
@errors(409)
@bp.arguments(InvitationRequest)
@bp.response(200, InvitationsSent)
def event_invitations_send(values: dict, event_id: int):
    """Invite enterprises {organization_ids} to the event by email (a district bureau: its district's)."""
    event = load_event(event_id, current_user, need="manage")
    sent = invitations.invite_organizations(event, values["organization_ids"], actor=current_user, now=now())
    return {"sent": sent}


@bp.get("/events/<int:event_id>/invitations")
@api_roles("organizer")
@bp.response(200, page_of(InvitationSchema))
def event_invitations(event_id: int):
    """The enterprises invited to the event, when, and whether they registered (one page)."""
    rows = invitations.list_invitations(load_event(event_id, current_user, need="view"))
    return Page(rows, 1, max(1, len(rows)), len(rows))
