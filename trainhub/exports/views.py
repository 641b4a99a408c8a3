"""The exports page and its download (the same service as the API)."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_login import current_user

from trainhub.access import load_event
from trainhub.errors import streamed
from trainhub.exports import bp, services
from trainhub.exports.schemas import parse_filters, parse_full_phone
from trainhub.security import roles_required
from trainhub.timeutil import now


def download_response(chunks, mimetype: str, filename: str) -> Response:
    # content_type, not mimetype: the service's type already names its charset (Flask would add a second)
    return streamed(
        chunks,
        content_type=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.get("/manage/exports")
@roles_required("organizer", "trainer")
def index():
    return render_template(
        "exports/index.html",
        events=services.events_for(current_user),
        campaigns=services.campaigns_for_filter(),
        districts=services.districts(),
    )


@bp.get("/manage/exports/attendance")
@roles_required("organizer", "trainer")
def download():
    fmt = request.args.get("format", "xlsx")
    event_id = request.args.get("event_id", type=int)
    if event_id:
        event = load_event(event_id, current_user, need="view")
        result = services.export_attendance(
            actor=current_user, fmt=fmt, now=now(), event=event, full_phone=parse_full_phone(request.args)
        )
    else:
        if not current_user.is_organizer:
            from flask import abort

            abort(403)
        filters, full_phone = parse_filters(request.args)
        result = services.export_attendance(
            actor=current_user, fmt=fmt, now=now(), filters=filters, full_phone=full_phone
        )
    return download_response(*result)
