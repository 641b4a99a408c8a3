"""Attendance exports: one event (organizers in scope, the event's trainers) or across events (organizers)."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from trainhub.access import load_event
from trainhub.api import bp
from trainhub.api._helpers import api_roles
from trainhub.exports import services
from trainhub.exports.views import download_response, flag
from trainhub.timeutil import now


def _event_export(event_id: int, fmt: str):
    event = load_event(event_id, current_user, need="view")
    return download_response(*services.export_attendance(actor=current_user, fmt=fmt, now=now(), event=event,
                                                         full_phone=flag("full_phone")))


def _cross_export(fmt: str):
    filters = services.parse_filters(request.args)
    return download_response(*services.export_attendance(actor=current_user, fmt=fmt, now=now(), filters=filters,
                                                         full_phone=flag("full_phone")))


@bp.get("/events/<int:event_id>/attendance.csv")
@api_roles("organizer", "trainer")
def event_attendance_csv(event_id: int):
    """Attendance of one event as CSV (UTF-8 with BOM; one row per registration)."""
    return _event_export(event_id, "csv")


@bp.get("/events/<int:event_id>/attendance.xlsx")
@api_roles("organizer", "trainer")
def event_attendance_xlsx(event_id: int):
    """Attendance of one event as XLSX (totals on the second sheet)."""
    return _event_export(event_id, "xlsx")


@bp.get("/attendance.xlsx")
@api_roles("organizer")
def attendance_xlsx():
    """Attendance across events as XLSX (from, to, campaign_id, organization_id, district, pilot_only)."""
    return _cross_export("xlsx")


@bp.get("/attendance.csv")
@api_roles("organizer")
def attendance_csv():
    """Attendance across events as CSV (same filters as attendance.xlsx)."""
    return _cross_export("csv")
