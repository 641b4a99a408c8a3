"""Reading events: the catalogue's filters, one grouped count query for a page of events."""
from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from trainhub.access import is_commission, organizer_event_clause
from trainhub.errors import DomainError, Forbidden, ValidationError
from trainhub.extensions import db
from trainhub.models import ACTIVE_STATUSES, EVENT_KINDS, EVENT_MODES, Event, Registration
from trainhub.pagination import contains
from trainhub.timeutil import local_day_bounds, parse_date, parse_datetime

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOST_PLUS = re.compile(r"(?<=\d) (\d{2}:?\d{2})$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


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


def _flag(args, name: str) -> bool | None:
    raw = args.get(name)
    if raw is None:
        return None
    value = str(raw).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValidationError({name: [_l("必须是 0 或 1。")]})


def _bound(raw: str, name: str, *, end: bool) -> datetime:
    """A date (the whole local day: its start for `from`, its end for `to`) or a datetime."""
    raw = raw.strip()
    # An unencoded "+08:00" arrives as " 08:00": take it back as the offset it was.
    raw = _LOST_PLUS.sub(r"+\1", raw)
    try:
        if _DATE_ONLY.match(raw):
            start, stop = local_day_bounds(parse_date(raw))
            return stop if end else start
        return parse_datetime(raw)
    except ValueError:
        raise ValidationError({name: [_l("日期格式不正确，例如 2021-10-14 或 2021-10-14T09:00。")]}) from None


def parse_filters(args) -> dict:
    """The catalogue's filters from query arguments (API and page alike); bad values → 422 by field."""
    filters: dict = {}
    q = (args.get("q") or "").strip()
    if q:
        filters["q"] = q[:100]
    for name, allowed in (("kind", EVENT_KINDS), ("mode", EVENT_MODES)):
        value = (args.get(name) or "").strip()
        if value:
            if value not in allowed:
                raise ValidationError({name: [_l("取值必须是：%(values)s", values=", ".join(allowed))]})
            filters[name] = value
    topic = (args.get("topic") or "").strip()
    if topic:
        filters["topic"] = topic
    campaign = (args.get("campaign_id") or "").strip()
    if campaign:
        if not campaign.isdigit():
            raise ValidationError({"campaign_id": [_l("必须是整数。")]})
        filters["campaign_id"] = int(campaign)
    for name in ("from", "to"):
        raw = args.get(name)
        if raw not in (None, ""):
            filters[name] = _bound(raw, name, end=name == "to")
    if "from" in filters and "to" in filters and filters["to"] < filters["from"]:
        raise ValidationError({"to": [_l("结束日期不能早于开始日期。")]})
    open_now = _flag(args, "open")
    if open_now:
        filters["open"] = True
    past = _flag(args, "past")
    if past is not None:
        filters["past"] = past
    status = (args.get("status") or "").strip()
    if status:
        if status not in ("published", "draft", "cancelled", "all"):
            raise ValidationError({"status": [_l("取值必须是：%(values)s", values="published, draft, cancelled, all")]})
        filters["status"] = status
    return filters


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
    return list(db.session.scalars(
        sa.select(Event.topic).where(Event.status == "published", Event.topic != "").distinct().order_by(Event.topic)
    ))


def lock_event(event_id: int) -> Event:
    """The event row, locked for the rest of the write transaction (FOR UPDATE on PostgreSQL; the
    SQLite write lock is already held after begin_write). It guards the seat counts."""
    event = db.session.scalar(
        sa.select(Event).where(Event.id == event_id).with_for_update().execution_options(populate_existing=True)
    )
    if event is None:
        raise DomainError("not_found", _l("未找到该对象。"), 404)
    return event
