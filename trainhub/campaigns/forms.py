"""Campaign forms: rendering only; the rules are CampaignSchema's (campaigns/schemas.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField

from trainhub.campaigns.schemas import CampaignSchema
from trainhub.forms import SchemaForm

STATUS_LABELS = {"draft": _l("草稿"), "published": _l("已发布")}


class CampaignForm(SchemaForm):
    schema = CampaignSchema
    title = StringField(_l("名称"))
    theme = StringField(_l("主题"))
    description = TextAreaField(_l("活动通知"), render_kw={"rows": 8})
    starts_on = StringField(_l("开始日期"), render_kw={"type": "date"})
    ends_on = StringField(_l("结束日期"), render_kw={"type": "date"})
    report_due_at = StringField(
        _l("总结报送截止时间"), render_kw={"type": "datetime-local"}, description=_l("北京时间；留空则不要求报送总结。")
    )
    reporting_unit_ids = SelectMultipleField(_l("需报送总结的单位"), validate_choice=False)
    status = SelectField(_l("状态"), choices=[SelectChoice(k, v) for k, v in STATUS_LABELS.items()])


class CampaignChangesForm(CampaignForm):
    """Editing: the fields sent change, the others stay."""

    partial = True


class AttachmentForm(FlaskForm):
    file = FileField(_l("附件"), description=_l("PDF、JPG、PNG、DOCX、XLSX 或 ZIP 文件。"))
