"""Registration forms: rendering only; the rules are the schemas' (trainhub/registrations/schemas.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, SelectField, StringField, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.validators import Length, Optional

from trainhub.forms import SchemaForm
from trainhub.registrations.schemas import AttendeeSchema, RegistrationRequestSchema, RejectSchema
from trainhub.schemas import Text

_ATTENDEE_FIELDS = AttendeeSchema().fields


def _limit(name: str) -> dict:
    """The input's maxlength, from the schema's rule."""
    field = _ATTENDEE_FIELDS[name]
    assert isinstance(field, Text)  # the attendee's text fields are all Text (or its phone/email kinds)
    return {"maxlength": field.max_length}


class AttendeeForm(Form):
    """One row of the attendees table (no CSRF of its own: the outer form has it)."""

    name = StringField(_l("姓名"), render_kw=_limit("name"))
    phone = StringField(_l("手机号码"), render_kw=_limit("phone"))
    email = StringField(_l("电子邮箱"), render_kw=_limit("email"))
    job_title = StringField(_l("职务"), render_kw=_limit("job_title"))


class RegisterForm(SchemaForm):
    """The attendees table, validated by RegistrationRequestSchema: the filled rows only (a blank row
    added by mistake is ignored), each problem shown on its row."""

    schema = RegistrationRequestSchema
    attendees = FieldList(FormField(AttendeeForm), min_entries=1, max_entries=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filled_rows: list[int] = []

    def schema_input(self) -> dict:
        rows = []
        self.filled_rows = []
        for index, entry in enumerate(self.attendees):
            data = {key: entry.form[key].data or "" for key in _ATTENDEE_FIELDS}
            if any(value.strip() for value in data.values()):
                rows.append(data)
                self.filled_rows.append(index)
        return {"attendees": rows}

    def add_errors(self, fields: dict, *, aliases: dict | None = None) -> None:
        """`attendees.N.phone` (N counts the filled rows) next to that row's input; the rest on the form."""
        for key, messages in fields.items():
            parts = key.split(".")
            if (
                len(parts) == 3
                and parts[0] == "attendees"
                and parts[1].isdigit()
                and int(parts[1]) < len(self.filled_rows)
                and parts[2] in _ATTENDEE_FIELDS
            ):
                target = self.attendees[self.filled_rows[int(parts[1])]].form[parts[2]]
                target.errors = list(target.errors or []) + [str(message) for message in messages]
            else:
                self.form_errors.extend(str(message) for message in messages)


class RejectForm(SchemaForm):
    schema = RejectSchema
    reason = TextAreaField(_l("不通过的原因"))


class ActionForm(FlaskForm):
    """Approve / cancel buttons: CSRF only."""


class FilterForm(Form):
    """GET filters of the organizer's list (no CSRF: it changes nothing)."""

    status = SelectField(_l("状态"), choices=[], validators=[Optional()])
    organization = StringField(_l("企业"), validators=[Optional(), Length(max=200)])
    name = StringField(_l("姓名"), validators=[Optional(), Length(max=100)])
    phone = StringField(_l("手机号码"), validators=[Optional(), Length(max=20)])
