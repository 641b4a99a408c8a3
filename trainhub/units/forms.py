"""Unit forms: formats only (rules live in units/services.py)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from trainhub.models import UNIT_KINDS
from trainhub.units.services import KIND_LABELS


class UnitForm(FlaskForm):
    name = StringField(_l("单位名称"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("单位类型"), choices=[SelectChoice(k, KIND_LABELS[k]) for k in UNIT_KINDS])
    district = StringField(_l("所属区县"), validators=[Optional(), Length(max=50)])
