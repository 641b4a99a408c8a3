"""Organization forms: rendering only; the rules are the schemas' (trainhub/organizations/schemas.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo

from trainhub.forms import SchemaForm
from trainhub.organizations.schemas import MemberSchema, SignupSchema


class MemberForm(SchemaForm):
    """Invite a colleague (a member) or add a member (an organizer): an email link sets the password."""

    schema = MemberSchema
    name = StringField(_l("姓名"))
    email = EmailField(_l("电子邮箱"))


class SignupForm(SchemaForm):
    """企业自助注册 (the page is the accounts' /signup)."""

    schema = SignupSchema
    name = StringField(_l("企业名称"))
    uscc = StringField(_l("统一社会信用代码"), description=_l("18 位，见营业执照"))
    district = StringField(_l("所在区"))
    industry = StringField(_l("所属行业"))
    contact_name = StringField(_l("联系人"))
    contact_phone = StringField(_l("联系电话"))
    contact_email = EmailField(_l("联系邮箱（登录账号）"))
    pilot_unit_requested = BooleanField(_l("申请成为试点单位（经管理员确认后生效）"))
    password = PasswordField(_l("密码"))
    password_confirm = PasswordField(
        _l("确认密码"), validators=[DataRequired(), EqualTo("password", message=_l("两次输入的密码不一致。"))]
    )
