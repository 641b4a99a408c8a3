"""Reading events: the catalogue (its filters are EventFilters, events/schemas.py), one grouped count
query for a page of events."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from trainhub.access import is_commission, organizer_event_clause
from trainhub.errors import DomainError, Forbidden
from trainhub.extensions import db
from trainhub.models import ACTIVE_STATUSES, Event, Registration
from trainhub.pagination import contains


def registration_counts(event_ids) -> dict[int, dict[str, int]]:
    """{event id: {"confirmed": n, "waitlisted": n, "pending": n}} with ONE grouped query."""
    ids = list({int(i) for i in event_ids})
    result = {i: {"confirmed": 0, "waitlisted": 0, "pending": 0} for i in ids}
    if not ids:
        return result
    rows = db.session.execute(
        sa.select(Registration.event_id, Registration.status, sa.func.count())
        .where(Registration.event_id.in_(ids), Registration.status.in_(ACTIVE_STATUSES))
        .group_by(Registration.event_id, Registration.status)
    ).all()
    for event_id, status, count in rows:
        result[event_id][status] = count
    return result


def window_state(event: Event, now: datetime) -> str:
    """The registration window: open | not_open | closed, or event_not_open (a draft or cancelled event).

    The one rule of the window (报名未开始/报名中/报名已截止), used by the registration service too.
    """
    if event.status != "published":
        return "event_not_open"
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        return "not_open"
    closes = event.registration_closes_at or event.starts_at
    if now >= closes:
        return "closed"
    return "open"


def catalogue_query(filters: dict, *, now: datetime, user=None):
    """A select of events for the filters, relations loaded up front (a constant number of queries).

    Anyone: published events, upcoming (not yet ended) by default, `past` for the archive.
    Organizers passing `status` (draft|cancelled|all) see their scope's events in that status,
    at any time unless `past` is given.
    """
    statement = sa.select(Event).options(
        selectinload(Event.trainers), selectinload(Event.co_units), selectinload(Event.host_unit)
    )
    status = filters.get("status", "published")
    if status != "published":
        if user is None or not user.is_authenticated or not user.is_organizer:
            raise Forbidden()
        if not is_commission(user):
            statement = statement.where(organizer_event_clause(user))
        if status != "all":
            statement = statement.where(Event.status == status)
    else:
        statement = statement.where(Event.status == "published")
    past = filters.get("past")
    if past is None and status == "published":
        past = False
    if past is True:
        statement = statement.where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id.desc())
    else:
        if past is False:
            statement = statement.where(Event.ends_at >= now)
        statement = statement.order_by(Event.starts_at, Event.id)
    if "q" in filters:
        text = filters["q"]
        statement = statement.where(
            sa.or_(contains(Event.title, text), contains(Event.description, text), contains(Event.topic, text))
        )
    for name in ("kind", "mode", "topic", "campaign_id"):
        if name in filters:
            statement = statement.where(getattr(Event, name) == filters[name])
    if "from" in filters:
        statement = statement.where(Event.starts_at >= filters["from"])
    if "to" in filters:
        statement = statement.where(Event.starts_at <= filters["to"])
    if filters.get("open"):
        statement = statement.where(
            Event.status == "published",
            sa.or_(Event.registration_opens_at.is_(None), Event.registration_opens_at <= now),
            sa.func.coalesce(Event.registration_closes_at, Event.starts_at) > now,
        )
    return statement


def topics() -> list[str]:
    """Topics of published events, for the catalogue's filter."""
    return list(
        db.session.scalars(
            sa.select(Event.topic)
            .where(Event.status == "published", Event.topic != "")
            .distinct()
            .order_by(Event.topic)
        )
    )


def lock_event(event_id: int) -> Event:
    """The event row, locked for the rest of the write transaction (FOR UPDATE on PostgreSQL; the
    SQLite write lock is already held after begin_write). It guards the seat counts."""
    event = db.session.scalar(
        sa.select(Event).where(Event.id == event_id).with_for_update().execution_options(populate_existing=True)
    )
    if event is None:
        raise DomainError("not_found", _l("未找到该对象。"), 404)
    return event
