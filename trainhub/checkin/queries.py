"""Check-in reads: the attendance figures and lists of the console and the attendance page."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from trainhub.models import CheckIn, Event, Organization, Registration, db


def counters(event: Event) -> dict:
    """Confirmed, checked in, still expected — one query."""
    confirmed, checked_in = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count(Registration.checked_in_at),
        ).where(Registration.event_id == event.id, Registration.status == "confirmed")
    ).one()
    return {"confirmed": confirmed, "checked_in": checked_in, "expected": confirmed - checked_in,
            "rate": round(checked_in * 100 / confirmed, 1) if confirmed else 0.0}


def by_organization(event: Event) -> list[dict]:
    rows = db.session.execute(
        sa.select(Organization.id, Organization.name, sa.func.count(), sa.func.count(Registration.checked_in_at))
        .join(Organization, Organization.id == Registration.organization_id)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
        .group_by(Organization.id, Organization.name)
        .order_by(Organization.name)
    ).all()
    return [{"id": i, "name": n, "confirmed": c, "checked_in": k,
             "rate": round(k * 100 / c, 1) if c else 0.0} for i, n, c, k in rows]


def latest_scans(event: Event, limit: int = 20) -> list[CheckIn]:
    return list(db.session.scalars(
        sa.select(CheckIn).where(CheckIn.event_id == event.id)
        .options(selectinload(CheckIn.registration).selectinload(Registration.organization),
                 selectinload(CheckIn.actor))
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc()).limit(limit)
    ))


def search_attendees(event: Event, q: str, limit: int = 20) -> list[Registration]:
    """Manual fallback: by name, the last four digits of the phone, or the enterprise."""
    q = (q or "").strip()
    if not q:
        return []
    like = f"%{q.replace('%', '').replace('_', '')}%"
    conditions = [Registration.name.ilike(like), Organization.name.ilike(like)]
    if q.isdigit() and len(q) <= 4:
        conditions.append(Registration.phone.like(f"%{q}"))
    return list(db.session.scalars(
        sa.select(Registration).join(Organization, Organization.id == Registration.organization_id)
        .where(Registration.event_id == event.id, Registration.status == "confirmed", sa.or_(*conditions))
        .options(sa.orm.contains_eager(Registration.organization))
        .order_by(Registration.name).limit(limit)
    ))
