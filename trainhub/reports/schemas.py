"""A unit's campaign report (活动总结) as written and read (API.md "Campaigns and reports"): declared
once for the API and the report page."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_smorest.fields import Upload

from trainhub.reports.figures import FIGURE_KEYS
from trainhub.reports.services import STATUSES
from trainhub.schemas import Choice, Instant, Ref, Schema, Text

TEXT_MAX = 20000
COMMENT_MAX = 5000

# The platform's figures of the unit's hosted events of the campaign (API.md "Report figures").
ReportFiguresSchema = type(
    "ReportFiguresSchema",
    (Schema,),
    {
        "__doc__": "Counted from the platform: live until the report is submitted, then frozen with it.",
        **{key: ma.fields.Integer(required=True) for key in FIGURE_KEYS},
    },
)


def _attachment_url(attachment) -> str:
    report = attachment.report
    return url_for(
        "api.report_attachment_file",
        campaign_id=report.campaign_id,
        unit_id=report.unit_id,
        attachment_id=attachment.id,
    )


class ReportAttachmentSchema(Schema):
    """A file attached to a report (a photo, the scanned paper copy…)."""

    id = ma.fields.Integer(required=True)
    filename = ma.fields.String(required=True)
    size = ma.fields.Integer(required=True)
    content_type = ma.fields.String(required=True)
    created_at = Instant(required=True)
    url = ma.fields.Function(_attachment_url, required=True, metadata={"type": "string", "description": "the download"})


class ReportItemSchema(Schema):
    """One reporting unit's report in the campaign's tracker."""

    unit = ma.fields.Nested(Ref, dump_only=True)
    status = Choice(STATUSES, dump_only=True)
    overdue = ma.fields.Boolean(dump_only=True, metadata={"description": "not submitted and past the due time"})
    late = ma.fields.Boolean(dump_only=True, metadata={"description": "submitted after the due time"})
    submitted_at = Instant(dump_only=True, allow_none=True)
    updated_at = Instant(dump_only=True, allow_none=True)


class ReportSchema(ReportItemSchema):
    """A unit's report: what it writes (a draft may be empty; submitting needs a summary) and what the
    platform adds."""

    campaign_id = ma.fields.Integer(attribute="campaign.id", dump_only=True)
    summary = Text(max_length=TEXT_MAX, metadata={"description": "活动基本情况"})
    outcomes = Text(max_length=TEXT_MAX, metadata={"description": "取得的成效"})
    figures = ma.fields.Nested(ReportFiguresSchema, dump_only=True)
    comment = ma.fields.String(dump_only=True, metadata={"description": "the commission's, when returned"})
    attachments = ma.fields.List(ma.fields.Nested(ReportAttachmentSchema), dump_only=True)


class ReportReturnSchema(Schema):
    """Returning a submitted report: the commission's comment (the unit is emailed it)."""

    comment = Text(max_length=COMMENT_MAX)


class ReportFileSchema(Schema):
    """A report attachment (multipart): pdf, jpg, png, docx, xlsx or zip."""

    file = Upload(required=True, error_messages={"required": _l("请选择要上传的文件。")})

    @ma.validates("file")
    def _a_file(self, value: Any, **kwargs: Any) -> None:
        if not getattr(value, "filename", None):
            raise ma.ValidationError([_l("请选择要上传的文件。")])
