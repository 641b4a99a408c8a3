"""Campaign use cases (专题活动): a theme with dates, a notice, attachments, grouping events.

Only organizers of the commission create and edit campaigns and upload their attachments. The
fields come as CampaignSchema loads them (campaigns/schemas.py); here: the reporting units exist,
the dates in order on the campaign as it will be after a change.
Reports (活动总结) and news (日常动态) live in the reports feature.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from trainhub.access import is_commission
from trainhub.campaigns.schemas import dates_problems
from trainhub.db import begin_write, use_case
from trainhub.errors import Forbidden, ValidationError
from trainhub.extensions import db
from trainhub.models import Campaign, CampaignAttachment, Unit, User
from trainhub.uploads import DOCUMENT_TYPES, delete_upload, store_upload


def _require_commission(actor: User | None) -> None:
    if not is_commission(actor):
        raise Forbidden(_l("只有市市场监管委的组织者可以管理专题活动。"))


def _reporting_units(ids: list[int]) -> list[Unit]:
    """The units asked for a report; every id must name one (422 otherwise)."""
    units = list(db.session.scalars(sa.select(Unit).where(Unit.id.in_(ids)).order_by(Unit.id))) if ids else []
    if len(units) != len(ids):
        raise ValidationError({"reporting_unit_ids": [_l("有单位不存在。")]})
    return units


@use_case
def create_campaign(values: dict, *, actor: User, now: datetime) -> Campaign:
    """The commission creates a campaign (draft by default); `values` as CampaignSchema loads them."""
    _require_commission(actor)
    begin_write()
    units = _reporting_units(values.get("reporting_unit_ids", []))
    campaign = Campaign(
        **{name: value for name, value in values.items() if name != "reporting_unit_ids"}, created_at=now
    )
    campaign.reporting_units = units
    db.session.add(campaign)
    db.session.commit()
    return campaign


@use_case
def update_campaign(campaign: Campaign, values: dict, *, actor: User, now: datetime) -> Campaign:
    """The commission edits a campaign (only the given fields, as CampaignSchema(partial=True) loads
    them; report_due_at may move into the past)."""
    _require_commission(actor)
    begin_write()
    campaign = db.session.scalars(
        sa.select(Campaign)
        .where(Campaign.id == campaign.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    problems = dates_problems(values.get("starts_on", campaign.starts_on), values.get("ends_on", campaign.ends_on))
    if problems:
        raise ValidationError(problems)
    if "reporting_unit_ids" in values:
        campaign.reporting_units = _reporting_units(values["reporting_unit_ids"])
    for name, value in values.items():
        if name != "reporting_unit_ids":
            setattr(campaign, name, value)
    db.session.commit()
    return campaign


@use_case
def add_attachment(campaign: Campaign, file_storage, *, actor: User, now: datetime) -> CampaignAttachment:
    """Attach a poster, PDF, document… (pdf, jpg, png, docx, xlsx, zip; at most MAX_UPLOAD_MB)."""
    _require_commission(actor)
    stored = store_upload(file_storage, allowed=DOCUMENT_TYPES)
    try:
        begin_write()
        attachment = CampaignAttachment(campaign_id=campaign.id, created_at=now, **stored)
        db.session.add(attachment)
        db.session.commit()
    except Exception:
        delete_upload(stored["stored_name"])
        raise
    return attachment


@use_case
def delete_attachment(attachment: CampaignAttachment, *, actor: User, now: datetime) -> None:
    _require_commission(actor)
    begin_write()
    stored_name = attachment.stored_name
    db.session.delete(db.session.get(CampaignAttachment, attachment.id))
    db.session.commit()
    delete_upload(stored_name)
