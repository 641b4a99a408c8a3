"""Registration forms: field formats only; the rules (and the phone check) live in services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, SelectField, StringField, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.validators import Length, Optional


class AttendeeForm(Form):
    """One row of the attendees table (no CSRF of its own: the outer form has it)."""

    name = StringField(_l("姓名"), validators=[Length(max=100)])
    phone = StringField(_l("手机号码"), validators=[Length(max=20)])
    email = StringField(_l("电子邮箱"), validators=[Optional(), Length(max=254)])
    job_title = StringField(_l("职务"), validators=[Length(max=100)])


class RegisterForm(FlaskForm):
    attendees = FieldList(FormField(AttendeeForm), min_entries=1, max_entries=200)

    def attendee_rows(self) -> list[tuple[int, dict]]:
        """(row index, data) of the filled rows only (a blank row added by mistake is ignored)."""
        rows = []
        for index, entry in enumerate(self.attendees):
            data = {key: (entry.form[key].data or "").strip() for key in ("name", "phone", "email", "job_title")}
            if any(data.values()):
                rows.append((index, data))
        return rows


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("不通过的原因"), validators=[Length(max=500)])


class ActionForm(FlaskForm):
    """Approve / cancel buttons: CSRF only."""


class FilterForm(Form):
    """GET filters of the organizer's list (no CSRF: it changes nothing)."""

    status = SelectField(_l("状态"), choices=[], validators=[Optional()])
    organization = StringField(_l("企业"), validators=[Optional(), Length(max=200)])
    name = StringField(_l("姓名"), validators=[Optional(), Length(max=100)])
    phone = StringField(_l("手机号码"), validators=[Optional(), Length(max=20)])
