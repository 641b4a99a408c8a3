"""Event forms: rendering only; the rules are EventSchema's (events/schemas.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField

from trainhub.events.schemas import EventSchema
from trainhub.forms import SchemaForm
from trainhub.models import EVENT_KINDS, EVENT_MODES

KIND_LABELS = {"training": _l("培训"), "seminar": _l("研讨会"), "meeting": _l("会议")}
MODE_LABELS = {"online": _l("线上"), "offline": _l("线下"), "hybrid": _l("线上+线下")}
STATUS_LABELS = {"draft": _l("草稿"), "published": _l("已发布"), "cancelled": _l("已取消")}
DATETIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")
NO_CAMPAIGN = "0"


class EventForm(SchemaForm):
    schema = EventSchema
    title = StringField(_l("活动名称"))
    kind = SelectField(_l("类型"), choices=[SelectChoice(k, KIND_LABELS[k]) for k in EVENT_KINDS])
    mode = SelectField(_l("形式"), choices=[SelectChoice(m, MODE_LABELS[m]) for m in EVENT_MODES])
    topic = StringField(_l("主题"))
    description = TextAreaField(_l("活动介绍"), render_kw={"rows": 5})
    venue = StringField(_l("地点"), description=_l("线下或线上+线下活动的会场。"))
    online_url = StringField(_l("线上链接"), render_kw={"type": "url", "placeholder": "https://"})
    starts_at = StringField(_l("开始时间"), render_kw={"type": "datetime-local"})
    ends_at = StringField(_l("结束时间"), render_kw={"type": "datetime-local"})
    capacity = StringField(_l("容量（人）"), render_kw={"type": "number", "min": 0, "inputmode": "numeric"})
    registration_opens_at = StringField(_l("报名开始时间"), render_kw={"type": "datetime-local"})
    registration_closes_at = StringField(
        _l("报名截止时间"), render_kw={"type": "datetime-local"}, description=_l("留空则报名至活动开始。")
    )
    per_enterprise_quota = StringField(
        _l("每家企业限报人数"),
        render_kw={"type": "number", "min": 1, "inputmode": "numeric"},
        description=_l("留空则不限。"),
    )
    pilot_reserved_seats = StringField(
        _l("试点单位预留名额"), render_kw={"type": "number", "min": 0, "inputmode": "numeric"}
    )
    requires_approval = BooleanField(_l("报名需审核"))
    status = SelectField(
        _l("状态"),
        choices=[SelectChoice("draft", STATUS_LABELS["draft"]), SelectChoice("published", STATUS_LABELS["published"])],
    )
    trainer_ids = SelectMultipleField(_l("讲师"), validate_choice=False)
    host_unit_id = SelectField(_l("主办单位"), validate_choice=False)
    co_unit_ids = SelectMultipleField(_l("协办单位"), validate_choice=False)
    campaign_id = SelectField(_l("所属专题活动"), validate_choice=False)
    checkin_opens_minutes_before = StringField(
        _l("开始前多少分钟可签到"), render_kw={"type": "number", "inputmode": "numeric"}
    )
    checkin_closes_minutes_after = StringField(
        _l("结束后多少分钟停止签到"), render_kw={"type": "number", "inputmode": "numeric"}
    )
    certificate_min_minutes = StringField(
        _l("获得证书的最少参训分钟数"),
        render_kw={"type": "number", "inputmode": "numeric"},
        description=_l("留空则签到即可。"),
    )

    def schema_input(self) -> dict:
        values = super().schema_input()
        if values.get("campaign_id") == NO_CAMPAIGN:  # the "（无）" choice
            values["campaign_id"] = None
        if values.get("host_unit_id") is None:  # not sent: the organizer's own unit
            values.pop("host_unit_id", None)
        return values
