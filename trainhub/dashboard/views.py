"""Dashboard (/manage/dashboard) and the campaign summary page, XLSX and PDF."""

from __future__ import annotations

from datetime import date

from flask import Response, render_template, request
from flask_login import current_user

from trainhub.access import is_commission, load_campaign, organizer_event_clause
from trainhub.campaigns import queries as campaign_queries
from trainhub.dashboard import bp, figures, queries, summary_files
from trainhub.dashboard.labels import KIND_LABELS, MODE_LABELS
from trainhub.models import Campaign
from trainhub.security import roles_required
from trainhub.timeutil import now, parse_date


def _day(name: str) -> date | None:
    raw = (request.args.get(name) or "").strip()
    try:
        return parse_date(raw) if raw else None
    except ValueError:
        return None


@bp.get("/manage/dashboard")
@roles_required("organizer")
def index():
    clause = organizer_event_clause(current_user)
    scope = figures.Scope(
        clause=clause,
        event_id=request.args.get("event_id", type=int),
        campaign_id=request.args.get("campaign_id", type=int),
        date_from=_day("from"),
        date_to=_day("to"),
    )
    data = figures.dashboard(scope, now=now())
    return render_template(
        "dashboard/index.html",
        data=data,
        scope=scope,
        events=queries.filter_events(current_user),
        campaigns=campaign_queries.all_campaigns(),
        kind_labels=KIND_LABELS,
        mode_labels=MODE_LABELS,
    )


def _summary_for(campaign_id: int) -> tuple[Campaign, dict]:
    campaign = load_campaign(campaign_id, current_user)
    unit = None if is_commission(current_user) else current_user.unit
    return campaign, figures.campaign_summary(campaign, unit=unit, now=now())


@bp.get("/manage/campaigns/<int:campaign_id>/summary")
@roles_required("organizer")
def campaign_summary(campaign_id: int):
    campaign, summary = _summary_for(campaign_id)
    return render_template(
        "dashboard/summary.html",
        campaign=campaign,
        summary=summary,
        kind_labels=KIND_LABELS,
        mode_labels=MODE_LABELS,
        generated_at=now(),
    )


def _file(body_or_chunks, mimetype: str, filename: str) -> Response:
    return Response(
        body_or_chunks,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
    )


@bp.get("/manage/campaigns/<int:campaign_id>/summary.xlsx")
@roles_required("organizer")
def campaign_summary_xlsx(campaign_id: int):
    campaign, summary = _summary_for(campaign_id)
    summary_files.log(current_user, campaign, "xlsx", now=now())
    return _file(summary_files.summary_xlsx(summary), summary_files.XLSX_MIME, f"campaign-{campaign.id}-summary.xlsx")


@bp.get("/manage/campaigns/<int:campaign_id>/summary.pdf")
@roles_required("organizer")
def campaign_summary_pdf(campaign_id: int):
    campaign, summary = _summary_for(campaign_id)
    summary_files.log(current_user, campaign, "pdf", now=now())
    return _file(
        summary_files.summary_pdf(summary, generated_at=now()), "application/pdf", f"campaign-{campaign.id}-summary.pdf"
    )
