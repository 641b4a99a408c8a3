"""The enterprise (企业) as written and read (API.md "Organizations and users"): declared once for the
API, the sign-up page and the organizers' pages. The 统一社会信用代码 is checked here (GB 32100)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from trainhub.accounts.schemas import Filters, Flag, Password
from trainhub.contact import Email, Phone
from trainhub.organizations import uscc as uscc_rules
from trainhub.schemas import Choice, Instant, Schema, Text


def uscc_message(code: str | None):
    """统一社会信用代码: None when valid, else a message saying what is wrong."""
    problem = uscc_rules.problem(code or "")
    normalized = uscc_rules.normalize(code or "")
    if problem is None:
        return None
    if not normalized:
        return _l("请填写统一社会信用代码。")
    if problem == "length":
        return _l("统一社会信用代码应为 18 位，当前为 %(n)s 位。", n=len(normalized))
    if problem == "alphabet":
        bad = "".join(sorted({c for c in normalized if c not in uscc_rules.ALPHABET}))
        return _l(
            "统一社会信用代码含有不允许的字符：%(chars)s（只能使用数字和除 I、O、S、V、Z 外的大写字母）。", chars=bad
        )
    return _l("统一社会信用代码的校验位不正确，请核对后重新输入。")


class Uscc(ma.fields.String):
    """A 统一社会信用代码 (GB 32100-2015): 18 characters of the code's alphabet, the last the check
    character; loaded upper-case. Each refusal says what is wrong (length, characters, check)."""

    default_error_messages = {
        "required": _l("请填写统一社会信用代码。"),
        "null": _l("请填写统一社会信用代码。"),
        "invalid": _l("必须是文本。"),
        "invalid_utf8": _l("必须是文本。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("description", "统一社会信用代码 (GB 32100-2015), 18 characters")
        metadata.setdefault("maxLength", 18)
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        code = uscc_rules.normalize(super()._deserialize(value, attr, data, **kwargs))
        message = uscc_message(code)
        if message:
            raise ma.ValidationError([message])
        return code


class OrganizationSchema(Schema):
    """An enterprise. `is_pilot_unit` is the flag in force (an organizer sets it); `pilot_unit_requested`
    is what the enterprise asked for at sign-up."""

    id = ma.fields.Integer(dump_only=True)
    name = Text(required=True, max_length=200)
    uscc = Uscc(required=True)
    district = Text(max_length=50, metadata={"description": "a district bureau: its own (the default)"})
    industry = Text(max_length=100)
    contact_name = Text(max_length=100)
    contact_phone = Phone()
    contact_email = Email()
    is_pilot_unit = Flag(metadata={"description": "试点单位: the flag in force"})
    pilot_unit_requested = Flag(metadata={"description": "what the enterprise asked for at sign-up"})
    is_active = Flag(metadata={"description": "false: its members can no longer log in nor use tokens"})
    created_at = Instant(dump_only=True)


class SignupSchema(OrganizationSchema):
    """企业自助注册: the enterprise, its contact person (who becomes its first member, logging in with
    the contact email) and that member's password; the pilot-unit wish is only a request."""

    class Meta(Schema.Meta):
        exclude = ("id", "is_pilot_unit", "is_active", "created_at")

    district = Text(required=True, max_length=50)
    contact_name = Text(required=True, max_length=100)
    contact_phone = Phone(required=True)
    contact_email = Email(required=True)
    pilot_unit_requested = Flag(load_default=False)
    password = Password(required=True)


class OrganizationQuerySchema(Filters):
    district = Text(max_length=50)
    pilot = Choice(("requested", "yes", "no"), metadata={"description": "requested: awaiting confirmation"})
    active = Choice(("yes", "no"))
    q = Text(metadata={"description": "part of the name or the code"})


class MemberSchema(Schema):
    """A colleague invited into an enterprise (POST /organizations/{id}/members): an email link lets them
    set a password. Without a name, the part of the email before the @."""

    email = Email(required=True)
    name = Text(max_length=100)
