"""Event use cases (活动管理): the only place the event rules live. Pages and the API call these.

Rules (issue 2, item 7):
- fields are checked one by one; every problem is reported under its field name (422);
- ends after it starts; the registration window opens before it closes and closes no later than
  the end; capacity ≥ 0; reserved pilot seats within capacity; quota > 0 or none;
- `status` is draft or published here; cancelling is `cancel_event` only;
- moving the start into the past is refused while registrations that are not cancelled exist;
- a change of time or place raises the event's (and each live registration's) `sequence` and
  tells the confirmed attendees; more seats promote the waitlist at once;
- a unit's organizers create and manage their own unit's events; the commission any unit's.
"""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlparse

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from trainhub.access import can_manage_event, is_commission
from trainhub.db import begin_write, use_case
from trainhub.errors import DomainError, Forbidden, ValidationError
from trainhub.events.queries import lock_event
from trainhub.extensions import db
from trainhub.events.rules import is_changeable, supports_self_checkin
from trainhub.models import (
    ACTIVE_STATUSES,
    EVENT_KINDS,
    EVENT_MODES,
    Campaign,
    Event,
    Registration,
    Unit,
    User,
)
from trainhub.security import new_token
from trainhub.timeutil import parse_datetime

TEXT_LIMITS = {"title": 200, "topic": 100, "venue": 300, "online_url": 500, "description": 20000}
CHANGE_FIELDS = ("starts_at", "ends_at", "venue", "online_url")
WRITABLE_STATUSES = ("draft", "published")
MAX_MINUTES = 7 * 24 * 60


# -- reading and checking the input ------------------------------------------------------------

class _Fields:
    """Collects the cleaned values and the problems of each field."""

    def __init__(self, data: dict):
        self.data = data
        self.values: dict = {}
        self.errors: dict[str, list] = {}

    def given(self, name: str) -> bool:
        return name in self.data

    def error(self, name: str, message) -> None:
        self.errors.setdefault(name, []).append(message)

    def text(self, name: str, *, required: bool = False) -> None:
        if not self.given(name):
            return
        raw = self.data[name]
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            self.error(name, _l("必须是文本。"))
            return
        value = raw.strip()
        if required and not value:
            self.error(name, _l("此项必填。"))
            return
        if len(value) > TEXT_LIMITS[name]:
            self.error(name, _l("不能超过 %(n)s 个字符。", n=TEXT_LIMITS[name]))
            return
        self.values[name] = value

    def choice(self, name: str, allowed) -> None:
        if not self.given(name):
            return
        value = self.data[name]
        if value not in allowed:
            self.error(name, _l("取值必须是：%(values)s", values=", ".join(allowed)))
            return
        self.values[name] = value

    def integer(self, name: str, *, minimum: int | None = 0, maximum: int | None = None, nullable: bool = False,
                positive: bool = False) -> None:
        if not self.given(name):
            return
        raw = self.data[name]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if nullable:
                self.values[name] = None
            else:
                self.error(name, _l("此项必填。"))
            return
        if isinstance(raw, bool):
            self.error(name, _l("必须是整数。"))
            return
        if isinstance(raw, str):
            try:
                raw = int(raw.strip())
            except ValueError:
                self.error(name, _l("必须是整数。"))
                return
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if not isinstance(raw, int):
            self.error(name, _l("必须是整数。"))
            return
        if positive and raw <= 0:
            self.error(name, _l("必须大于 0。"))
            return
        if minimum is not None and raw < minimum:
            self.error(name, _l("不能为负数。") if minimum == 0 else _l("不能小于 %(n)s。", n=minimum))
            return
        if maximum is not None and raw > maximum:
            self.error(name, _l("不能大于 %(n)s。", n=maximum))
            return
        self.values[name] = raw

    def boolean(self, name: str) -> None:
        if not self.given(name):
            return
        raw = self.data[name]
        if isinstance(raw, bool):
            self.values[name] = raw
        elif isinstance(raw, str) and raw.strip().lower() in ("1", "true", "yes", "on", "y"):
            self.values[name] = True
        elif isinstance(raw, str) and raw.strip().lower() in ("0", "false", "no", "off", "n", ""):
            self.values[name] = False
        elif isinstance(raw, int) and raw in (0, 1):
            self.values[name] = bool(raw)
        else:
            self.error(name, _l("必须是 true 或 false。"))

    def instant(self, name: str, *, nullable: bool = False) -> None:
        if not self.given(name):
            return
        raw = self.data[name]
        if isinstance(raw, datetime):
            if raw.tzinfo is None:
                self.error(name, _l("时间格式不正确。"))
            else:
                self.values[name] = raw
            return
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if nullable:
                self.values[name] = None
            else:
                self.error(name, _l("此项必填。"))
            return
        try:
            self.values[name] = parse_datetime(raw)
        except (ValueError, TypeError):
            self.error(name, _l("时间格式不正确，例如 2021-10-14T09:00。"))

    def id_list(self, name: str) -> None:
        if not self.given(name):
            return
        raw = self.data[name]
        if raw is None:
            raw = []
        if not isinstance(raw, (list, tuple)):
            self.error(name, _l("必须是编号的列表。"))
            return
        ids = []
        for item in raw:
            if isinstance(item, str) and item.strip().isdigit():
                item = int(item)
            if isinstance(item, bool) or not isinstance(item, int):
                self.error(name, _l("必须是编号的列表。"))
                return
            if item not in ids:
                ids.append(item)
        self.values[name] = ids


