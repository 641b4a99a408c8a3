"""Notifications: the outbox (every message a row in the change's own transaction) and its channels.

notify.py — what features call; messages.py — the texts; outbox.py — the rows (enqueue); channels.py — delivery (email, later SMS…);
services.py — the worker's and the outbox page's use cases; reminders.py — `send-reminders` jobs.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from trainhub.templating import register_nav

bp = Blueprint("notifications", __name__)

register_nav("notifications.outbox", _l("消息发送"), roles=("organizer",), order=80)

from trainhub.notifications import views  # noqa: E402
