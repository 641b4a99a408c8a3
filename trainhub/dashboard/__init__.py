"""The organizers' dashboard and the campaign activity summary (活动总结)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from trainhub.templating import register_nav

bp = Blueprint("dashboard", __name__)

from trainhub.dashboard import views  # noqa: E402

register_nav("dashboard.index", _l("数据看板"), roles=("organizer",), order=60)
