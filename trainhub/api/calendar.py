"""GET /api/v1/registrations/{id}/invite.ics: the attendee's calendar invite (REQUEST, or CANCEL once
the registration or the event is cancelled — same UID, higher SEQUENCE)."""

from __future__ import annotations

from flask_login import current_user

from trainhub import access
from trainhub.api import bp
from trainhub.api._helpers import api_login_required


@bp.get("/registrations/<int:registration_id>/invite.ics")
@api_login_required
@bp.doc(
    responses={
        "200": {
            "description": "The invite: METHOD:REQUEST, or METHOD:CANCEL once cancelled",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        }
    }
)
def registration_invite(registration_id: int):
    """The calendar invite of a registration (text/calendar; 404 `no_invite` while pending or waitlisted)."""
    from trainhub.calendar import ics
    from trainhub.calendar.views import calendar_response
    from trainhub.errors import DomainError
    from trainhub.notifications.messages import no_invite_message

    registration = access.load_registration(registration_id, current_user)
    if registration.status in ("pending", "waitlisted") and registration.event.status != "cancelled":
        raise DomainError("no_invite", no_invite_message(), 404)
    response = calendar_response(ics.registration_invite(registration), "invite.ics", inline=False)
    response.headers["Cache-Control"] = "private, no-cache"
    return response
