"""Unit forms: rendering only; the rules are UnitSchema's (trainhub/units/schemas.py)."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField

from trainhub.forms import SchemaForm
from trainhub.models import UNIT_KINDS
from trainhub.units.schemas import UnitSchema
from trainhub.units.services import KIND_LABELS


class UnitForm(SchemaForm):
    schema = UnitSchema
    name = StringField(_l("单位名称"))
    kind = SelectField(_l("单位类型"), choices=[SelectChoice(k, KIND_LABELS[k]) for k in UNIT_KINDS])
    district = StringField(_l("所属区县"))
