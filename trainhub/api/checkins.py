"""POST /api/v1/checkins (scan) and GET /api/v1/events/{id}/checkins (the audit log)."""
from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import abort, jsonify, request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from trainhub import access
from trainhub.api import bp
from trainhub.api._helpers import api_roles, json_body, legacy_paginate as paginate
from trainhub.checkin import rules, scan
from trainhub.checkin.results import MESSAGES
from trainhub.checkin.serializers import checkin_to_dict, result_to_dict
from trainhub.errors import Forbidden, ValidationError
from trainhub.models import CheckIn, Registration
from trainhub.security import revalidates_bearer
from trainhub.timeutil import now


def _scanners_only(view):
    """401 without a user; an account that may never check anyone in (an enterprise member) is 403
    `not_allowed` (API.md "Check-in"), the code a staff member scanning for another event gets in a 200."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            abort(401)
        if current_user.role not in ("trainer", "organizer"):
            raise Forbidden(MESSAGES["not_allowed"], code="not_allowed")
        return view(*args, **kwargs)

    return wrapper


@bp.post("/checkins")
@revalidates_bearer  # a trainer's token is re-checked in the scan's read, not loaded by a statement of its own
@_scanners_only
def create_checkin():
    """Check an attendee in (or out) by what their QR code holds."""
    data = json_body()
    token, event_id = data.get("token"), data.get("event_id")
    fields = {}
    if not isinstance(token, str) or not token.strip():
        fields["token"] = [MESSAGES["invalid_token"]]
    if not isinstance(event_id, int) or isinstance(event_id, bool):
        fields["event_id"] = [MESSAGES["wrong_event"]]
    try:
        direction = rules.direction(data.get("direction"))
    except rules.InvalidDirection:
        fields["direction"] = ["in | out"]
    if fields:
        raise ValidationError(fields)
    device = data.get("device") if isinstance(data.get("device"), str) else ""
    result = scan.scan(token, event_id, actor=current_user._get_current_object(),
                       device=device or request.user_agent.string[:200], now=now(), direction=direction,
                       method="scan" if data.get("method") != "api" else "api")
    return jsonify(result_to_dict(result))


@bp.get("/events/<int:event_id>/checkins")
@api_roles("trainer", "organizer")
def event_checkins(event_id: int):
    """The check-in audit log of an event: who scanned what, when, the result and the device (newest first)."""
    event = access.load_event(event_id, current_user, need="view")
    statement = (
        sa.select(CheckIn).where(CheckIn.event_id == event.id)
        .options(selectinload(CheckIn.registration).selectinload(Registration.organization),
                 selectinload(CheckIn.actor))
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
    )
    result = request.args.get("result")
    if result:
        statement = statement.where(CheckIn.result == result)
    return paginate(statement, checkin_to_dict)
