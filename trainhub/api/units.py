"""/api/v1/units: organizing units (主办/承办单位)."""
from __future__ import annotations

from flask_login import current_user

from trainhub.api import bp
from trainhub.api._helpers import api_roles, created, json_body
from trainhub.units import queries, services


def unit_json(unit) -> dict:
    return {"id": unit.id, "name": unit.name, "kind": unit.kind, "district": unit.district}


@bp.get("/units")
@api_roles("organizer")
def units_list():
    """List organizing units (any organizer)."""
    units = queries.list_units()
    return {"items": [unit_json(u) for u in units], "page": 1, "pages": 1, "total": len(units)}


@bp.post("/units")
@api_roles("organizer")
def units_create():
    """Create an organizing unit (commission organizers)."""
    return created(unit_json(services.create_unit(json_body(), actor=current_user)))


@bp.patch("/units/<int:unit_id>")
@api_roles("organizer")
def units_update(unit_id: int):
    """Change a unit's name, kind or district (commission organizers)."""
    return unit_json(services.update_unit(unit_id, json_body(), actor=current_user))
