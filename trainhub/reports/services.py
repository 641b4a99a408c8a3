"""Campaign reports (活动总结): a reporting unit writes, saves drafts, submits; the commission
returns (with a comment) or accepts. Figures come from the platform and freeze at submission.

Status: no row = not_started; draft → submitted → (returned → submitted)* → accepted.
`late` is fixed at each submission (after the due time); `overdue` = not submitted and past due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainhub.access import is_commission
from trainhub.db import begin_write, use_case
from trainhub.errors import DomainError, Forbidden, NotFound, ValidationError
from trainhub.extensions import db
from trainhub.models import (
    Campaign,
    CampaignReport,
    OutboxMessage,
    ReportAttachment,
    Unit,
    User,
)
from trainhub.notifications import notify
from trainhub.reports.figures import FIGURE_KEYS, live_figures, live_figures_for_units
from trainhub.reports.rules import awaits_review

STATUSES = ("not_started", "draft", "submitted", "returned", "accepted")
EDITABLE = ("not_started", "draft", "returned")
UNSUBMITTED = EDITABLE
ATTACHMENT_TYPES = {"pdf", "jpg", "png", "docx", "xlsx", "zip"}

STATUS_LABELS = {
    "not_started": _l("未开始"),
    "draft": _l("草稿"),
    "submitted": _l("已提交"),
    "returned": _l("已退回"),
    "accepted": _l("已通过"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@dataclass
class ReportView:
    """What a page or the API shows of one unit's report (the row may not exist yet)."""

    campaign: Campaign
    unit: Unit
    report: CampaignReport | None
    status: str
    overdue: bool
    late: bool
    figures: dict
    attachments: list = field(default_factory=list)

    @property
    def summary(self) -> str:
        return self.report.summary if self.report else ""

    @property
    def outcomes(self) -> str:
        return self.report.outcomes if self.report else ""

    @property
    def comment(self) -> str:
        return self.report.comment if self.report else ""

    @property
    def submitted_at(self):
        return self.report.submitted_at if self.report else None

    @property
    def updated_at(self):
        return self.report.updated_at if self.report else None

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def status_label(self) -> str:
        return status_label(self.status)


# -- scope ---------------------------------------------------------------------------------------------


def require_organizer(actor: User | None) -> None:
    if actor is None or not actor.is_authenticated:
        raise DomainError("unauthorized", _l("请先登录或提供有效的令牌。"), 401)
    if not actor.is_organizer:
        raise Forbidden()


def _require_author(unit: Unit, actor: User) -> None:
    if actor.unit_id != unit.id:
        raise Forbidden(_l("只有该单位的组织者可以填写本单位的活动总结。"), code="not_report_author")


def _require_reviewer(actor: User) -> None:
    if not is_commission(actor):
        raise Forbidden(_l("只有市场监管委可以审核活动总结。"), code="commission_only")


# -- view models ---------------------------------------------------------------------------------------


def _status_of(report: CampaignReport | None) -> str:
    return report.status if report is not None else "not_started"


def _is_overdue(campaign: Campaign, status: str, now: datetime) -> bool:
    return bool(status in UNSUBMITTED and campaign.report_due_at is not None and now > campaign.report_due_at)


def _find_report(campaign_id: int, unit_id: int, *, lock: bool = False) -> CampaignReport | None:
    query = sa.select(CampaignReport).where(
        CampaignReport.campaign_id == campaign_id, CampaignReport.unit_id == unit_id
    )
    if lock:
        query = query.with_for_update()
    return db.session.scalar(query)


def _view(
    campaign: Campaign, unit: Unit, report: CampaignReport | None, now: datetime, figures: dict | None = None
) -> ReportView:
    status = _status_of(report)
    if report is not None and report.frozen_figures is not None and status in ("submitted", "accepted"):
        figures = {key: int(report.frozen_figures.get(key, 0)) for key in FIGURE_KEYS}
    elif figures is None:
        figures = live_figures(campaign.id, unit.id)
    return ReportView(
        campaign=campaign,
        unit=unit,
        report=report,
        status=status,
        overdue=_is_overdue(campaign, status, now),
        late=bool(report.late) if report is not None and status in ("submitted", "accepted") else False,
        figures=figures,
        attachments=list(report.attachments) if report is not None else [],
    )


