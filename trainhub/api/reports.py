"""/api/v1/campaigns/{id}/reports: the reporting units' campaign reports (活动总结)."""

from __future__ import annotations

from flask import send_file
from flask_login import current_user

from trainhub import access
from trainhub.api import bp
from trainhub.api._helpers import api_roles, errors, file_response, no_body
from trainhub.pagination import Page
from trainhub.reports import exports, services
from trainhub.reports.files import stored_path
from trainhub.reports.schemas import (
    ReportAttachmentSchema,
    ReportFileSchema,
    ReportItemSchema,
    ReportReturnSchema,
    ReportSchema,
)
from trainhub.schemas import page_of
from trainhub.timeutil import now
from trainhub.uploads import CONTENT_TYPES

XLSX = CONTENT_TYPES["xlsx"]


@bp.get("/campaigns/<int:campaign_id>/reports")
@api_roles("organizer")
@bp.response(200, page_of(ReportItemSchema))
def campaign_reports(campaign_id: int):
    """The report tracker: one item per reporting unit (commission: all; a unit: its own)."""
    campaign = access.load_campaign(campaign_id, current_user)
    views = services.reports_for(campaign, actor=current_user, now=now())
    return Page(views, 1, max(1, len(views)), len(views))


@bp.get("/campaigns/<int:campaign_id>/reports/<int:unit_id>")
@api_roles("organizer")
@bp.response(200, ReportSchema)
def campaign_report(campaign_id: int, unit_id: int):
    """One unit's report with its figures (live until submitted, then frozen)."""
    campaign, unit = access.load_report_scope(campaign_id, unit_id, current_user)
    return services.report_for(campaign, unit, now=now())


@bp.put("/campaigns/<int:campaign_id>/reports/<int:unit_id>")
@api_roles("organizer")
@errors(409)
@bp.arguments(ReportSchema)
@bp.response(200, ReportSchema)
def campaign_report_save(values: dict, campaign_id: int, unit_id: int):
    """Save the report as a draft {summary, outcomes} (the unit's organizers)."""
    campaign, unit = access.load_report_scope(campaign_id, unit_id, current_user)
    return services.save_draft(campaign, unit, values, actor=current_user, now=now())


@bp.post("/campaigns/<int:campaign_id>/reports/<int:unit_id>/submit")
@api_roles("organizer")
@errors(409)
@bp.arguments(ReportSchema, required=False)
@bp.response(200, ReportSchema)
def campaign_report_submit(values: dict, campaign_id: int, unit_id: int):
    """Submit the report (optionally saving {summary, outcomes} first): locked, figures frozen, late if
    past the due time; a blank summary is 422."""
    campaign, unit = access.load_report_scope(campaign_id, unit_id, current_user)
    return services.submit(campaign, unit, values, actor=current_user, now=now())


@bp.post("/campaigns/<int:campaign_id>/reports/<int:unit_id>/return")
@api_roles("organizer")
@errors(409)
@bp.arguments(ReportReturnSchema, required=False)
@bp.response(200, ReportSchema)
def campaign_report_return(values: dict, campaign_id: int, unit_id: int):
    """Return a submitted report with a comment (commission); the unit is emailed."""
    campaign, unit = access.load_report_scope(campaign_id, unit_id, current_user)
    return services.return_report(campaign, unit, values.get("comment", ""), actor=current_user, now=now())


@bp.post("/campaigns/<int:campaign_id>/reports/<int:unit_id>/accept")
@api_roles("organizer")
@errors(409)
@no_body
@bp.response(200, ReportSchema)
def campaign_report_accept(campaign_id: int, unit_id: int):
    """Accept a submitted report (commission)."""
    campaign, unit = access.load_report_scope(campaign_id, unit_id, current_user)
    return services.accept(campaign, unit, actor=current_user, now=now())


@bp.post("/campaigns/<int:campaign_id>/reports/<int:unit_id>/attachments")
@api_roles("organizer")
@errors(409, 413)
@bp.arguments(ReportFileSchema, location="files")
@bp.response(201, ReportAttachmentSchema)
def campaign_report_attach(values: dict, campaign_id: int, unit_id: int):
    """Attach a file to the report (multipart `file`: pdf, jpg, png, docx, xlsx, zip)."""
    campaign, unit = access.load_report_scope(campaign_id, unit_id, current_user)
    return services.add_attachment(campaign, unit, values["file"], actor=current_user, now=now())


@bp.get("/campaigns/<int:campaign_id>/reports/<int:unit_id>/attachments/<int:attachment_id>")
@api_roles("organizer")
@file_response(*CONTENT_TYPES.values(), description="The attached file")
def report_attachment_file(campaign_id: int, unit_id: int, attachment_id: int):
    """Download one attachment of a report."""
    campaign, unit = access.load_report_scope(campaign_id, unit_id, current_user)
    attachment = services.find_attachment(campaign, unit, attachment_id)
    return send_file(
        stored_path(attachment.stored_name),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
    )


@bp.delete("/campaigns/<int:campaign_id>/reports/<int:unit_id>/attachments/<int:attachment_id>")
@api_roles("organizer")
@errors(409)
@bp.response(200, ReportSchema)
def report_attachment_delete(campaign_id: int, unit_id: int, attachment_id: int):
    """Remove an attachment from a report that is still editable."""
    campaign, unit = access.load_report_scope(campaign_id, unit_id, current_user)
    services.delete_attachment(campaign, unit, attachment_id, actor=current_user, now=now())
    return services.report_for(campaign, unit, now=now())


@bp.get("/campaigns/<int:campaign_id>/reports.xlsx")
@api_roles("organizer")
@file_response(XLSX, description="A row per reporting unit: status, times and figures")
def campaign_reports_xlsx(campaign_id: int):
    """All reports of a campaign as one XLSX (commission)."""
    campaign = access.load_campaign(campaign_id, current_user)
    return exports.xlsx_response(campaign, actor=current_user, now=now())


@bp.get("/campaigns/<int:campaign_id>/reports.zip")
@api_roles("organizer")
@file_response("application/zip", description="Each submitted or accepted report as a PDF, with its attachments")
def campaign_reports_zip(campaign_id: int):
    """Submitted and accepted reports as PDFs with their attachments, in one ZIP (commission)."""
    campaign = access.load_campaign(campaign_id, current_user)
    return exports.zip_response(campaign, actor=current_user, now=now())
