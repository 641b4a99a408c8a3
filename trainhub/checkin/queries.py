"""Check-in reads: the events a scanner works, the attendance figures and lists of the console and the
attendance page, an event's audit log."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from trainhub.access import is_commission, trainer_event_clause
from trainhub.extensions import db
from trainhub.models import CheckIn, Event, Organization, Registration, User
from trainhub.pagination import contains


def counters(event: Event) -> dict:
    """Confirmed, checked in, still expected — one query."""
    confirmed, checked_in = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count(Registration.checked_in_at),
        ).where(Registration.event_id == event.id, Registration.status == "confirmed")
    ).one()
    return {
        "confirmed": confirmed,
        "checked_in": checked_in,
        "expected": confirmed - checked_in,
        "rate": round(checked_in * 100 / confirmed, 1) if confirmed else 0.0,
    }


def by_organization(event: Event) -> list[dict]:
    rows = db.session.execute(
        sa.select(Organization.id, Organization.name, sa.func.count(), sa.func.count(Registration.checked_in_at))
        .join(Organization, Organization.id == Registration.organization_id)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
        .group_by(Organization.id, Organization.name)
        .order_by(Organization.name)
    ).all()
    return [
        {"id": i, "name": n, "confirmed": c, "checked_in": k, "rate": round(k * 100 / c, 1) if c else 0.0}
        for i, n, c, k in rows
    ]


def latest_scans(event: Event, limit: int = 20) -> list[CheckIn]:
    return list(
        db.session.scalars(
            sa.select(CheckIn)
            .where(CheckIn.event_id == event.id)
            .options(
                selectinload(CheckIn.registration).selectinload(Registration.organization), selectinload(CheckIn.actor)
            )
            .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
            .limit(limit)
        )
    )


def search_attendees(event: Event, q: str, limit: int = 20) -> list[Registration]:
    """Manual fallback: by name, the last four digits of the phone, or the enterprise."""
    q = (q or "").strip()
    if not q:
        return []
    conditions = [contains(Registration.name, q), contains(Organization.name, q)]
    if q.isdigit() and len(q) <= 4:
        conditions.append(Registration.phone.like(f"%{q}"))
    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(Organization, Organization.id == Registration.organization_id)
            .where(Registration.event_id == event.id, Registration.status == "confirmed", sa.or_(*conditions))
            .options(sa.orm.contains_eager(Registration.organization))
            .order_by(Registration.name)
            .limit(limit)
        )
    )


def console_events(user: User, now: datetime) -> list[Event]:
    """The published events this trainer (or organizer) checks in from 12 hours ago to 14 days ahead:
    a trainer their assigned ones, a unit's organizer its hosted ones, the commission all (50 at most)."""
    statement = sa.select(Event).where(
        Event.status == "published",
        Event.ends_at >= now - timedelta(hours=12),
        Event.starts_at <= now + timedelta(days=14),
    )
    if user.is_trainer:
        statement = statement.where(trainer_event_clause(user))
    elif not is_commission(user):
        statement = statement.where(Event.host_unit_id == user.unit_id)
    return list(db.session.scalars(statement.order_by(Event.starts_at).limit(50)))


def audit_log_query(event: Event, *, result: str | None = None):
    """The check-in audit log of an event, newest first, registrations, enterprises and actors loaded."""
    statement = (
        sa.select(CheckIn)
        .where(CheckIn.event_id == event.id)
        .options(
            selectinload(CheckIn.registration).selectinload(Registration.organization), selectinload(CheckIn.actor)
        )
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
    )
    if result:
        statement = statement.where(CheckIn.result == result)
    return statement
