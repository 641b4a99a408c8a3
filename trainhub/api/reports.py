"""/api/v1/campaigns/{id}/reports: the reporting units' campaign reports (活动总结)."""
from __future__ import annotations

from flask import request, send_file, url_for
from flask_login import current_user

from trainhub import access
from trainhub.api import bp
from trainhub.api._helpers import api_roles, created, json_body
from trainhub.reports import exports, services
from trainhub.reports.files import stored_path
from trainhub.timeutil import iso, now


def _unit(unit) -> dict:
    return {"id": unit.id, "name": unit.name}


def attachment_json(campaign_id: int, unit_id: int, attachment) -> dict:
    return {
        "id": attachment.id, "filename": attachment.filename, "size": attachment.size,
        "content_type": attachment.content_type, "created_at": iso(attachment.created_at),
        "url": url_for("api.report_attachment_file", campaign_id=campaign_id, unit_id=unit_id,
                       attachment_id=attachment.id),
    }


def report_item_json(view) -> dict:
    return {"unit": _unit(view.unit), "status": view.status, "overdue": view.overdue, "late": view.late,
            "submitted_at": iso(view.submitted_at), "updated_at": iso(view.updated_at)}


def report_json(view) -> dict:
    return {
        **report_item_json(view),
        "campaign_id": view.campaign.id,
        "summary": view.summary, "outcomes": view.outcomes, "figures": view.figures, "comment": view.comment,
        "attachments": [attachment_json(view.campaign.id, view.unit.id, a) for a in view.attachments],
    }


@bp.get("/campaigns/<int:campaign_id>/reports")
@api_roles("organizer")
def campaign_reports(campaign_id: int):
    """The report tracker: one item per reporting unit (commission: all; a unit: its own)."""
    campaign = access.load_campaign(campaign_id, current_user)
    views = services.reports_for(campaign, actor=current_user, now=now())
    return {"items": [report_item_json(v) for v in views], "page": 1, "pages": 1, "total": len(views)}


@bp.get("/campaigns/<int:campaign_id>/reports/<int:unit_id>")
@api_roles("organizer")
def campaign_report(campaign_id: int, unit_id: int):
    """One unit's report with its figures (live until submitted, then frozen)."""
    campaign, unit = access.load_report_scope(campaign_id, unit_id, current_user)
    return report_json(services.report_for(campaign, unit, now=now()))


@bp.put("/campaigns/<int:campaign_id>/reports/<int:unit_id>")
@api_roles("organizer")
def campaign_report_save(campaign_id: int, unit_id: int):
    """Save the report as a draft {summary, outcomes} (the unit's organizers)."""
    campaign, unit = access.load_report_scope(campaign_id, unit_id, current_user)
    return report_json(services.save_draft(campaign, unit, json_body(), actor=current_user, now=now()))


@bp.post("/campaigns/<int:campaign_id>/reports/<int:unit_id>/submit")
@api_roles("organizer")
def campaign_report_submit(campaign_id: int, unit_id: int):
    """Submit the report: locked, figures frozen, late if past the due time."""
    campaign, unit = access.load_report_scope(campaign_id, unit_id, current_user)
    return report_json(services.submit(campaign, unit, json_body(), actor=current_user, now=now()))


@bp.post("/campaigns/<int:campaign_id>/reports/<int:unit_id>/return")
@api_roles("organizer")
def campaign_report_return(campaign_id: int, unit_id: int):
    """Return a submitted report with a comment (commission); the unit is emailed."""
    campaign, unit = access.load_report_scope(campaign_id, unit_id, current_user)
    comment = json_body().get("comment")
    return report_json(services.return_report(campaign, unit, comment, actor=current_user, now=now()))


@bp.post("/campaigns/<int:campaign_id>/reports/<int:unit_id>/accept")
@api_roles("organizer")
def campaign_report_accept(campaign_id: int, unit_id: int):
    """Accept a submitted report (commission)."""
    campaign, unit = access.load_report_scope(campaign_id, unit_id, current_user)
    return report_json(services.accept(campaign, unit, actor=current_user, now=now()))


@bp.post("/campaigns/<int:campaign_id>/reports/<int:unit_id>/attachments")
@api_roles("organizer")
def campaign_report_attach(campaign_id: int, unit_id: int):
    """Attach a file to the report (multipart `file`: pdf, jpg, png, docx, xlsx, zip)."""
    campaign, unit = access.load_report_scope(campaign_id, unit_id, current_user)
    attachment = services.add_attachment(campaign, unit, request.files.get("file"), actor=current_user, now=now())
    return created(attachment_json(campaign.id, unit.id, attachment))


@bp.get("/campaigns/<int:campaign_id>/reports/<int:unit_id>/attachments/<int:attachment_id>")
@api_roles("organizer")
def report_attachment_file(campaign_id: int, unit_id: int, attachment_id: int):
    """Download one attachment of a report."""
    campaign, unit = access.load_report_scope(campaign_id, unit_id, current_user)
    attachment = services.find_attachment(campaign, unit, attachment_id)
    return send_file(stored_path(attachment.stored_name), mimetype=attachment.content_type,
                     as_attachment=True, download_name=attachment.filename)


@bp.delete("/campaigns/<int:campaign_id>/reports/<int:unit_id>/attachments/<int:attachment_id>")
@api_roles("organizer")
def report_attachment_delete(campaign_id: int, unit_id: int, attachment_id: int):
    """Remove an attachment from a report that is still editable."""
    campaign, unit = access.load_report_scope(campaign_id, unit_id, current_user)
    services.delete_attachment(campaign, unit, attachment_id, actor=current_user, now=now())
    return report_json(services.report_for(campaign, unit, now=now()))


@bp.get("/campaigns/<int:campaign_id>/reports.xlsx")
@api_roles("organizer")
def campaign_reports_xlsx(campaign_id: int):
    """All reports of a campaign as one XLSX (commission)."""
    campaign = access.load_campaign(campaign_id, current_user)
    return exports.xlsx_response(campaign, actor=current_user, now=now())


@bp.get("/campaigns/<int:campaign_id>/reports.zip")
@api_roles("organizer")
def campaign_reports_zip(campaign_id: int):
    """Submitted and accepted reports as PDFs with their attachments, in one ZIP (commission)."""
    campaign = access.load_campaign(campaign_id, current_user)
    return exports.zip_response(campaign, actor=current_user, now=now())
