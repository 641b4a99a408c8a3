"""Campaign use cases (专题活动): a theme with dates, a notice, attachments, grouping events.

Only organizers of the commission create and edit campaigns and upload their attachments.
Reports (活动总结) and news (日常动态) live in the reports feature.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from trainhub.access import is_commission
from trainhub.db import begin_write, use_case
from trainhub.errors import DomainError, Forbidden, ValidationError
from trainhub.extensions import db
from trainhub.models import Campaign, CampaignAttachment, Unit, User
from trainhub.timeutil import parse_date, parse_datetime
from trainhub.uploads import DOCUMENT_TYPES, delete_upload, store_upload

CAMPAIGN_STATUSES = ("draft", "published")
TEXT_LIMITS = {"title": 200, "theme": 300, "description": 50000}


def _require_commission(actor: User | None) -> None:
    if not is_commission(actor):
        raise Forbidden(_l("只有市市场监管委的组织者可以管理专题活动。"))


def _parse_date(raw):
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if not isinstance(raw, str):
        raise ValueError("not a date")
    return parse_date(raw.strip()[:10])


def _clean(data: dict, *, creating: bool) -> tuple[dict, dict]:
    if not isinstance(data, dict):
        raise DomainError("malformed_json", _l("请求体必须是 JSON 对象。"), 400)
    if creating:
        for name in ("title", "starts_on", "ends_on"):
            data.setdefault(name, None)
    values: dict = {}
    errors: dict = {}

    def err(name, message):
        errors.setdefault(name, []).append(message)

    for name, limit in TEXT_LIMITS.items():
        if name not in data:
            continue
        raw = data[name] if data[name] is not None else ""
        if not isinstance(raw, str):
            err(name, _l("必须是文本。"))
            continue
        value = raw.strip()
        if name == "title" and not value:
            err(name, _l("此项必填。"))
        elif len(value) > limit:
            err(name, _l("不能超过 %(n)s 个字符。", n=limit))
        else:
            values[name] = value
    for name in ("starts_on", "ends_on"):
        if name not in data:
            continue
        if data[name] in (None, ""):
            err(name, _l("此项必填。"))
            continue
        try:
            values[name] = _parse_date(data[name])
        except (ValueError, TypeError):
            err(name, _l("日期格式不正确，例如 2021-10-14。"))
    if "status" in data:
        if data["status"] not in CAMPAIGN_STATUSES:
            err("status", _l("取值必须是：%(values)s", values=", ".join(CAMPAIGN_STATUSES)))
        else:
            values["status"] = data["status"]
    if "report_due_at" in data:
        raw = data["report_due_at"]
        if raw in (None, ""):
            values["report_due_at"] = None
        elif isinstance(raw, datetime) and raw.tzinfo is not None:
            values["report_due_at"] = raw
        else:
            try:
                values["report_due_at"] = parse_datetime(raw)
            except (ValueError, TypeError):
                err("report_due_at", _l("时间格式不正确，例如 2021-10-14T09:00。"))
    if "reporting_unit_ids" in data:
        raw = data["reporting_unit_ids"] if data["reporting_unit_ids"] is not None else []
        ids = []
        if not isinstance(raw, (list, tuple)):
            err("reporting_unit_ids", _l("必须是编号的列表。"))
        else:
            for item in raw:
                if isinstance(item, str) and item.strip().isdigit():
                    item = int(item)
                if isinstance(item, bool) or not isinstance(item, int):
                    err("reporting_unit_ids", _l("必须是编号的列表。"))
                    break
                if item not in ids:
                    ids.append(item)
            else:
                units = db.session.scalars(sa.select(Unit).where(Unit.id.in_(ids)).order_by(Unit.id)).all() if ids else []
                if len(units) != len(ids):
                    err("reporting_unit_ids", _l("有单位不存在。"))
                else:
                    values["reporting_units"] = list(units)
    return values, errors


def _check_dates(starts, ends, errors: dict) -> None:
    if starts and ends and "starts_on" not in errors and "ends_on" not in errors and ends < starts:
        errors.setdefault("ends_on", []).append(_l("结束日期不能早于开始日期。"))


@use_case
def create_campaign(data: dict, *, actor: User, now: datetime) -> Campaign:
    """The commission creates a campaign (draft by default)."""
    _require_commission(actor)
    begin_write()
    values, errors = _clean(dict(data), creating=True)
    _check_dates(values.get("starts_on"), values.get("ends_on"), errors)
    if errors:
        raise ValidationError(errors)
    campaign = Campaign(
        title=values["title"], theme=values.get("theme", ""), description=values.get("description", ""),
        starts_on=values["starts_on"], ends_on=values["ends_on"], status=values.get("status", "draft"),
        report_due_at=values.get("report_due_at"), created_at=now,
    )
    campaign.reporting_units = values.get("reporting_units", [])
    db.session.add(campaign)
    db.session.commit()
    return campaign


@use_case
def update_campaign(campaign: Campaign, data: dict, *, actor: User, now: datetime) -> Campaign:
    """The commission edits a campaign (only the given fields; report_due_at may move into the past)."""
    _require_commission(actor)
    begin_write()
    campaign = db.session.scalars(
        sa.select(Campaign).where(Campaign.id == campaign.id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    values, errors = _clean(dict(data), creating=False)
    _check_dates(values.get("starts_on", campaign.starts_on), values.get("ends_on", campaign.ends_on), errors)
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
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


