"""The organizing unit as written and read (API.md "Organizing units"): declared once."""
from __future__ import annotations

import marshmallow as ma

from trainhub.models import UNIT_KINDS
from trainhub.schemas import Choice, Schema, Text


class UnitSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    name = Text(required=True, max_length=200)
    kind = Choice(UNIT_KINDS, required=True)
    district = Text(max_length=50, load_default="", metadata={"description": "required for a district_bureau"})


