"""/api/v1/events/{id}/invitations: a district bureau invites the enterprises of its district."""
from __future__ import annotations

from flask_login import current_user

from trainhub.access import load_event
from trainhub.api import bp
from trainhub.api._helpers import api_roles, json_body
from trainhub.timeutil import iso, now
from trainhub.units import invitations


@bp.post("/events/<int:event_id>/invitations")
@api_roles("organizer")
def event_invitations_send(event_id: int):
    """Invite enterprises {organization_ids} to the event by email (a district bureau: its district's)."""
    event = load_event(event_id, current_user, need="manage")
    body = json_body()
    sent = invitations.invite_organizations(event, body.get("organization_ids"), actor=current_user, now=now())
    return {"sent": sent}


@bp.get("/events/<int:event_id>/invitations")
@api_roles("organizer")
def event_invitations(event_id: int):
    """The enterprises invited to the event, when, and whether they registered."""
    event = load_event(event_id, current_user, need="view")
    rows = invitations.list_invitations(event)
    items = [
        {"organization": {"id": r["organization"].id, "name": r["organization"].name,
                          "district": r["organization"].district},
         "invited_at": iso(r["invited_at"]), "registered": r["registered"]}
        for r in rows
    ]
    return {"items": items, "page": 1, "pages": 1, "total": len(items)}
