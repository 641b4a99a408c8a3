"""The campaign (专题活动) as written and read (API.md "Campaigns"), declared once: the API's body and
answers and the commission's form. Its attachments are uploaded as multipart `file`."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_smorest.fields import Upload

from trainhub.events.schemas import EventSchema
from trainhub.schemas import Choice, Day, IdList, Instant, PageArgs, Ref, Schema, Text

CAMPAIGN_STATUSES = ("draft", "published")


def dates_problems(starts, ends) -> dict[str, list]:
    """The one rule across the dates: a campaign ends on or after its first day."""
    if starts and ends and ends < starts:
        return {"ends_on": [_l("结束日期不能早于开始日期。")]}
    return {}


class _Date(Day):
    """A date; a moment sent for it counts by its date part (as clients have sent it)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = value.strip()[:10]
        return super()._deserialize(value, attr, data, **kwargs)


class CampaignSchema(Schema):
    """A campaign; written with `reporting_unit_ids`, read back with `reporting_units`."""

    id = ma.fields.Integer(dump_only=True)
    title = Text(required=True, max_length=200)
    theme = Text(max_length=300, load_default="")
    description = Text(max_length=50000, load_default="")
    starts_on = _Date(required=True)
    ends_on = _Date(required=True)
    status = Choice(CAMPAIGN_STATUSES, load_default="draft")
    report_due_at = Instant(
        allow_none=True,
        load_default=None,
        metadata={"description": "null: no report is asked for; may lie in the past"},
    )
    reporting_unit_ids = IdList(
        load_only=True, load_default=list, metadata={"description": "the units asked for a report"}
    )
    reporting_units = ma.fields.List(ma.fields.Nested(Ref), dump_only=True)

    @ma.validates_schema(skip_on_field_errors=False)
    def _dates(self, data: dict, **kwargs) -> None:
        problems = dates_problems(data.get("starts_on"), data.get("ends_on"))
        if problems:
            raise ma.ValidationError(problems)


def attachment_url(attachment) -> str:
    """Absolute download URL (the base URL is configured, never taken from the request)."""
    path = url_for(
        "campaigns.attachment",
        campaign_id=attachment.campaign_id,
        attachment_id=attachment.id,
        filename=attachment.filename,
    )
    return current_app.config["BASE_URL"] + path


class AttachmentSchema(Schema):
    """A campaign's attachment as read."""

    id = ma.fields.Integer(dump_only=True)
    filename = ma.fields.String(dump_only=True)
    size = ma.fields.Integer(dump_only=True)
    content_type = ma.fields.String(dump_only=True)
    url = ma.fields.Function(attachment_url, dump_only=True, metadata={"type": "string", "format": "uri"})


class AttachmentUploadSchema(Schema):
    """The upload of an attachment: multipart/form-data with the binary `file` (pdf, jpg, png, docx,
    xlsx, zip; at most MAX_UPLOAD_MB). Its own schema: `file` is required here and never read back."""

    file = Upload(required=True)


class CampaignDetailSchema(CampaignSchema):
    """One campaign with its events people may see and its attachments."""

    events = ma.fields.List(ma.fields.Nested(EventSchema), dump_only=True)
    attachments = ma.fields.List(ma.fields.Nested(AttachmentSchema), dump_only=True)


class CampaignFilters(PageArgs):
    status = Choice(("published", "all"), metadata={"description": "all: drafts too (organizers)"})


# -- a campaign's news (日常动态; the use cases are in reports/news.py) -------------------------


def news_photo_url(item) -> str | None:
    return url_for("api.news_photo", news_id=item.id, _external=False) if item.photo_stored_name else None


class NewsSchema(Schema):
    """A news item of a campaign: written `{title, body}` (JSON, or multipart with a `photo`)."""

    id = ma.fields.Integer(dump_only=True)
    campaign_id = ma.fields.Integer(dump_only=True)
    title = Text(required=True, max_length=200)
    body = Text(max_length=5000, load_default="")
    unit = ma.fields.Nested(Ref, dump_only=True)
    photo_url = ma.fields.Function(
        news_photo_url, dump_only=True, metadata={"type": ["string", "null"], "format": "uri-reference"}
    )
    status = ma.fields.String(dump_only=True, metadata={"enum": ["pending", "published"]})
    created_at = Instant(dump_only=True)
    published_at = Instant(dump_only=True, allow_none=True)


class NewsUploadSchema(NewsSchema):
    """The same, sent as multipart/form-data with an optional photo (jpg or png)."""

    photo = Upload(load_only=True)