def _clean(data: dict, *, creating: bool) -> tuple[dict, dict]:
    if not isinstance(data, dict):
        raise DomainError("malformed_json", _l("请求体必须是 JSON 对象。"), 400)
    if creating:
        for name in ("title", "starts_at", "ends_at", "capacity"):
            data.setdefault(name, None)
    f = _Fields(data)
    f.text("title", required=True)
    for name in ("topic", "description", "venue", "online_url"):
        f.text(name)
    f.choice("kind", EVENT_KINDS)
    f.choice("mode", EVENT_MODES)
    f.instant("starts_at")
    f.instant("ends_at")
    f.integer("capacity", maximum=100000)
    f.instant("registration_opens_at", nullable=True)
    f.instant("registration_closes_at", nullable=True)
    f.integer("per_enterprise_quota", nullable=True, positive=True, maximum=100000)
    f.integer("pilot_reserved_seats", maximum=100000)
    f.boolean("requires_approval")
    if f.given("status"):
        if data["status"] == "cancelled":
            f.error("status", _l("取消活动请使用“取消活动”操作。"))
        else:
            f.choice("status", WRITABLE_STATUSES)
    f.integer("checkin_opens_minutes_before", maximum=MAX_MINUTES)
    f.integer("checkin_closes_minutes_after", maximum=MAX_MINUTES)
    f.integer("certificate_min_minutes", nullable=True, maximum=MAX_MINUTES)
    f.integer("campaign_id", nullable=True, minimum=1)
    f.integer("host_unit_id", minimum=1)
    f.id_list("trainer_ids")
    f.id_list("co_unit_ids")
    url = f.values.get("online_url")
    if url:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            f.errors.setdefault("online_url", []).append(_l("请填写以 http:// 或 https:// 开头的链接。"))
            f.values.pop("online_url")
    return f.values, f.errors


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
        trainers = db.session.scalars(
            sa.select(User).where(User.id.in_(ids), User.role == "trainer")
        ).all() if ids else []
        if len(trainers) != len(ids):
            errors.setdefault("trainer_ids", []).append(_l("只能选择讲师账号。"))
        found["trainers"] = sorted(trainers, key=lambda u: u.id)
    return found


def _check_combination(state: dict, errors: dict) -> None:
    """Rules across fields, on the event as it would be after the change."""
    starts, ends = state.get("starts_at"), state.get("ends_at")
    if starts and ends and "starts_at" not in errors and "ends_at" not in errors and ends <= starts:
        errors.setdefault("ends_at", []).append(_l("结束时间必须晚于开始时间。"))
    opens, closes = state.get("registration_opens_at"), state.get("registration_closes_at")
    if opens and closes and closes <= opens:
        errors.setdefault("registration_closes_at", []).append(_l("报名截止时间必须晚于报名开始时间。"))
    if closes and ends and closes > ends:
        errors.setdefault("registration_closes_at", []).append(_l("报名截止时间不能晚于活动结束时间。"))
    if opens and ends and opens >= ends and "registration_closes_at" not in errors:
        errors.setdefault("registration_opens_at", []).append(_l("报名开始时间必须早于活动结束时间。"))
    capacity, reserved = state.get("capacity"), state.get("pilot_reserved_seats") or 0
    if capacity is not None and reserved > capacity and "capacity" not in errors:
        errors.setdefault("pilot_reserved_seats", []).append(_l("试点单位预留名额不能超过活动容量。"))
    minimum = state.get("certificate_min_minutes")
    if minimum is not None and starts and ends and minimum > (ends - starts).total_seconds() / 60:
        errors.setdefault("certificate_min_minutes", []).append(_l("证书所需的最少参训时长不能超过活动时长。"))


