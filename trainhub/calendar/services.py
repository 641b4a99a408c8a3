"""Calendar feeds (日历订阅): which events each feed holds, its validators, and the private tokens.

A feed is cheap to poll: `feed_state(...)` answers the ETag and Last-Modified with one aggregate
query, so an unchanged feed is a 304 without building the calendar.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from trainhub.calendar import ics
from trainhub.db import begin_write, use_case
from trainhub.errors import Forbidden
from trainhub.extensions import db
from trainhub.models import Event, Organization, Registration, User, event_trainers
from trainhub.security import new_token

# Feeds show what is coming and what happened recently (calendar clients keep older entries).
FEED_HISTORY = timedelta(days=180)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Feed:
    """What one feed shows: a condition on Event, plus (for an enterprise) its registrations."""

    kind: str  # public | org | trainer
    name: str
    condition: sa.ColumnElement[bool]
    organization_id: int | None = None


def public_feed() -> Feed:
    return Feed("public", _("标准化云课堂：全部活动"), Event.status.in_(("published", "cancelled")))


def organization_feed(token: str) -> Feed | None:
    organization = (
        db.session.scalar(sa.select(Organization).where(Organization.calendar_token == token)) if token else None
    )
    if organization is None or not organization.is_active:  # a disabled enterprise's feed stops with it
        return None
    registered = sa.select(Registration.event_id).where(
        Registration.organization_id == organization.id, Registration.status == "confirmed"
    )
    cancelled_with_us = sa.select(Registration.event_id).where(
        Registration.organization_id == organization.id, Registration.status == "cancelled"
    )
    condition = sa.or_(
        sa.and_(Event.status == "published", Event.id.in_(registered)),
        sa.and_(Event.status == "cancelled", Event.id.in_(cancelled_with_us)),
    )
    return Feed("org", _("%(name)s 的培训日程", name=organization.name), condition, organization.id)


def trainer_feed(token: str) -> Feed | None:
    user = db.session.scalar(sa.select(User).where(User.calendar_token == token)) if token else None
    if user is None or not user.is_active or not user.is_trainer:  # a disabled trainer's feed stops too
        return None
    assigned = sa.select(event_trainers.c.event_id).where(event_trainers.c.user_id == user.id)
    condition = sa.and_(Event.status.in_(("published", "cancelled")), Event.id.in_(assigned))
    return Feed("trainer", _("%(name)s 的授课日程", name=user.name), condition)


def _window(now: datetime):
    return Event.ends_at >= now - FEED_HISTORY


def feed_state(feed: Feed, *, now: datetime, locale: str = "") -> tuple[str, datetime]:
    """(ETag, Last-Modified) from one aggregate query over the feed's rows."""
    statement = sa.select(
        sa.func.count(Event.id),
        sa.func.max(Event.updated_at),
        sa.func.coalesce(sa.func.sum(Event.sequence), 0),
        sa.func.coalesce(sa.func.sum(Event.id), 0),
    ).where(feed.condition, _window(now))
    count, last, sequences, ids = db.session.execute(statement).one()
    last = _as_utc(last)
    parts = [feed.kind, feed.name, locale, str(count), str(sequences), str(ids), last.isoformat() if last else ""]
    if feed.organization_id is not None:
        reg_count, reg_last = db.session.execute(
            sa.select(sa.func.count(Registration.id), sa.func.max(Registration.updated_at)).where(
                Registration.organization_id == feed.organization_id
            )
        ).one()
        reg_last = _as_utc(reg_last)
        parts += [str(reg_count), reg_last.isoformat() if reg_last else ""]
        if reg_last and (last is None or reg_last > last):
            last = reg_last
    etag = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return etag, (last or EPOCH).replace(microsecond=0)


def _as_utc(value):
    if value is None:
        return None
    if isinstance(value, str):  # SQLite aggregates bypass the column type
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def feed_events(feed: Feed, *, now: datetime) -> list[Event]:
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(feed.condition, _window(now))
            .order_by(Event.starts_at, Event.id)
            .options(selectinload(Event.host_unit))
        )
    )


def build_feed(feed: Feed, *, now: datetime) -> bytes:
    """The feed's calendar. The meeting link: the trainer's feed has it (they teach there); an
    enterprise's only for the events it has a confirmed attendee of; the public feed never."""
    events = feed_events(feed, now=now)
    entry_lines = None
    with_link = (lambda event: True) if feed.kind == "trainer" else None
    if feed.organization_id is not None:
        counts = dict(
            db.session.execute(
                sa.select(Registration.event_id, sa.func.count(Registration.id))
                .where(Registration.organization_id == feed.organization_id, Registration.status == "confirmed")
                .group_by(Registration.event_id)
            ).all()
        )

        def entry_lines(event):
            n = counts.get(event.id, 0)
            return [_("本企业报名成功 %(n)s 人", n=n)] if n else []

        def with_link(event):
            return counts.get(event.id, 0) > 0 and event.status != "cancelled"

    return ics.event_feed(events, feed.name, now=now, entry_lines=entry_lines, with_link=with_link)


def event_invite_download(event: Event, *, now: datetime) -> bytes:
    """A single published event as a calendar file (the "download" link of the event page)."""
    return ics.event_feed([event], event.title, now=now)


# -- private feed tokens --------------------------------------------------------------------------------


@use_case
def feed_urls(user: User, base_url: str, *, create: bool = False) -> dict:
    """{"org": url|None, "trainer": url|None} for the profile page. With create=True a missing
    token is made (and committed) so the owner sees a URL at once."""
    base = base_url.rstrip("/")
    urls: dict = {"org": None, "trainer": None}
    if create and (
        (user.is_enterprise and user.organization and not user.organization.calendar_token)
        or (user.is_trainer and not user.calendar_token)
    ):
        begin_write()
        user = db.session.get_one(User, user.id)
        if user.is_enterprise and user.organization and not user.organization.calendar_token:
            user.organization.calendar_token = new_token()
        if user.is_trainer and not user.calendar_token:
            user.calendar_token = new_token()
        db.session.commit()
    if user.is_enterprise and user.organization and user.organization.calendar_token:
        urls["org"] = f"{base}/calendar/org/{user.organization.calendar_token}.ics"
    if user.is_trainer and user.calendar_token:
        urls["trainer"] = f"{base}/calendar/trainer/{user.calendar_token}.ics"
    return urls


@use_case
def regenerate_org_feed_token(org: Organization, *, actor: User) -> str:
    """A new private feed URL for the enterprise; the old one answers 404 from now on.
    A member of the organization or an organizer may do it."""
    allowed = actor is not None and (actor.is_organizer or (actor.is_enterprise and actor.organization_id == org.id))
    if not allowed:
        raise Forbidden(_l("只能重置本企业的日历订阅地址。"))
    begin_write()
    org = db.session.scalars(sa.select(Organization).where(Organization.id == org.id).with_for_update()).one()
    org.calendar_token = new_token()
    db.session.commit()
    return org.calendar_token


@use_case
def regenerate_trainer_feed_token(user: User) -> str:
    """A new private feed URL for the trainer; the old one answers 404 from now on."""
    if not user.is_trainer:
        raise Forbidden(_l("只有讲师有授课日程订阅。"))
    begin_write()
    user = db.session.scalars(sa.select(User).where(User.id == user.id).with_for_update()).one()
    user.calendar_token = new_token()
    db.session.commit()
    return user.calendar_token
