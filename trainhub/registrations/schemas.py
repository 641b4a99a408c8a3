"""A registration as written and read (API.md "Registrations", "Registration fields"): declared once.

An attendee (`AttendeeSchema`) is what an enterprise writes for each person; a registration
(`RegistrationSchema`) is the attendee with what the platform adds. The API, the registration page
(`RegisterForm`) and the CLI load attendees through `RegistrationRequestSchema`: phone numbers and
e-mail addresses are normalised as people type them (trainhub.contact), and the rules that need no
state — required, lengths, formats, one phone once per request, 1–200 people — live here. Window,
capacity, quota and the phones already registered for the event stay in the service.
"""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from trainhub.contact import email_problem, normalize_email, normalize_phone, phone_problem
from trainhub.models import REGISTRATION_STATUSES
from trainhub.schemas import Choice, Id, Instant, List, Nested, PageArgs, Schema, Text

PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")  # ASCII digits: Python's \d matches ६ (a Devanagari 6) too
MAX_ATTENDEES_PER_REQUEST = 200


class MobilePhone(Text):
    """A mainland mobile number as people type it (`138 0013 8000`, `+86 13800138000`, fullwidth digits):
    loaded as its 11 ASCII digits (contact.normalize_phone)."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("description", "11 digits starting with 1; spaces, dashes and +86 are dropped")
        metadata.setdefault("example", "13800000000")
        super().__init__(metadata=metadata, **kwargs)
        # The limit holds for the number as stored, not as typed.
        self.metadata.pop("maxLength", None)  # type: ignore[attr-defined]  # a dict, typed Mapping

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        phone = normalize_phone(ma.fields.String._deserialize(self, value, attr, data, **kwargs))
        if not phone:
            if self.blank_allowed:
                return ""
            raise self.make_error("blank")
        if self.max_length is not None and len(phone) > self.max_length:
            raise ma.ValidationError(_l("不能超过 %(n)s 个字符。", n=self.max_length))
        problem = phone_problem(phone)
        if problem:
            raise ma.ValidationError(problem)
        if not PHONE_RE.match(phone):
            raise ma.ValidationError(_l("手机号码格式不正确（11 位，以 1 开头）。"))
        return phone


class Email(Text):
    """An e-mail address, optional unless required: loaded normalised (contact.normalize_email), refused
    when it is invalid or stays ambiguous (look-alike letters)."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("description", "an e-mail address (stored normalised), or empty")
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text:
            return text
        problem = email_problem(text)
        if problem:
            raise ma.ValidationError(problem)
        return normalize_email(text)


class AttendeeSchema(Schema):
    """One person an enterprise registers."""

    name = Text(required=True, max_length=100)
    phone = MobilePhone(required=True, max_length=20)
    email = Email(max_length=254, load_default="")
    job_title = Text(max_length=100, load_default="")


class Attendees(List):
    """1–200 attendees, each loaded by AttendeeSchema; the same phone twice in one request is refused on
    the later row (`attendees.4.phone`). Every row is checked, so all problems come back at once."""

    default_error_messages = {
        "required": _l("请至少填写一名参训人员。"),
        "null": _l("请至少填写一名参训人员。"),
        "invalid": _l("请至少填写一名参训人员。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        metadata = kwargs.pop("metadata", {})
        metadata.update(minItems=1, maxItems=MAX_ATTENDEES_PER_REQUEST)
        super().__init__(Nested(AttendeeSchema), metadata=metadata, **kwargs)

    # The rows are dicts; list[Any] because fields.List's list[T | None] is invariant.
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        if not isinstance(value, list) or not value:
            raise self.make_error("invalid")
        if len(value) > MAX_ATTENDEES_PER_REQUEST:
            raise ma.ValidationError(_l("一次最多报名 %(n)s 人。", n=MAX_ATTENDEES_PER_REQUEST))
        rows: list[dict] = []
        errors: dict[int, Any] = {}
        first_row_of: dict[str, int] = {}
        for index, item in enumerate(value):
            try:
                row = self.inner.deserialize(item, **kwargs)
            except ma.ValidationError as error:
                errors[index] = error.messages
                row = error.valid_data if isinstance(error.valid_data, dict) else {}
                rows.append(row)
            else:
                rows.append(row)
            phone = row.get("phone")
            if not phone or isinstance(errors.get(index), dict) and "phone" in errors[index]:
                continue
            if phone in first_row_of:
                problems = errors.setdefault(index, {})
                if isinstance(problems, dict):
                    problems.setdefault("phone", []).append(
                        _l("与第 %(n)s 行的手机号码重复。", n=first_row_of[phone] + 1)
                    )
            else:
                first_row_of[phone] = index
        if errors:
            raise ma.ValidationError(errors)
        return rows


class RegistrationRequestSchema(Schema):
    """`POST /events/{id}/registrations`: several attendees at once, all or nothing."""

    attendees = Attendees(required=True)


# -- answers ----------------------------------------------------------------------------------


class RegistrationOrganizationSchema(Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    is_pilot_unit = ma.fields.Boolean(required=True)


class RegistrationSchema(AttendeeSchema):
    """A registration (API.md "Registration fields"): the attendee and what the platform adds."""

    id = ma.fields.Integer(dump_only=True)
    event_id = ma.fields.Integer(dump_only=True)
    organization = ma.fields.Nested(RegistrationOrganizationSchema, dump_only=True)
    status = Choice(REGISTRATION_STATUSES, dump_only=True)
    waitlist_position = ma.fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "1-based, waitlisted registrations only"}
    )
    rejection_reason = ma.fields.String(dump_only=True, allow_none=True)
    created_at = Instant(dump_only=True)
    checked_in_at = Instant(dump_only=True, allow_none=True)
    checked_out_at = Instant(dump_only=True, allow_none=True)
    ticket_url = ma.fields.String(
        dump_only=True, allow_none=True, metadata={"format": "uri", "description": "confirmed registrations only"}
    )
    invite_url = ma.fields.String(dump_only=True, metadata={"format": "uri"})
    certificate_url = ma.fields.String(
        dump_only=True, allow_none=True, metadata={"format": "uri", "description": "the live certificate's PDF"}
    )


class RegistrationItemsSchema(Schema):
    """The answer of a registration request: the new registrations, in the order of `attendees`."""

    items = ma.fields.List(ma.fields.Nested(RegistrationSchema), required=True)


class RegistrationFiltersSchema(PageArgs):
    """`?status=&page=&per_page=` of an event's registrations."""

    status = Choice(REGISTRATION_STATUSES)


class RegistrationListFiltersSchema(RegistrationFiltersSchema):
    """`?event_id=&status=&page=&per_page=` of the registrations the caller may read."""

    event_id = Id()


class RejectSchema(Schema):
    """`POST /registrations/{id}/reject` and the organizer's reject form."""

    reason = Text(
        required=True,
        max_length=500,
        metadata={"description": "shown to the enterprise"},
        error_messages={
            "required": _l("请填写不通过的原因。"),
            "null": _l("请填写不通过的原因。"),
            "blank": _l("请填写不通过的原因。"),
        },
    )
