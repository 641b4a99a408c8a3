"""The event as written and read (API.md "Event fields"), declared once: the API's body and answer,
the organizers' form, and the catalogue's filters (`EventFilters`, for GET /events and the page).

What needs state stays in events/services.py: the references (campaign, units, trainers exist), the
rules across fields on the event as it will be after a PATCH (`combination_problems`, also run here
on what is sent), a start moved into the past, capacity below the confirmed seats, scope.
"""

from __future__ import annotations

import re
from datetime import datetime

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from trainhub.models import EVENT_KINDS, EVENT_MODES, EVENT_STATUSES
from trainhub.schemas import (
    Boolean,
    Choice,
    Id,
    IdList,
    Instant,
    Integer,
    PageArgs,
    Ref,
    Schema,
    Text,
    Url,
)
from trainhub.timeutil import local_day_bounds, parse_date, parse_datetime

MAX_SEATS = 100000
MAX_MINUTES = 7 * 24 * 60
WRITABLE_STATUSES = ("draft", "published")


class _Status(Choice):
    """draft or published when written; `cancelled` is read only (POST …/cancel)."""

    def __init__(self, **kwargs):
        super().__init__(
            EVENT_STATUSES,
            metadata={
                "description": "written: draft (default) or published; cancelled only through POST /events/{id}/cancel"
            },
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "cancelled":
            raise ma.ValidationError(_l("取消活动请使用“取消活动”操作。"))
        status = super()._deserialize(value, attr, data, **kwargs)
        if status not in WRITABLE_STATUSES:
            raise ma.ValidationError(_l("取值必须是：%(values)s", values=", ".join(WRITABLE_STATUSES)))
        return status


def combination_problems(state: dict) -> dict[str, list]:
    """The rules across fields, on the event as it is sent (the schema) or as it would be after a
    change (the service): ends after it starts; the registration window opens before it closes and
    closes no later than the end; reserved pilot seats within capacity; the certificate's minutes
    within the event. A field absent from `state` (or refused on its own) is not compared."""
    problems: dict[str, list] = {}
    starts, ends = state.get("starts_at"), state.get("ends_at")
    if starts and ends and ends <= starts:
        problems.setdefault("ends_at", []).append(_l("结束时间必须晚于开始时间。"))
    opens, closes = state.get("registration_opens_at"), state.get("registration_closes_at")
    if opens and closes and closes <= opens:
        problems.setdefault("registration_closes_at", []).append(_l("报名截止时间必须晚于报名开始时间。"))
    if closes and ends and closes > ends:
        problems.setdefault("registration_closes_at", []).append(_l("报名截止时间不能晚于活动结束时间。"))
    if opens and ends and opens >= ends and "registration_closes_at" not in problems:
        problems.setdefault("registration_opens_at", []).append(_l("报名开始时间必须早于活动结束时间。"))
    capacity, reserved = state.get("capacity"), state.get("pilot_reserved_seats") or 0
    if capacity is not None and reserved > capacity:
        problems.setdefault("pilot_reserved_seats", []).append(_l("试点单位预留名额不能超过活动容量。"))
    minimum = state.get("certificate_min_minutes")
    if minimum is not None and starts and ends and minimum > (ends - starts).total_seconds() / 60:
        problems.setdefault("certificate_min_minutes", []).append(_l("证书所需的最少参训时长不能超过活动时长。"))
    return problems


class EventSchema(Schema):
    """An event. Written as `host_unit_id`, `co_unit_ids`, `trainer_ids`; read back as `host_unit`,
    `co_units`, `trainers`. The meeting link reads null for those who may not see it (API.md)."""

    id = ma.fields.Integer(dump_only=True)
    title = Text(required=True, max_length=200)
    kind = Choice(EVENT_KINDS, load_default="training")
    mode = Choice(EVENT_MODES, load_default="offline")
    topic = Text(max_length=100, load_default="")
    description = Text(max_length=20000, load_default="")
    venue = Text(max_length=300, load_default="")
    online_url = Url(
        max_length=500, load_default="", metadata={"description": "null unless the viewer may read the meeting link"}
    )
    has_online_url = ma.fields.Boolean(dump_only=True)
    starts_at = Instant(required=True)
    ends_at = Instant(required=True)
    capacity = Integer(required=True, maximum=MAX_SEATS)
    seats_left = ma.fields.Integer(dump_only=True)
    waitlist_length = ma.fields.Integer(dump_only=True)
    registration_opens_at = Instant(allow_none=True, load_default=None)
    registration_closes_at = Instant(
        allow_none=True, load_default=None, metadata={"description": "null: registration closes at the start"}
    )
    per_enterprise_quota = Integer(
        minimum=1, maximum=MAX_SEATS, allow_none=True, load_default=None, metadata={"description": "null: no limit"}
    )
    pilot_reserved_seats = Integer(maximum=MAX_SEATS, load_default=0)
    requires_approval = Boolean(load_default=False)
    status = _Status(load_default="draft")
    trainer_ids = IdList(load_only=True, load_default=list, metadata={"description": "trainer accounts"})
    trainers = ma.fields.List(ma.fields.Nested(Ref), dump_only=True)
    checkin_opens_minutes_before = Integer(maximum=MAX_MINUTES, load_default=60)
    checkin_closes_minutes_after = Integer(
        maximum=MAX_MINUTES, load_default=30, metadata={"description": "after the end"}
    )
    certificate_min_minutes = Integer(
        maximum=MAX_MINUTES, allow_none=True, load_default=None, metadata={"description": "null: a check-in is enough"}
    )
    campaign_id = Id(allow_none=True, load_default=None)
    host_unit_id = Id(load_only=True, metadata={"description": "default: the creating organizer's unit"})
    host_unit = ma.fields.Nested(Ref, dump_only=True, allow_none=True)
    co_unit_ids = IdList(load_only=True, load_default=list)
    co_units = ma.fields.List(ma.fields.Nested(Ref), dump_only=True)

    @ma.validates_schema(skip_on_field_errors=False)
    def _combination(self, data: dict, **kwargs) -> None:
        problems = combination_problems(data)
        if problems:
            raise ma.ValidationError(problems)


# -- the catalogue's filters (GET /api/v1/events and the page /events) ------------------------

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOST_PLUS = re.compile(r"(?<=\d) (\d{2}:?\d{2})$")


class _Bound(ma.fields.Field):
    """A date (the whole local day: its start for `from`, its end for `to`) or a moment."""

    default_error_messages = {"invalid": _l("日期格式不正确，例如 2021-10-14 或 2021-10-14T09:00。")}

    def __init__(self, *, end: bool, **kwargs):
        self.end = end
        metadata = {
            "type": "string",
            "description": "YYYY-MM-DD (the whole local day) or an ISO 8601 moment",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        # An unencoded "+08:00" arrives as " 08:00": take it back as the offset it was.
        text = _LOST_PLUS.sub(r"+\1", value.strip())
        try:
            if _DATE_ONLY.match(text):
                start, stop = local_day_bounds(parse_date(text))
                return stop if self.end else start
            return parse_datetime(text)
        except ValueError as exc:
            raise self.make_error("invalid") from exc


class _Flag(Boolean):
    default_error_messages = {"invalid": _l("必须是 0 或 1。")}
    truthy = {"1", "true", "yes", "on"}
    falsy = {"0", "false", "no", "off", ""}

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value.strip().lower() if isinstance(value, str) else value, attr, data, **kwargs)


class EventFilters(PageArgs):
    """`q` searches title, description and topic; `status` other than published is for organizers
    (their scope's events); `past=1` is the archive (default: upcoming)."""

    q = Text(metadata={"description": "the first 100 characters count"})
    kind = Choice(EVENT_KINDS)
    mode = Choice(EVENT_MODES)
    topic = Text()
    campaign_id = Id()
    from_ = _Bound(end=False, data_key="from")
    to = _Bound(end=True)
    open = _Flag(metadata={"description": "1: registration open now"})
    past = _Flag()
    status = Choice(("published", "draft", "cancelled", "all"))

    @ma.pre_load
    def _blank_is_absent(self, data, **kwargs) -> dict:
        # An emptied filter field filters nothing (`past=` still reads as "upcoming").
        return {
            key: data[key]
            for key in data
            if key == "past" or not (isinstance(data[key], str) and not data[key].strip())
        }

    @ma.validates_schema
    def _ordered(self, data: dict, **kwargs) -> None:
        if "from_" in data and "to" in data and data["to"] < data["from_"]:
            raise ma.ValidationError({"to": [_l("结束日期不能早于开始日期。")]})

    @ma.post_load
    def _as_filters(self, data: dict, **kwargs) -> dict:
        """The filters as `queries.catalogue_query` takes them (with `page`/`per_page`)."""
        if "from_" in data:
            data["from"] = data.pop("from_")
        if "q" in data:
            data["q"] = data["q"][:100]
        if not data.get("open"):
            data.pop("open", None)
        return data
