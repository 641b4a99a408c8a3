"""Events (活动): the public catalogue, the event page, and the organizers' event management."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from trainhub.templating import register_nav

bp = Blueprint("events", __name__)

register_nav("events.manage_list", _l("活动管理"), roles=("organizer",), order=20)

from trainhub.events import views  # noqa: E402
