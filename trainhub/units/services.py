"""Organizing units (主办/承办单位): the commission manages them; any organizer lists them.

Scope rules themselves live in trainhub/access.py; this module holds the units' use cases.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from trainhub.access import is_commission
from trainhub.db import begin_write, use_case
from trainhub.errors import DomainError, Forbidden, ValidationError
from trainhub.extensions import db
from trainhub.models import Unit, User

KIND_LABELS = {
    "commission": _l("市场监管委"),
    "district_bureau": _l("区市场监管局"),
    "institute": _l("标准化研究院"),
    "technical_committee": _l("标准化技术委员会"),
    "federation": _l("行业协会/联合会"),
    "other": _l("其他单位"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def _require_commission(actor: User) -> None:
    if not is_commission(actor):
        raise Forbidden(_l("只有市场监管委的组织者可以管理单位。"), code="commission_only")


def _check_district(kind: str, district: str) -> None:
    if kind == "district_bureau" and not district:
        raise ValidationError({"district": [_l("区市场监管局必须填写所属区县。")]})


def _name_taken(name: str, exclude_id: int | None = None) -> bool:
    query = sa.select(Unit.id).where(Unit.name == name)
    if exclude_id is not None:
        query = query.where(Unit.id != exclude_id)
    return db.session.scalar(query) is not None


@use_case
def create_unit(values: dict, *, actor: User) -> Unit:
    """Commission only: a new organizing unit {name, kind, district} (values as UnitSchema loads them)."""
    _require_commission(actor)
    _check_district(values["kind"], values.get("district", ""))
    begin_write()
    if _name_taken(values["name"]):
        raise DomainError("unit_name_taken", _l("已有同名单位。"), 409)
    unit = Unit(**values)
    db.session.add(unit)
    db.session.commit()
    return unit


@use_case
def update_unit(unit_id: int, values: dict, *, actor: User) -> Unit:
    """Commission only: change what `values` holds (UnitSchema, partial) of a unit."""
    _require_commission(actor)
    begin_write()
    unit = db.session.scalar(sa.select(Unit).where(Unit.id == unit_id).with_for_update())
    if unit is None:
        raise DomainError("not_found", _l("未找到该对象。"), 404)
    kind = values.get("kind", unit.kind)
    _check_district(kind, values.get("district", unit.district))
    if unit.kind == "commission" and kind != "commission":
        others = db.session.scalar(
            sa.select(sa.func.count()).select_from(Unit).where(Unit.kind == "commission", Unit.id != unit.id)
        )
        if not others:
            raise DomainError("last_commission", _l("至少要保留一个市场监管委单位。"), 409)
    if "name" in values and _name_taken(values["name"], exclude_id=unit.id):
        raise DomainError("unit_name_taken", _l("已有同名单位。"), 409)
    for key, value in values.items():
        setattr(unit, key, value)
    db.session.commit()
    return unit