def _live_registrations(event_id: int, statuses) -> list[Registration]:
    return list(db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event_id, Registration.status.in_(statuses))
        .order_by(Registration.id)
    ))


# -- use cases --------------------------------------------------------------------------------

@use_case
def create_event(data: dict, *, actor: User, now: datetime) -> Event:
    """An organizer creates an event (draft by default) for their unit (the commission: any unit)."""
    if actor is None or not actor.is_organizer:
        raise Forbidden()
    begin_write()
    data = dict(data)
    data.setdefault("host_unit_id", actor.unit_id)
    values, errors = _clean(data, creating=True)
    found = _check_references(values, errors)
    state = {
        "pilot_reserved_seats": 0, "registration_opens_at": None, "registration_closes_at": None,
        "per_enterprise_quota": None, "certificate_min_minutes": None, **values,
    }
    _check_combination(state, errors)
    if errors:
        raise ValidationError(errors)
    host = found["host_unit"]
    if not is_commission(actor) and host.id != actor.unit_id:
        raise Forbidden(_l("只能为本单位创建活动。"))
    event = Event(
        title=values["title"],
        kind=values.get("kind", "training"),
        mode=values.get("mode", "offline"),
        topic=values.get("topic", ""),
        description=values.get("description", ""),
        venue=values.get("venue", ""),
        online_url=values.get("online_url", ""),
        starts_at=values["starts_at"],
        ends_at=values["ends_at"],
        capacity=values["capacity"],
        registration_opens_at=values.get("registration_opens_at"),
        registration_closes_at=values.get("registration_closes_at"),
        per_enterprise_quota=values.get("per_enterprise_quota"),
        pilot_reserved_seats=values.get("pilot_reserved_seats", 0),
        requires_approval=values.get("requires_approval", False),
        status=values.get("status", "draft"),
        checkin_opens_minutes_before=values.get("checkin_opens_minutes_before", 60),
        checkin_closes_minutes_after=values.get("checkin_closes_minutes_after", 30),
        certificate_min_minutes=values.get("certificate_min_minutes"),
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
def update_event(event: Event, data: dict, *, actor: User, now: datetime) -> Event:
    """Edit an event (PATCH semantics: only the given fields). See the module's rules."""
    if not can_manage_event(actor, event):
        raise Forbidden()
    begin_write()
    event = lock_event(event.id)
    if not is_changeable(event):
        raise DomainError("event_cancelled", _l("活动已取消，不能再修改。"), 409)
    values, errors = _clean(dict(data), creating=False)
    found = _check_references(values, errors)
    current = {name: getattr(event, name) for name in (
        "starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "capacity",
        "pilot_reserved_seats", "per_enterprise_quota", "certificate_min_minutes")}
    state = {**current, **values}
    _check_combination(state, errors)
    if "starts_at" in values and values["starts_at"] != event.starts_at and values["starts_at"] < now \
            and "starts_at" not in errors:
        holders = db.session.scalar(sa.select(sa.func.count()).select_from(Registration).where(
            Registration.event_id == event.id, Registration.status != "cancelled"))
        if holders:
            errors.setdefault("starts_at", []).append(_l("活动已有报名，不能把开始时间改到过去。"))
    if "capacity" in values and "capacity" not in errors and values["capacity"] < event.capacity:
        confirmed = db.session.scalar(sa.select(sa.func.count()).select_from(Registration).where(
            Registration.event_id == event.id, Registration.status == "confirmed"))
        if values["capacity"] < confirmed:
            errors.setdefault("capacity", []).append(
                _l("已有 %(n)s 人报名成功，容量不能少于该人数。", n=confirmed))
    if errors:
        raise ValidationError(errors)
    if "host_unit_id" in values and values["host_unit_id"] != event.host_unit_id and not is_commission(actor):
        raise Forbidden(_l("只能为本单位创建活动。"))
    if values.get("status") == "draft" and event.status == "published":
        live_count = db.session.scalar(sa.select(sa.func.count()).select_from(Registration).where(
            Registration.event_id == event.id, Registration.status.in_(ACTIVE_STATUSES)))
        if live_count:
            raise DomainError("has_registrations", _l("活动已有报名，不能撤回为草稿；如需停办请取消活动。"), 409)

    old_capacity, old_reserved = event.capacity, event.pilot_reserved_seats
    changed_place_or_time = any(name in values and values[name] != getattr(event, name) for name in CHANGE_FIELDS)
    for name, value in values.items():
        if name in ("trainer_ids", "co_unit_ids", "host_unit_id", "campaign_id"):
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
