"""Reading check-ins: the events a scanner works today and next, an event's audit log."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from trainhub.access import is_commission, trainer_event_clause
from trainhub.models import CheckIn, Event, Registration, User, db


def console_events(user: User, now: datetime) -> list[Event]:
    """The published events this trainer (or organizer) checks in from 12 hours ago to 14 days ahead:
    a trainer their assigned ones, a unit's organizer its hosted ones, the commission all (50 at most)."""
    statement = sa.select(Event).where(Event.status == "published", Event.ends_at >= now - timedelta(hours=12),
                                       Event.starts_at <= now + timedelta(days=14))
    if user.is_trainer:
        statement = statement.where(trainer_event_clause(user))
    elif not is_commission(user):
        statement = statement.where(Event.host_unit_id == user.unit_id)
    return list(db.session.scalars(statement.order_by(Event.starts_at).limit(50)))


def audit_log_query(event: Event, *, result: str | None = None):
    """The check-in audit log of an event, newest first, registrations, enterprises and actors loaded."""
    statement = (
        sa.select(CheckIn).where(CheckIn.event_id == event.id)
        .options(selectinload(CheckIn.registration).selectinload(Registration.organization),
                 selectinload(CheckIn.actor))
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
    )
    if result:
        statement = statement.where(CheckIn.result == result)
    return statement
