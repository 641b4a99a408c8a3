"""Reading certificates (参训证明): an event's, an enterprise's, relations loaded up front."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from trainhub.models import Certificate, Event, Registration, db


def certificates_query(*, event: Event | None = None, organization_id: int | None = None, live_only: bool = True):
    statement = (
        sa.select(Certificate).join(Certificate.registration)
        .options(selectinload(Certificate.registration).selectinload(Registration.organization),
                 selectinload(Certificate.registration).selectinload(Registration.event).selectinload(Event.host_unit))
        .order_by(Certificate.serial)
    )
    if event is not None:
        statement = statement.where(Registration.event_id == event.id)
    if organization_id is not None:
        statement = statement.where(Registration.organization_id == organization_id)
    if live_only:
        statement = statement.where(Certificate.revoked_at.is_(None))
    return statement


def event_certificates(event: Event) -> list[Certificate]:
    """Every certificate of an event, revoked ones too, by serial (the organizers' history)."""
    return list(db.session.scalars(certificates_query(event=event, live_only=False)))
