"""Reading organizing units (组织单位)."""

from __future__ import annotations

import sqlalchemy as sa

from trainhub.access import organization_clause
from trainhub.extensions import db
from trainhub.models import Organization, Unit, User


def list_units() -> list[Unit]:
    """Every unit, in the order they were created."""
    return list(db.session.scalars(sa.select(Unit).order_by(Unit.id)))


def reporting_units() -> list[Unit]:
    """The units a campaign may ask to report (every unit but the commission)."""
    return list(db.session.scalars(sa.select(Unit).where(Unit.kind != "commission").order_by(Unit.id)))


def units_commission_first() -> list[Unit]:
    """Every unit, the commission first, then by name (the new-account form)."""
    return list(db.session.scalars(sa.select(Unit).order_by(Unit.kind != "commission", Unit.name)))


def district_enterprises_query(actor: User):
    """The enterprises a unit may see and invite: a district bureau's district; all for the commission."""
    return (
        sa.select(Organization)
        .where(organization_clause(actor), Organization.is_active.is_(True))
        .order_by(Organization.name)
    )


def district_enterprises(actor: User) -> list[Organization]:
    return list(db.session.scalars(district_enterprises_query(actor)))