def report_for(campaign: Campaign, unit: Unit, *, now: datetime) -> ReportView:
    """One unit's report as shown: status, overdue, late, figures (live, or frozen once submitted)."""
    return _view(campaign, unit, _find_report(campaign.id, unit.id), now)


def reports_for(campaign: Campaign, *, actor: User, now: datetime) -> list[ReportView]:
    """The tracker: one entry per reporting unit (the commission: all; a unit: its own)."""
    require_organizer(actor)
    units = list(campaign.reporting_units)
    if not is_commission(actor):
        units = [unit for unit in units if unit.id == actor.unit_id]
    return _views_for_units(campaign, units, now)


def unit_summary_rows(campaign: Campaign, *, now: datetime) -> list[dict]:
    """Every reporting unit's report status and figures, for the campaign's own summary (dashboard)."""
    return [
        {
            "unit": {"id": v.unit.id, "name": v.unit.name},
            "status": v.status,
            "status_label": v.status_label,
            "late": v.late,
            "overdue": v.overdue,
            "submitted_at": v.submitted_at,
            "figures": v.figures,
        }
        for v in _views_for_units(campaign, list(campaign.reporting_units), now)
    ]


def _views_for_units(campaign: Campaign, units: list[Unit], now: datetime) -> list[ReportView]:
    rows = {
        r.unit_id: r
        for r in db.session.scalars(
            sa.select(CampaignReport)
            .where(CampaignReport.campaign_id == campaign.id)
            .options(sa.orm.selectinload(CampaignReport.attachments))
        )
    }
    live = live_figures_for_units(campaign.id, [u.id for u in units])
    return [_view(campaign, unit, rows.get(unit.id), now, figures=live[unit.id]) for unit in units]


def unit_events(campaign: Campaign, unit: Unit) -> list:
    """The unit's hosted events of the campaign (published or not), for the report page."""
    from trainhub.models import Event

    return list(
        db.session.scalars(
            sa.select(Event)
            .where(Event.campaign_id == campaign.id, Event.host_unit_id == unit.id)
            .order_by(Event.starts_at, Event.id)
        )
    )


# -- use cases -----------------------------------------------------------------------------------------


def _lock_campaign(campaign: Campaign) -> None:
    """Report writes of a campaign queue on its row: two first saves never race to insert the same report."""
    db.session.execute(sa.select(Campaign.id).where(Campaign.id == campaign.id).with_for_update())


def _editable_report(campaign: Campaign, unit: Unit, now: datetime) -> CampaignReport:
    """The unit's report row, locked, created as a draft if missing; 409 once submitted or accepted."""
    _lock_campaign(campaign)
    report = _find_report(campaign.id, unit.id, lock=True)
    if report is None:
        report = CampaignReport(campaign_id=campaign.id, unit_id=unit.id, status="draft", updated_at=now)
        db.session.add(report)
        db.session.flush()
    elif report.status not in ("draft", "returned"):
        raise DomainError("report_locked", _l("活动总结已提交，不能再修改。"), 409)
    return report


@use_case
def save_draft(campaign: Campaign, unit: Unit, values: dict, *, actor: User, now: datetime) -> ReportView:
    """Save {summary, outcomes} as ReportSchema loads them (either may be empty, or left out). A returned
    report stays `returned` until resubmitted."""
    _require_author(unit, actor)
    begin_write()
    report = _editable_report(campaign, unit, now)
    for key, value in values.items():
        setattr(report, key, value)
    report.updated_at = now
    db.session.commit()
    return report_for(campaign, unit, now=now)


@use_case
def submit(campaign: Campaign, unit: Unit, values: dict | None = None, *, actor: User, now: datetime) -> ReportView:
    """Submit (optionally saving {summary, outcomes} first, as ReportSchema loads them): a blank summary
    is 422; figures freeze; `late` is fixed now (after the due time)."""
    _require_author(unit, actor)
    values = values or {}
    begin_write()
    report = _editable_report(campaign, unit, now)
    for key, value in values.items():
        setattr(report, key, value)
    if not (report.summary or "").strip():
        raise ValidationError({"summary": [_l("提交前请填写活动基本情况。")]}, code="summary_required")
    report.frozen_figures = live_figures(campaign.id, unit.id)
    report.status = "submitted"
    report.submitted_at = now
    report.late = bool(campaign.report_due_at is not None and now > campaign.report_due_at)
    report.updated_at = now
    db.session.commit()
    return report_for(campaign, unit, now=now)


