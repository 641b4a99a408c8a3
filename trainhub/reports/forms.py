"""Report and news forms: formats only (rules live in reports/services.py and reports/news.py)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from trainhub.campaigns.schemas import NewsSchema
from trainhub.forms import SchemaForm


class ReportForm(FlaskForm):
    summary = TextAreaField(_l("活动基本情况"), validators=[Optional(), Length(max=20000)])
    outcomes = TextAreaField(_l("取得的成效"), validators=[Optional(), Length(max=20000)])


class AttachmentForm(FlaskForm):
    file = FileField(_l("附件（照片、纸质版扫描件等：pdf、jpg、png、docx、xlsx、zip）"))


class ReturnForm(FlaskForm):
    comment = TextAreaField(_l("退回意见"), validators=[DataRequired(), Length(max=5000)])


class NewsForm(SchemaForm):
    """Rendering only; the rules are NewsSchema's (campaigns/schemas.py)."""

    schema = NewsSchema
    title = StringField(_l("标题"))
    body = TextAreaField(_l("内容"))
    photo = FileField(_l("照片（可选，jpg 或 png）"))
