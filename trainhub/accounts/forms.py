"""Account forms: field formats only (the rules are in services)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from trainhub.forms import show_service_errors


class LoginForm(FlaskForm):
    email = EmailField(_l("电子邮箱"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("密码"), validators=[DataRequired()])
    remember = BooleanField(_l("记住我"))
    next = HiddenField()


class SignupForm(FlaskForm):
    name = StringField(_l("企业名称"), validators=[DataRequired(), Length(max=200)])
    uscc = StringField(_l("统一社会信用代码"), validators=[DataRequired(), Length(max=30)],
                       description=_l("18 位，见营业执照"))
    district = StringField(_l("所在区"), validators=[DataRequired(), Length(max=50)])
    industry = StringField(_l("所属行业"), validators=[Optional(), Length(max=100)])
    contact_name = StringField(_l("联系人"), validators=[DataRequired(), Length(max=100)])
    contact_phone = StringField(_l("联系电话"), validators=[DataRequired(), Length(max=20)])
    contact_email = EmailField(_l("联系邮箱（登录账号）"), validators=[DataRequired(), Length(max=254)])
    pilot_unit_requested = BooleanField(_l("申请成为试点单位（经管理员确认后生效）"))
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(min=8, max=200)])
    password_confirm = PasswordField(_l("确认密码"), validators=[DataRequired(), EqualTo("password", message=_l("两次输入的密码不一致。"))])


class ProfileForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=100)])
    locale = SelectField(_l("语言"), choices=[SelectChoice("", _l("跟随浏览器")), SelectChoice("zh_CN", "中文"), SelectChoice("en", "English")])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("当前密码"), validators=[DataRequired()])
    new_password = PasswordField(_l("新密码"), validators=[DataRequired(), Length(min=8, max=200)])
    new_password_confirm = PasswordField(_l("确认新密码"), validators=[DataRequired(), EqualTo("new_password", message=_l("两次输入的密码不一致。"))])


class TokenForm(FlaskForm):
    token_name = StringField(_l("令牌名称"), validators=[Optional(), Length(max=100)])


class SetPasswordForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=100)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(min=8, max=200)])
    password_confirm = PasswordField(_l("确认密码"), validators=[DataRequired(), EqualTo("password", message=_l("两次输入的密码不一致。"))])


class NewUserForm(FlaskForm):
    role = SelectField(_l("角色"), choices=[SelectChoice("trainer", _l("培训讲师")), SelectChoice("organizer", _l("组织者（管理员）"))])
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("电子邮箱"), validators=[DataRequired(), Length(max=254)])
    unit_id = SelectField(_l("所属单位（组织者）"), choices=[], validate_choice=False)
    password = PasswordField(_l("初始密码（留空则发送设置密码的邮件）"), validators=[Optional(), Length(min=8, max=200)])


class EmptyForm(FlaskForm):
    """CSRF only: buttons that POST."""


def show_errors(form, error, aliases: dict | None = None) -> None:
    """A service's field errors next to the form's fields (the rest as a flash)."""
    show_service_errors(form, error, aliases=aliases)
