"""POST /api/v1/checkins (scan) and GET /api/v1/events/{id}/checkins (the audit log)."""

from __future__ import annotations

import functools

from flask import abort, jsonify, request
from flask_login import current_user

from trainhub import access
from trainhub.api import bp
from trainhub.api._helpers import api_roles, errors
from trainhub.checkin import queries, scan
from trainhub.checkin.results import MESSAGES
from trainhub.checkin.schemas import CheckinLogArgs, CheckinRecordSchema, ScanResultSchema, ScanSchema, load_scan
from trainhub.checkin.serializers import result_to_dict
from trainhub.errors import Forbidden
from trainhub.inputs import read_json_object
from trainhub.pagination import paginate
from trainhub.schemas import page_of
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

    return errors(401, 403)(wrapper)


@bp.post("/checkins")
@revalidates_bearer  # a trainer's token is re-checked in the scan's read, not loaded by a statement of its own
@_scanners_only
@bp.doc(requestBody={"required": True, "content": {"application/json": {"schema": ScanSchema}}})
@bp.response(200, ScanResultSchema)
def create_checkin():
    """Check an attendee in (or out) by what their QR code holds.

    Every result is a 200 with its code, a refusal too; only auth failures are 401/403. The hot path:
    the body is loaded by `load_scan` (ScanSchema's values without its cost) and the answer built by
    hand as ScanResultSchema declares it (trainhub/checkin/schemas.py)."""
    body = load_scan(read_json_object())
    result = scan.scan(
        body["token"],
        body["event_id"],
        actor=current_user._get_current_object(),
        device=body["device"] or request.user_agent.string[:200],
        now=now(),
        direction=body["direction"],
        method=body["method"],
    )
    return jsonify(result_to_dict(result))


@bp.get("/events/<int:event_id>/checkins")
@api_roles("trainer", "organizer")
@bp.arguments(CheckinLogArgs, location="query")
@bp.response(200, page_of(CheckinRecordSchema))
def event_checkins(args: dict, event_id: int):
    """The check-in audit log of an event: who scanned what, when, the result and the device (newest first)."""
    event = access.load_event(event_id, current_user, need="view")
    return paginate(queries.audit_log_query(event, result=args.get("result") or None), args["page"], args["per_page"])
