"""Rules about one registration that pages, the API and services all ask (no session, no SQL)."""

from __future__ import annotations

from trainhub.models import ACTIVE_STATUSES, Registration


def can_cancel(registration: Registration) -> bool:
    """Pending, confirmed and waitlisted registrations may be cancelled (or rejected); cancelled and
    rejected ones are final."""
    return registration.status in ACTIVE_STATUSES


def awaits_approval(registration: Registration) -> bool:
    """A registration an organizer still has to approve (待审核)."""
    return registration.status == "pending"


def has_ticket(registration: Registration) -> bool:
    """A confirmed attendee holds a QR ticket; nobody else does."""
    return registration.status == "confirmed" and bool(registration.ticket_token)
