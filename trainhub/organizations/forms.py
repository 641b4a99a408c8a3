"""Organization forms: formats only."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional


class MemberForm(FlaskForm):
    """Invite a colleague (a member) or add a member (an organizer): an email link sets the password."""

    name = StringField(_l("姓名"), validators=[Optional(), Length(max=100)])
    email = EmailField(_l("电子邮箱"), validators=[DataRequired(), Length(max=254)])
