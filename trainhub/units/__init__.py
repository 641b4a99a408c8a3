"""Organizing units (主办/承办单位), their scope, and a district bureau's enterprises and invitations."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from trainhub.templating import register_nav

bp = Blueprint("units", __name__)

register_nav("units.index", _l("单位"), roles=("organizer",), order=80)

from trainhub.units import views  # noqa: E402
