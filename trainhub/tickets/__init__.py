"""QR tickets (电子票): the ticket page `/t/<token>`, its PNG/SVG, reissue, self check-in entry."""

from flask import Blueprint

bp = Blueprint("tickets", __name__)

from trainhub.tickets import services, views  # noqa: E402  (services registers the retired-token listener)
