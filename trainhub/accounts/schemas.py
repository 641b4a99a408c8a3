"""User accounts as written and read (API.md "Organizations and users"), and the account forms'
fields (sign-up's password, the profile, invitations): declared once for the API and the pages."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from trainhub.contact import Email, Phone
from trainhub.models import ROLES
from trainhub.schemas import Choice, Id, Instant, PageArgs, Schema, Text

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200
LOCALES = ("zh_CN", "en")


class Flag(ma.fields.Boolean):
    """true or false, nothing else ("yes", 1 and "true" are refused): the switches an API client sets
    (is_active, is_pilot_unit). A form's checkbox sends a real boolean."""

    default_error_messages = {
        "required": _l("此项必填。"),
        "null": _l("必须是 true 或 false。"),
        "invalid": _l("必须是 true 或 false。"),
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Password(ma.fields.String):
    """A password as typed (never stripped), MIN_PASSWORD_LENGTH … MAX_PASSWORD_LENGTH characters.
    Optional (not `required`): empty or null loads as None (no password given)."""

    default_error_messages = {
        "required": _l("请设置密码。"),
        "null": _l("请设置密码。"),
        "invalid": _l("必须是文本。"),
        "invalid_utf8": _l("必须是文本。"),
    }

    def __init__(self, *, min_length: int = MIN_PASSWORD_LENGTH, **kwargs: Any) -> None:
        self.min_length = min_length
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("format", "password")
        metadata.setdefault("maxLength", MAX_PASSWORD_LENGTH)
        if min_length:
            metadata.setdefault("minLength", min_length)
        kwargs.setdefault("load_only", True)
        if not kwargs.get("required"):
            kwargs.setdefault("allow_none", True)
        super().__init__(metadata=metadata, **kwargs)

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, str) and not value:
            if self.required:
                raise self.make_error("required")
            return None
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        password = super()._deserialize(value, attr, data, **kwargs)
        if len(password) < self.min_length:
            raise ma.ValidationError([_l("密码至少 %(n)s 位。", n=self.min_length)])
        if len(password) > MAX_PASSWORD_LENGTH:
            raise ma.ValidationError([_l("密码过长。")])
        return password


class Filters(PageArgs):
    """A list's query: page and per_page, and filters where an empty value (`?role=`) means no filter."""

    @ma.pre_load
    def _drop_empty(self, data: Any, **kwargs: Any) -> dict:
        return {key: value for key, value in data.items() if value != ""}


# -- answers' parts ------------------------------------------------------------------------------------


class UserOrganizationSchema(Schema):
    """The enterprise a member belongs to."""

    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    is_pilot_unit = ma.fields.Boolean(required=True)


class UserUnitSchema(Schema):
    """The organizing unit an organizer belongs to."""

    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)


# -- the resource --------------------------------------------------------------------------------------


class UserSchema(Schema):
    """A user account. Written (POST /users) by organizers: a trainer or an organizer (of `unit_id`,
    default the commission); without a password the user gets an email link to set one."""

    # Who an organizer may create; the command line creates enterprise members too (CommandLineUserSchema).
    creatable_roles: tuple[str, ...] = ("trainer", "organizer")

    id = ma.fields.Integer(dump_only=True)
    email = Email(required=True)
    name = Text(required=True, max_length=100)
    role = Choice(ROLES, required=True, metadata={"description": "written: trainer or organizer"})
    unit_id = Id(
        load_only=True, allow_none=True, metadata={"description": "an organizer's unit (default: the commission)"}
    )
    password = Password(metadata={"description": "without it, an email link lets the user set one"})
    phone = Phone(load_only=True, pattern=None)
    organization = ma.fields.Nested(UserOrganizationSchema, dump_only=True, allow_none=True)
    unit = ma.fields.Nested(UserUnitSchema, dump_only=True, allow_none=True)
    is_active = ma.fields.Boolean(attribute="is_active_flag", dump_only=True)
    created_at = Instant(dump_only=True)

    @ma.validates("role")
    def _creatable(self, value: str, **kwargs: Any) -> None:
        if value not in self.creatable_roles:
            raise ma.ValidationError([_l("取值必须是：%(values)s", values=", ".join(self.creatable_roles))])


class CommandLineUserSchema(UserSchema):
    """`flask create-user`: any role; an enterprise member names its organization."""

    creatable_roles = ROLES
    organization_id = Id(load_only=True, allow_none=True)


class UserChangesSchema(Schema):
    """What PATCH /users/{id} changes: whether the account may log in."""

    is_active = Flag()


class UserQuerySchema(Filters):
    role = Choice(ROLES)
    q = Text(metadata={"description": "part of the name or the email"})


# -- the account pages' forms --------------------------------------------------------------------------


class ProfileSchema(Schema):
    name = Text(required=True, max_length=100)
    locale = Choice(LOCALES, allow_none=True, metadata={"description": "empty: the browser's language"})

    @ma.pre_load
    def _browser_language(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict) and data.get("locale") == "":
            data = {**data, "locale": None}
        return data


class PasswordSchema(Schema):
    """A first password (the emailed setup link)."""

    password = Password(required=True)


class InvitationAcceptSchema(PasswordSchema):
    """The invited colleague's name and password."""

    name = Text(required=True, max_length=100)


class PasswordChangeSchema(Schema):
    current_password = Password(required=True, min_length=0)
    new_password = Password(required=True)


class TokenSchema(Schema):
    token_name = Text(max_length=100)
