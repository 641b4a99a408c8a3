"""Check-in at the door (签到): the console, manual fallback, self check-in and attendance pages."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from trainhub.templating import register_nav

bp = Blueprint("checkin", __name__)

register_nav("checkin.index", _l("签到台"), roles=("trainer",), order=30)

from trainhub.checkin import views  # noqa: E402,F401
