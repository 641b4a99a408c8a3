"""Check-in at the door (签到): the console, manual fallback, self check-in and attendance pages."""
from flask import Blueprint

bp = Blueprint("checkin", __name__)

from trainhub.checkin import views  # noqa: E402,F401
