"""Attendance exports: one event (organizers in scope, the event's trainers) or across events (organizers)."""

from __future__ import annotations

from flask_login import current_user

from trainhub.access import load_event
from trainhub.api import bp
from trainhub.api._helpers import api_roles, file_response
from trainhub.exports import services
from trainhub.exports.schemas import AttendanceFiltersSchema, EventAttendanceArgs, export_filters
from trainhub.exports.views import download_response
from trainhub.timeutil import now

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _event_export(event_id: int, fmt: str, args: dict):
    event = load_event(event_id, current_user, need="view")
    return download_response(
        *services.export_attendance(actor=current_user, fmt=fmt, now=now(), event=event, full_phone=args["full_phone"])
    )


def _cross_export(fmt: str, args: dict):
    return download_response(
        *services.export_attendance(
            actor=current_user, fmt=fmt, now=now(), filters=export_filters(args), full_phone=args["full_phone"]
        )
    )


@bp.get("/events/<int:event_id>/attendance.csv")
@api_roles("organizer", "trainer")
@bp.arguments(EventAttendanceArgs, location="query")
@file_response(CSV, description="A header row, then exactly one row per registration (UTF-8 with BOM)")
def event_attendance_csv(args: dict, event_id: int):
    """Attendance of one event as CSV (UTF-8 with BOM; one row per registration)."""
    return _event_export(event_id, "csv", args)


@bp.get("/events/<int:event_id>/attendance.xlsx")
@api_roles("organizer", "trainer")
@bp.arguments(EventAttendanceArgs, location="query")
@file_response(XLSX, description="A row per registration; totals on the second sheet")
def event_attendance_xlsx(args: dict, event_id: int):
    """Attendance of one event as XLSX (totals on the second sheet)."""
    return _event_export(event_id, "xlsx", args)


@bp.get("/attendance.xlsx")
@api_roles("organizer")
@bp.arguments(AttendanceFiltersSchema, location="query")
@file_response(XLSX, description="A row per registration of the organizer's events; totals on the second sheet")
def attendance_xlsx(args: dict):
    """Attendance across events as XLSX (from, to, campaign_id, organization_id, district, pilot_only)."""
    return _cross_export("xlsx", args)


@bp.get("/attendance.csv")
@api_roles("organizer")
@bp.arguments(AttendanceFiltersSchema, location="query")
@file_response(CSV, description="A header row, then exactly one row per registration (UTF-8 with BOM)")
def attendance_csv(args: dict):
    """Attendance across events as CSV (same filters as attendance.xlsx)."""
    return _cross_export("csv", args)
