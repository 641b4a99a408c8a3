"""A scan and its answer, and the audit log's rows, as declared for the API (API.md "Check-in").

The scan is the hot path (bench/checkin.py, within 10 %): a marshmallow load of its body costs about
150 µs and a dump of its answer about 250 µs, where the hand-written code took 1 and 35 — together more
than a tenth of a scan's CPU. So both schemas are declared for the document, and the scan takes a fast
path that gives the same values: `load_scan` accepts the plain, valid body itself and hands anything
else to ScanSchema (which refuses it with its messages, or loads it); the answer is built by hand
(checkin.serializers.result_to_dict, registrations.serializers.registration_to_dict). Tests keep both
equal to their schemas (tests/checkin/test_api.py).
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from trainhub.checkin import rules
from trainhub.checkin.results import MESSAGES
from trainhub.inputs import ID_MAX
from trainhub.models import CHECKIN_RESULTS
from trainhub.registrations.schemas import RegistrationSchema
from trainhub.schemas import Choice, Instant, Integer, PageArgs, Ref, Schema, Text, load

RESULT_CODES = CHECKIN_RESULTS  # every answer a scan may give (the column's check constraint)
DIRECTIONS = ("in", "out")
METHODS = ("scan", "manual", "self", "cli", "api")


class EventNumber(Integer):
    """The event's id as a JSON number (text such as "7" is refused: a scanner sends what it read)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Direction(Choice):
    """`in` (the default: also for null or "") or `out`."""

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        if value is ma.missing:
            return super().deserialize(value, attr, data, **kwargs)
        try:
            return rules.direction(value)  # the rules decide what a direction is: the API and the engine agree
        except rules.InvalidDirection:
            raise ma.ValidationError("in | out") from None


class ScanSchema(Schema):
    # A field added here must be added to load_scan's fast path too (a test compares them).
    """`POST /checkins`: what the QR code holds, for which event, which way."""

    token = Text(
        required=True,
        metadata={"description": "what the QR holds: the ticket URL or the bare token"},
        error_messages=dict.fromkeys(("required", "null", "blank", "invalid"), MESSAGES["invalid_token"]),
    )
    event_id = EventNumber(
        minimum=None,
        maximum=ID_MAX,
        required=True,
        error_messages=dict.fromkeys(("required", "null", "invalid"), MESSAGES["wrong_event"]),
    )
    direction = Direction(DIRECTIONS, load_default="in", allow_none=True)
    device = Text(
        load_default="",
        metadata={"description": "the scanner's name (default: its User-Agent); 200 characters are kept"},
    )
    method = Choice(("scan", "api"), load_default="scan")


class ScanResultSchema(Schema):
    """A scan's answer: 200 for every result, a refusal too (API.md "Check-in")."""

    result = Choice(RESULT_CODES, required=True)
    registration = ma.fields.Nested(
        RegistrationSchema,
        required=True,
        allow_none=True,
        metadata={
            "description": "the ticket's registration (its `certificate_url` is not looked up at the door: null)"
        },
    )
    checked_in_at = Instant(
        required=True,
        allow_none=True,
        metadata={"description": "the new time (ok) or the first one (already_checked_in)"},
    )
    message = ma.fields.String(required=True, metadata={"description": "in the scanner's language"})
    first_checked_in_at = Instant(allow_none=True, metadata={"description": "already_checked_in only"})
    first_checked_in_by = ma.fields.Nested(Ref, allow_none=True, metadata={"description": "already_checked_in only"})


# -- the audit log ----------------------------------------------------------------------------


class CheckinRegistrationSchema(Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    organization = ma.fields.Nested(Ref, required=True)


class CheckinRecordSchema(Schema):
    """One row of an event's check-in log: who scanned what, when, with what result, on which device."""

    id = ma.fields.Integer(required=True)
    event_id = ma.fields.Integer(required=True)
    registration = ma.fields.Nested(
        CheckinRegistrationSchema,
        required=True,
        allow_none=True,
        metadata={"description": "null for a token that named nobody"},
    )
    token_tried = ma.fields.String(required=True)
    direction = Choice(DIRECTIONS, required=True)
    method = Choice(METHODS, required=True)
    result = Choice(RESULT_CODES, required=True)
    actor = ma.fields.Nested(Ref, required=True, allow_none=True)
    device = ma.fields.String(required=True)
    created_at = Instant(required=True)
    undone_at = Instant(required=True, allow_none=True)


class CheckinLogArgs(PageArgs):
    """`?result=&page=&per_page=` of the check-in log."""

    result = Choice(RESULT_CODES)


_SCAN = ScanSchema()
_DEFAULT_DIRECTIONS = {None: "in", "": "in", "in": "in", "out": "out"}


def load_scan(data: Any) -> dict:
    """ScanSchema().load(data), without marshmallow for the body every scanner sends (a token, an event
    number, maybe a direction, a device and a method): anything else goes through the schema, which
    loads it or refuses it (ValidationError, 422 with the fields)."""
    if type(data) is dict:
        token, event_id = data.get("token"), data.get("event_id")
        direction, device, method = data.get("direction"), data.get("device", ""), data.get("method", "scan")
        if (
            type(token) is str
            and type(event_id) is int
            and event_id <= ID_MAX
            and type(device) is str
            and method in ("scan", "api")
            and (direction is None or type(direction) is str)
            and direction in _DEFAULT_DIRECTIONS
        ):
            token = token.strip()
            if token:
                return {
                    "token": token,
                    "event_id": event_id,
                    "direction": _DEFAULT_DIRECTIONS[direction],
                    "device": device.strip(),
                    "method": method,
                }
    return load(_SCAN, data)
