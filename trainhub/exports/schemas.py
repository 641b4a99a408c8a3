"""The attendance exports' query arguments (API.md "Certificates and exports"): declared once, for the API
and the exports page."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from trainhub.exports.services import ExportFilters
from trainhub.schemas import Boolean, Day, Id, Schema, Text, load


class EventAttendanceArgs(Schema):
    """`?full_phone=` of one event's export."""

    full_phone = Boolean(
        load_default=False,
        metadata={"description": "full mobile numbers instead of 138****0000 (organizers only; logged as such)"},
    )


class AttendanceFiltersSchema(EventAttendanceArgs):
    """Across events: local days `from`–`to`, a campaign, an enterprise, a district, pilot units only."""

    date_from = Day(data_key="from", allow_none=True)
    date_to = Day(data_key="to", allow_none=True)
    campaign_id = Id(allow_none=True)
    organization_id = Id(allow_none=True)
    district = Text(max_length=50)
    pilot_only = Boolean(load_default=False)

    @ma.validates_schema
    def _to_after_from(self, data: dict, **kwargs: Any) -> None:
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ma.ValidationError(_l("结束日期不能早于开始日期。"), "to")


def export_filters(values: dict) -> ExportFilters:
    """The service's filters from the loaded arguments."""
    return ExportFilters(
        date_from=values.get("date_from"),
        date_to=values.get("date_to"),
        campaign_id=values.get("campaign_id"),
        organization_id=values.get("organization_id"),
        district=values.get("district") or None,
        pilot_only=values["pilot_only"],
    )


def parse_filters(args: Any) -> tuple[ExportFilters, bool]:
    """The exports page's query (a MultiDict) → (filters, full_phone); 422 with the fields when refused."""
    values = load(AttendanceFiltersSchema(), args)
    return export_filters(values), values["full_phone"]


def parse_full_phone(args: Any) -> bool:
    """`full_phone` of the exports page's query for one event."""
    return load(EventAttendanceArgs(), args)["full_phone"]
