"""GET /api/v1/registrations/{id}/ticket.svg|png: the QR ticket (attendee's enterprise, organizers in scope,
trainers of the event); a registration without a ticket is 404."""

from __future__ import annotations

from flask_login import current_user

from trainhub import access
from trainhub.api import bp
from trainhub.api._helpers import api_login_required, file_response
from trainhub.errors import NotFound
from trainhub.registrations.rules import has_ticket


@bp.get("/registrations/<int:registration_id>/ticket.<any(png, svg):kind>")
@api_login_required
@file_response("image/png", "image/svg+xml", description="The QR ticket (PNG or SVG, as the URL's kind says)")
def registration_ticket(registration_id: int, kind: str):
    """The QR ticket of a registration as SVG or PNG (404 without a ticket: only confirmed registrations have one)."""
    from trainhub.tickets.views import image_response

    registration = access.load_registration(registration_id, current_user)
    if not has_ticket(registration):
        raise NotFound()
    return image_response(registration, kind)
