"""Check-in JSON: the scan answer and the audit-log row."""

from __future__ import annotations

from trainhub.checkin.results import CheckInResult
from trainhub.models import CheckIn
from trainhub.registrations.serializers import registration_to_dict
from trainhub.timeutil import iso


def registration_brief(registration) -> dict | None:
    """The registration JSON of API.md (no extra query: organization is loaded with the scan)."""
    if registration is None:
        return None
    # A scanned attendee is confirmed: no waitlist position; the certificate link is not the door's concern.
    return registration_to_dict(registration, waitlist_position=None, certificate_serial=None)


def result_to_dict(result: CheckInResult) -> dict:
    body = {
        "result": result.code,
        "registration": registration_brief(result.registration),
        "checked_in_at": iso(result.checked_in_at),
        "message": result.message,
    }
    if result.code == "already_checked_in":
        body["first_checked_in_at"] = iso(result.checked_in_at)
        body["first_checked_in_by"] = (
            {"id": result.first_by.id, "name": result.first_by.name} if result.first_by is not None else None
        )
    return body


def checkin_to_dict(row: CheckIn) -> dict:
    registration = row.registration
    return {
        "id": row.id,
        "event_id": row.event_id,
        "registration": (
            {
                "id": registration.id,
                "name": registration.name,
                "organization": {"id": registration.organization.id, "name": registration.organization.name},
            }
            if registration is not None
            else None
        ),
        "token_tried": row.token_tried,
        "direction": row.direction,
        "method": row.method,
        "result": row.result,
        "actor": {"id": row.actor.id, "name": row.actor.name} if row.actor is not None else None,
        "device": row.device,
        "created_at": iso(row.created_at),
        "undone_at": iso(row.undone_at),
    }
