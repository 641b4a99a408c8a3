"""Registration JSON (API.md "Registration fields"). Lists use `registrations_to_dicts`: a fixed
number of queries whatever the length (organizations, waitlist positions, live certificates)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from trainhub.extensions import db
from trainhub.models import Certificate, Registration
from trainhub.registrations.services import waitlist_positions
from trainhub.timeutil import iso

_UNSET = object()


def registration_to_dict(reg: Registration, waitlist_position=_UNSET, certificate_serial=_UNSET) -> dict:
    """One registration; position and certificate are looked up when not given."""
    if waitlist_position is _UNSET:
        waitlist_position = waitlist_positions([reg.event_id]).get(reg.id) if reg.status == "waitlisted" else None
    if certificate_serial is _UNSET:
        certificate_serial = _live_certificates([reg.id]).get(reg.id)
    base = current_app.config["BASE_URL"]
    org = reg.organization
    return {
        "id": reg.id,
        "event_id": reg.event_id,
        "organization": {"id": org.id, "name": org.name, "is_pilot_unit": bool(org.is_pilot_unit)},
        "name": reg.name,
        "phone": reg.phone,
        "email": reg.email,
        "job_title": reg.job_title,
        "status": reg.status,
        "waitlist_position": waitlist_position if reg.status == "waitlisted" else None,
        "rejection_reason": reg.rejection_reason or None,
        "created_at": iso(reg.created_at),
        "checked_in_at": iso(reg.checked_in_at),
        "checked_out_at": iso(reg.checked_out_at),
        "ticket_url": f"{base}/t/{reg.ticket_token}" if reg.ticket_token and reg.status == "confirmed" else None,
        "invite_url": f"{base}/api/v1/registrations/{reg.id}/invite.ics",
        "certificate_url": f"{base}/api/v1/certificates/{certificate_serial}.pdf" if certificate_serial else None,
    }


def _live_certificates(registration_ids) -> dict[int, str]:
    ids = list(registration_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Certificate.registration_id, Certificate.serial)
        .where(Certificate.registration_id.in_(ids), Certificate.revoked_at.is_(None))
    ).all()
    return dict(rows)


def registrations_to_dicts(registrations) -> list[dict]:
    """Many registrations in 3 queries at most (organizations must be loaded with selectinload)."""
    registrations = list(registrations)
    positions = waitlist_positions({r.event_id for r in registrations if r.status == "waitlisted"})
    certificates = _live_certificates([r.id for r in registrations])
    return [registration_to_dict(r, positions.get(r.id), certificates.get(r.id)) for r in registrations]


def with_organization(statement):
    """Add the eager load every list needs."""
    return statement.options(selectinload(Registration.organization))
