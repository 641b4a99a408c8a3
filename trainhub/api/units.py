"""/api/v1/units: organizing units (主办/承办单位)."""

from __future__ import annotations

from flask_login import current_user

from trainhub.api import bp
from trainhub.api._helpers import api_roles, errors
from trainhub.pagination import Page
from trainhub.schemas import page_of
from trainhub.units import queries, services
from trainhub.units.schemas import UnitSchema


@bp.get("/units")
@api_roles("organizer")
@bp.response(200, page_of(UnitSchema))
def units_list():
    """List organizing units (any organizer)."""
    units = queries.list_units()
    return Page(units, 1, max(1, len(units)), len(units))


@bp.post("/units")
@api_roles("organizer")
@errors(409)
@bp.arguments(UnitSchema)
@bp.response(201, UnitSchema)
def units_create(values: dict):
    """Create an organizing unit (commission organizers)."""
    return services.create_unit(values, actor=current_user)


@bp.patch("/units/<int:unit_id>")
@api_roles("organizer")
@errors(409)
@bp.arguments(UnitSchema(partial=True))
@bp.response(200, UnitSchema)
def units_update(values: dict, unit_id: int):
    """Change a unit's name, kind or district (commission organizers)."""
    return services.update_unit(unit_id, values, actor=current_user)
