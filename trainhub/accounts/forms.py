"""Account forms: rendering only; the rules are the schemas' (trainhub/accounts/schemas.py; the
sign-up's: trainhub/organizations/forms.py). Confirming a password is the page's own check."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from trainhub.accounts.schemas import (
    InvitationAcceptSchema,
    PasswordChangeSchema,
    PasswordSchema,
    ProfileSchema,
    TokenSchema,
    UserSchema,
)
from trainhub.forms import SchemaForm


class LoginForm(FlaskForm):
    email = EmailField(_l("电子邮箱"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("密码"), validators=[DataRequired()])
    remember = BooleanField(_l("记住我"))
    next = HiddenField()


class ProfileForm(SchemaForm):
    schema = ProfileSchema
    name = StringField(_l("姓名"))
    locale = SelectField(
        _l("语言"),
        choices=[SelectChoice("", _l("跟随浏览器")), SelectChoice("zh_CN", "中文"), SelectChoice("en", "English")],
    )


class PasswordChangeForm(SchemaForm):
    schema = PasswordChangeSchema
    current_password = PasswordField(_l("当前密码"))
    new_password = PasswordField(_l("新密码"))
    new_password_confirm = PasswordField(
        _l("确认新密码"), validators=[DataRequired(), EqualTo("new_password", message=_l("两次输入的密码不一致。"))]
    )


class TokenForm(SchemaForm):
    schema = TokenSchema
    token_name = StringField(_l("令牌名称"))


class FirstPasswordForm(SchemaForm):
    """A user created by an organizer chooses a first password (the emailed link)."""

    schema = PasswordSchema
    password = PasswordField(_l("密码"))
    password_confirm = PasswordField(
        _l("确认密码"), validators=[DataRequired(), EqualTo("password", message=_l("两次输入的密码不一致。"))]
    )


class SetPasswordForm(FirstPasswordForm):
    """The invited colleague's name and password."""

    schema = InvitationAcceptSchema
    name = StringField(_l("姓名"))


class NewUserForm(SchemaForm):
    schema = UserSchema
    role = SelectField(
        _l("角色"), choices=[SelectChoice("trainer", _l("培训讲师")), SelectChoice("organizer", _l("组织者（管理员）"))]
    )
    name = StringField(_l("姓名"))
    email = EmailField(_l("电子邮箱"))
    unit_id = SelectField(_l("所属单位（组织者）"), choices=[], validate_choice=False)
    password = PasswordField(_l("初始密码（留空则发送设置密码的邮件）"))


class EmptyForm(FlaskForm):
    """CSRF only: buttons that POST."""
