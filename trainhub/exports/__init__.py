"""Attendance exports (CSV, XLSX) for one event or across events."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from trainhub.templating import register_nav

bp = Blueprint("exports", __name__)

from trainhub.exports import views  # noqa: E402

register_nav("exports.index", _l("导出"), roles=("organizer",), order=70)