def _submitted_report(campaign: Campaign, unit: Unit) -> CampaignReport:
    _lock_campaign(campaign)
    report = _find_report(campaign.id, unit.id, lock=True)
    if report is None or not awaits_review(report):
        raise DomainError("report_not_submitted", _l("只能审核已提交的活动总结。"), 409)
    return report


@use_case
def return_report(campaign: Campaign, unit: Unit, comment: str = "", *, actor: User, now: datetime) -> ReportView:
    """The commission returns a submitted report with a comment (as ReportReturnSchema loads it): editable
    again, figures live, the unit emailed."""
    _require_reviewer(actor)
    begin_write()
    report = _submitted_report(campaign, unit)
    report.status = "returned"
    report.comment = comment
    report.frozen_figures = None
    report.updated_at = now
    email_unit_organizers(
        unit,
        "report_returned",
        lambda: (
            _("活动总结被退回：%(title)s", title=campaign.title),
            [
                _("您单位提交的“%(title)s”活动总结已被退回，请修改后重新提交。", title=campaign.title),
                _("退回意见：%(comment)s", comment=comment or "-"),
            ],
        ),
    )
    db.session.commit()
    return report_for(campaign, unit, now=now)


@use_case
def accept(campaign: Campaign, unit: Unit, *, actor: User, now: datetime) -> ReportView:
    _require_reviewer(actor)
    begin_write()
    report = _submitted_report(campaign, unit)
    report.status = "accepted"
    report.updated_at = now
    db.session.commit()
    return report_for(campaign, unit, now=now)


@use_case
def add_attachment(campaign: Campaign, unit: Unit, file_storage, *, actor: User, now: datetime) -> ReportAttachment:
    """A photo, the scanned paper copy… (pdf, jpg, png, docx, xlsx, zip; size-checked: 413 / type: 422)."""
    from flask import current_app

    from trainhub.reports.files import store

    _require_author(unit, actor)
    stored = store(
        file_storage, allowed=ATTACHMENT_TYPES, max_bytes=int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024
    )
    from trainhub.uploads import delete_upload

    try:
        begin_write()
        report = _editable_report(campaign, unit, now)
        attachment = ReportAttachment(report_id=report.id, created_at=now, **stored)
        report.updated_at = now
        db.session.add(attachment)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        delete_upload(stored["stored_name"])  # refused (locked report): no orphan file stays
        raise
    return attachment


@use_case
def delete_attachment(campaign: Campaign, unit: Unit, attachment_id: int, *, actor: User, now: datetime) -> None:
    _require_author(unit, actor)
    begin_write()
    report = _editable_report(campaign, unit, now)
    attachment = db.session.get(ReportAttachment, attachment_id)
    if attachment is None or attachment.report_id != report.id:
        raise NotFound()
    stored_name = attachment.stored_name
    db.session.delete(attachment)
    report.updated_at = now
    db.session.commit()
    from trainhub.uploads import delete_upload

    delete_upload(stored_name)  # after the commit: a failed transaction keeps its file


def find_attachment(campaign: Campaign, unit: Unit, attachment_id: int) -> ReportAttachment:
    attachment = db.session.get(ReportAttachment, attachment_id)
    if attachment is None or attachment.report.campaign_id != campaign.id or attachment.report.unit_id != unit.id:
        raise NotFound()
    return attachment


def unit_organizers(unit: Unit) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.unit_id == unit.id, User.role == "organizer", User.is_active_flag.is_(True))
            .order_by(User.id)
        )
    )


def email_unit_organizers(unit: Unit, kind: str, compose, *, dedupe_key=None) -> int:
    """Email each active organizer of the unit in their own language: `compose()` → (subject, paragraphs),
    under the unit's salutation. With `dedupe_key(organizer)`, an organizer already sent that key is
    skipped. Returns how many were queued."""
    sent = 0
    for organizer in unit_organizers(unit):
        key = dedupe_key(organizer) if dedupe_key is not None else None
        if key is not None and db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
            continue
        locale = organizer.locale or "zh_CN"
        with force_locale(locale):
            subject, paragraphs = compose()
            body = "\n".join([_("%(name)s：", name=unit.name), "", *paragraphs, ""])
        notify.send_plain(kind, organizer.email, subject, body, locale=locale, dedupe_key=key)
        sent += 1
    return sent
