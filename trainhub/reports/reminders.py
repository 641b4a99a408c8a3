"""Report reminders: units with unsubmitted reports are emailed 3 days and 1 day before the due time,
never twice (the outbox's unique dedupe_key). Registered with `send-reminders` in reports/__init__."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from trainhub.db import begin_write, use_case, violated_constraint
from trainhub.extensions import db
from trainhub.models import Campaign, CampaignReport
from trainhub.reports.services import UNSUBMITTED, email_unit_organizers
from trainhub.timeutil import to_local


@use_case
def send_report_reminders(now: datetime) -> int:
    """Email the organizers of units whose reports are not submitted, 3 days and 1 day before the due
    time. Each (campaign, unit, organizer, stage) is sent at most once (outbox dedupe_key). Returns the count."""
    horizon = now + timedelta(days=3)
    begin_write()
    campaigns = list(
        db.session.scalars(
            sa.select(Campaign).where(
                Campaign.report_due_at.is_not(None), Campaign.report_due_at > now, Campaign.report_due_at <= horizon
            )
        )
    )
    sent = 0
    for campaign in campaigns:
        assert campaign.report_due_at is not None  # the query keeps campaigns with a due date
        remaining = campaign.report_due_at - now
        stage = "1d" if remaining <= timedelta(days=1) else "3d"
        statuses = {
            r.unit_id: r.status
            for r in db.session.scalars(sa.select(CampaignReport).where(CampaignReport.campaign_id == campaign.id))
        }
        for unit in campaign.reporting_units:
            if statuses.get(unit.id, "not_started") not in UNSUBMITTED:
                continue
            due = to_local(campaign.report_due_at).strftime("%Y-%m-%d %H:%M")
            # Both are called at once, per organizer (in their language): the loop's values are bound here.
            sent += email_unit_organizers(
                unit,
                "report_reminder",
                lambda title=campaign.title, due=due: (
                    _("活动总结提交提醒：%(title)s", title=title),
                    [
                        _(
                            "“%(title)s”的活动总结将于 %(due)s 截止，您单位尚未提交，请及时填写并提交。",
                            title=title,
                            due=due,
                        )
                    ],
                ),
                dedupe_key=lambda organizer, campaign_id=campaign.id, unit_id=unit.id, stage=stage: (
                    f"report-reminder:{campaign_id}:{unit_id}:{organizer.id}:{stage}"
                ),
            )
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        if violated_constraint(error) != "uq_outbox_messages_dedupe_key":
            raise
        return 0  # a concurrent run queued the same keys first: they are sent by it
    return sent
