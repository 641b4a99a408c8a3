"""Calendar (日历): invites for attendees, subscription feeds, "add to calendar" downloads."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)

from trainhub.calendar import views  # noqa: E402
