"""Enterprises (organizations): sign-up, members, pilot-unit confirmation."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from trainhub.templating import register_nav

bp = Blueprint("organizations", __name__)

register_nav("organizations.admin_list", _l("企业管理"), roles=("organizer",), order=75)
register_nav("organizations.mine", _l("我的企业"), roles=("enterprise",), order=75)

from trainhub.organizations import views  # noqa: E402
