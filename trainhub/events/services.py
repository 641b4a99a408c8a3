"""Event use cases (活动管理): the rules that need state. Pages and the API call these with values
loaded by EventSchema (events/schemas.py: each field's format, defaults and the rules across the
fields sent), and every problem is reported under its field name (422):

- campaign, host and co-organizing units and trainers must exist (trainers: trainer accounts);
- the rules across fields hold for the event as it will be after a change (`combination_problems`);
- moving the start into the past is refused while registrations that are not cancelled exist;
  capacity cannot drop below the confirmed seats; a published event with live registrations
  cannot go back to draft; a cancelled event is not edited (cancelling is `cancel_event` only);
- a change of time or place raises the event's (and each live registration's) `sequence` and
  tells the confirmed attendees; more seats promote the waitlist at once;
- a unit's organizers create and manage their own unit's events; the commission any unit's.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from trainhub.access import can_manage_event, is_commission
from trainhub.db import begin_write, use_case
from trainhub.errors import DomainError, Forbidden, ValidationError
from trainhub.events.queries import lock_event
from trainhub.events.rules import is_changeable, supports_self_checkin
from trainhub.events.schemas import combination_problems
from trainhub.extensions import db
from trainhub.models import (
    ACTIVE_STATUSES,
    Campaign,
    Event,
    Registration,
    Unit,
    User,
)
from trainhub.security import new_token

CHANGE_FIELDS = ("starts_at", "ends_at", "venue", "online_url")


# -- the rules that need the database ----------------------------------------------------------


def _check_references(values: dict, errors: dict) -> dict:
    """Campaign, units and trainers must exist (trainers must be trainer accounts). Returns objects."""
    found: dict = {}
    if values.get("campaign_id") is not None:
        campaign = db.session.get(Campaign, values["campaign_id"])
        if campaign is None:
            errors.setdefault("campaign_id", []).append(_l("专题活动不存在。"))
        found["campaign"] = campaign
    if "host_unit_id" in values:
        unit = db.session.get(Unit, values["host_unit_id"])
        if unit is None:
            errors.setdefault("host_unit_id", []).append(_l("单位不存在。"))
        found["host_unit"] = unit
    if "co_unit_ids" in values:
        ids = values["co_unit_ids"]
        units = db.session.scalars(sa.select(Unit).where(Unit.id.in_(ids))).all() if ids else []
        if len(units) != len(ids):
            errors.setdefault("co_unit_ids", []).append(_l("有单位不存在。"))
        found["co_units"] = sorted(units, key=lambda u: u.id)
    if "trainer_ids" in values:
        ids = values["trainer_ids"]
        trainers = (
            db.session.scalars(sa.select(User).where(User.id.in_(ids), User.role == "trainer")).all() if ids else []
        )
        if len(trainers) != len(ids):
            errors.setdefault("trainer_ids", []).append(_l("只能选择讲师账号。"))
        found["trainers"] = sorted(trainers, key=lambda u: u.id)
    return found


def _live_registrations(event_id: int, statuses) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event_id, Registration.status.in_(statuses))
            .order_by(Registration.id)
        )
    )


# -- use cases --------------------------------------------------------------------------------

RELATIONS = ("trainer_ids", "co_unit_ids", "host_unit_id", "campaign_id")


def _add_problems(errors: dict, problems: dict) -> None:
    for name, messages in problems.items():
        errors.setdefault(name, []).extend(messages)


@use_case
def create_event(values: dict, *, actor: User, now: datetime) -> Event:
    """An organizer creates an event (draft by default) for their unit (the commission: any unit).
    `values` as EventSchema loads them (its defaults filled in)."""
    if actor is None or not actor.is_organizer:
        raise Forbidden()
    begin_write()
    values = {"host_unit_id": actor.unit_id, **values}
    errors: dict = {}
    found = _check_references(values, errors)
    _add_problems(errors, combination_problems(values))
    if errors:
        raise ValidationError(errors)
    host = found["host_unit"]
    if not is_commission(actor) and host.id != actor.unit_id:
        raise Forbidden(_l("只能为本单位创建活动。"))
    event = Event(
        **{name: value for name, value in values.items() if name not in RELATIONS},
        campaign_id=values.get("campaign_id"),
        host_unit=host,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    event.trainers = found.get("trainers", [])
    event.co_units = [u for u in found.get("co_units", []) if u.id != host.id]
    if supports_self_checkin(event):
        event.self_checkin_secret = new_token()
    db.session.add(event)
    db.session.commit()
    return event


@use_case
def update_event(event: Event, values: dict, *, actor: User, now: datetime) -> Event:
    """Edit an event (PATCH semantics: only the given fields, as EventSchema(partial=True) loads
    them). See the module's rules."""
    if not can_manage_event(actor, event):
        raise Forbidden()
    begin_write()
    event = lock_event(event.id)
    if not is_changeable(event):
        raise DomainError("event_cancelled", _l("活动已取消，不能再修改。"), 409)
    errors: dict = {}
    found = _check_references(values, errors)
    current = {
        name: getattr(event, name)
        for name in (
            "starts_at",
            "ends_at",
            "registration_opens_at",
            "registration_closes_at",
            "capacity",
            "pilot_reserved_seats",
            "per_enterprise_quota",
            "certificate_min_minutes",
        )
    }
    _add_problems(errors, combination_problems({**current, **values}))
    if "starts_at" in values and values["starts_at"] != event.starts_at and values["starts_at"] < now:
        holders = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Registration)
            .where(Registration.event_id == event.id, Registration.status != "cancelled")
        )
        if holders:
            errors.setdefault("starts_at", []).append(_l("活动已有报名，不能把开始时间改到过去。"))
    if "capacity" in values and values["capacity"] < event.capacity:
        confirmed = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Registration)
            .where(Registration.event_id == event.id, Registration.status == "confirmed")
        )
        if values["capacity"] < confirmed:
            errors.setdefault("capacity", []).append(_l("已有 %(n)s 人报名成功，容量不能少于该人数。", n=confirmed))
    if errors:
        raise ValidationError(errors)
    if "host_unit_id" in values and values["host_unit_id"] != event.host_unit_id and not is_commission(actor):
        raise Forbidden(_l("只能为本单位创建活动。"))
    if values.get("status") == "draft" and event.status == "published":
        live_count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Registration)
            .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE_STATUSES))
        )
        if live_count:
            raise DomainError("has_registrations", _l("活动已有报名，不能撤回为草稿；如需停办请取消活动。"), 409)

    old_capacity, old_reserved = event.capacity, event.pilot_reserved_seats
    changed_place_or_time = any(name in values and values[name] != getattr(event, name) for name in CHANGE_FIELDS)
    for name, value in values.items():
        if name in RELATIONS:
            continue
        setattr(event, name, value)
    if "campaign_id" in values:
        event.campaign_id = values["campaign_id"]
    if "host_unit_id" in values:
        event.host_unit = found["host_unit"]
    if "trainer_ids" in values:
        event.trainers = found["trainers"]
    if "co_unit_ids" in values:
        event.co_units = [u for u in found["co_units"] if u.id != event.host_unit_id]
    if supports_self_checkin(event) and not event.self_checkin_secret:
        event.self_checkin_secret = new_token()
    event.updated_at = now

    if changed_place_or_time:
        from trainhub.notifications import notify

        event.sequence = (event.sequence or 0) + 1
        live = _live_registrations(event.id, ACTIVE_STATUSES)
        for registration in live:
            registration.sequence = (registration.sequence or 0) + 1
        confirmed_now = [r for r in live if r.status == "confirmed"]
        if event.status == "published":
            notify.event_changed(event, confirmed_now)
    if event.status == "published" and (event.capacity > old_capacity or event.pilot_reserved_seats < old_reserved):
        from trainhub.registrations.services import promote_waitlist

        promote_waitlist(event, now=now)
    db.session.commit()
    return event


@use_case
def cancel_event(event: Event, *, actor: User, now: datetime) -> Event:
    """Cancel an event: every active registration is cancelled and its attendee told (once)."""
    if not can_manage_event(actor, event):
        raise Forbidden()
    begin_write()
    event = lock_event(event.id)
    if not is_changeable(event):
        raise DomainError("already_cancelled", _l("活动已经取消。"), 409)
    event.status = "cancelled"
    event.cancelled_at = now
    event.updated_at = now
    event.sequence = (event.sequence or 0) + 1
    from trainhub.registrations.services import cancel_registrations_of_event

    cancel_registrations_of_event(event, actor=actor, now=now)
    db.session.commit()
    return event


def publish_event(event: Event, *, actor: User, now: datetime) -> Event:
    """Publish a draft (the same rules as `update_event` with status published)."""
    return update_event(event, {"status": "published"}, actor=actor, now=now)
