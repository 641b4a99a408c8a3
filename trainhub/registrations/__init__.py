"""Registration (报名): enterprises register attendees; organizers approve, reject, cancel."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from trainhub.templating import register_nav

bp = Blueprint("registrations", __name__)

register_nav("registrations.mine", _l("我的报名"), roles=("enterprise",), order=20)

from trainhub.registrations import views  # noqa: E402
