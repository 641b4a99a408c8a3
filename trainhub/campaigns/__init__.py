"""Campaigns (专题活动): themed periods grouping events, with a notice and attachments."""

from flask import Blueprint

bp = Blueprint("campaigns", __name__)

from trainhub.campaigns import views  # noqa: E402
