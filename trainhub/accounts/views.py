"""Account pages: thin — load, authorise, call one service, respond."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import SelectChoice

from trainhub.access import load_user
from trainhub.accounts import bp, queries, services
from trainhub.accounts.forms import (
    EmptyForm,
    FirstPasswordForm,
    LoginForm,
    NewUserForm,
    PasswordChangeForm,
    ProfileForm,
    SetPasswordForm,
    TokenForm,
)
from trainhub.errors import DomainError, ValidationError
from trainhub.organizations import services as org_services
from trainhub.organizations.forms import SignupForm
from trainhub.pagination import page_number, paginate
from trainhub.security import organizer_required, safe_next
from trainhub.timeutil import now
from trainhub.units import queries as unit_queries


def _home_for(user) -> str:
    if user.is_organizer:
        return url_for("events.manage_list")
    if user.is_enterprise:
        return url_for("registrations.mine")
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")) or _home_for(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, ip=request.remote_addr, now=now())
        except DomainError as error:
            flash(str(error.message), "danger")
            return render_template("accounts/login.html", form=form), 429 if error.code == "login_rate_limited" else 200
        login_user(user, remember=bool(form.remember.data))
        return redirect(safe_next(form.next.data) or _home_for(user))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        services.end_sessions(current_user._get_current_object())
    logout_user()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    """企业自助注册."""
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = org_services.sign_up_enterprise(
                form.cleaned, locale=str(get_locale() or "zh_CN"), ip=request.remote_addr, now=now()
            )
        except DomainError as error:
            field = {"uscc_taken": form.uscc, "email_taken": form.contact_email}.get(error.code)
            if field is not None:
                field.errors = list(field.errors) + [str(error.message)]
            else:
                flash(str(error.message), "danger")
            return render_template("accounts/signup.html", form=form), error.status
        login_user(user)
        flash(_("注册成功，欢迎使用标准化云课堂。"), "success")
        if user.organization is not None and user.organization.pilot_unit_requested:
            flash(_("试点单位申请已提交，经管理员确认后生效。"), "info")
        return redirect(_home_for(user))
    return render_template("accounts/signup.html", form=form), 422 if form.errors else 200


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    action = request.form.get("action") if request.method == "POST" else None
    if action == "profile":
        profile_form = ProfileForm(prefix="profile")
    else:  # show the saved values, whatever other form was posted
        profile_form = ProfileForm(prefix="profile", formdata=None, obj=current_user)
        profile_form.locale.data = current_user.locale or ""
    password_form = PasswordChangeForm(prefix="password")
    token_form = TokenForm(prefix="token")
    status = 200
    if request.method == "POST":
        try:
            if action == "profile" and profile_form.validate_on_submit():
                services.update_profile(
                    current_user, name=profile_form.cleaned["name"], locale=profile_form.cleaned.get("locale")
                )
                session.pop("lang", None)
                flash(_("资料已保存。"), "success")
                return redirect(url_for("accounts.profile"))
            if action == "password" and password_form.validate_on_submit():
                user = services.change_password(
                    current_user._get_current_object(),
                    current_password=password_form.cleaned["current_password"],
                    new_password=password_form.cleaned["new_password"],
                    now=now(),
                )
                login_user(user, remember=False)  # this session goes on with the new version; the others end
                flash(_("密码已修改，其他设备上的登录已失效。"), "success")
                return redirect(url_for("accounts.profile"))
            if action == "token" and token_form.validate_on_submit():
                raw = services.create_api_token(current_user, token_form.cleaned.get("token_name"), now=now())
                flash(_("令牌已创建。它只显示这一次，请立即复制保存。"), "warning")
                return render_template(
                    "accounts/profile.html",
                    profile_form=profile_form,
                    password_form=password_form,
                    token_form=TokenForm(prefix="token", formdata=None),
                    new_token=raw,
                    tokens=services.api_tokens_of(current_user),
                    revoke_form=EmptyForm(),
                )
        except ValidationError as error:
            (password_form if action == "password" else profile_form).add_errors(error.fields)
        status = 422
    return render_template(
        "accounts/profile.html",
        profile_form=profile_form,
        password_form=password_form,
        token_form=token_form,
        new_token=None,
        tokens=services.api_tokens_of(current_user),
        revoke_form=EmptyForm(),
    ), status


@bp.post("/profile/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.revoke_api_token(current_user, token_id, now=now())
    flash(_("令牌已撤销。"), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """The invited colleague sets a name and a password."""
    invitation = services.invitation_for_token(token, now=now())
    form = SetPasswordForm(data={"name": invitation.name} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(
                token, name=form.cleaned["name"], password=form.cleaned["password"], now=now()
            )
        except ValidationError as error:
            form.add_errors(error.fields)
        else:
            logout_user()
            login_user(user)
            flash(_("欢迎加入“%(org)s”。", org=user.organization.name if user.organization else ""), "success")
            return redirect(_home_for(user))
    return render_template(
        "accounts/set_password.html", form=form, email=invitation.email, organization=invitation.organization
    ), 422 if form.errors else 200


@bp.route("/account/setup/<token>", methods=["GET", "POST"])
def setup_password(token: str):
    """A user created by an organizer chooses a first password."""
    user = services.user_for_setup_token(token, now=now())
    form = FirstPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.set_first_password(token, password=form.cleaned["password"], now=now())
        except ValidationError as error:
            form.add_errors(error.fields)
        else:
            logout_user()
            login_user(user)
            flash(_("密码已设置。"), "success")
            return redirect(_home_for(user))
    return render_template(
        "accounts/set_password.html", form=form, email=user.email, organization=None
    ), 422 if form.errors else 200


# -- organizers: users --------------------------------------------------------------------------------


@bp.get("/manage/users")
@organizer_required
def admin_users():
    role = request.args.get("role") or None
    if role not in (None, "organizer", "trainer", "enterprise"):
        role = None
    q = request.args.get("q", "").strip() or None
    page = page_number(request.args)
    per_page = 50
    listing = paginate(queries.users_query(actor=current_user, role=role, q=q), page, per_page)
    return render_template(
        "accounts/admin_users.html",
        users=listing.items,
        role=role,
        q=q or "",
        page=page,
        pages=listing.pages,
        total=listing.total,
        toggle_form=EmptyForm(),
    )


@bp.route("/manage/users/new", methods=["GET", "POST"])
@organizer_required
def admin_user_new():
    form = NewUserForm()
    units = unit_queries.units_commission_first()
    form.unit_id.choices = [SelectChoice(str(unit.id), unit.name) for unit in units]
    if not current_user.is_commission:
        form.role.choices = [choice for choice in form.role.choices if choice.value == "trainer"]
    status = 200
    if form.validate_on_submit():
        try:
            user = services.create_user(**form.cleaned, actor=current_user, now=now())
        except ValidationError as error:
            form.add_errors(error.fields)
            status = 422
        except DomainError as error:
            if error.code == "email_taken":
                form.email.errors = list(form.email.errors) + [str(error.message)]
            else:
                flash(str(error.message), "danger")
            status = error.status
        else:
            flash(_("账号 %(email)s 已创建。", email=user.email), "success")
            return redirect(url_for("accounts.admin_users"))
    elif form.errors:
        status = 422
    return render_template("accounts/admin_user_new.html", form=form), status


@bp.post("/manage/users/<int:user_id>/active")
@organizer_required
def admin_user_active(user_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = load_user(user_id, current_user)
    active = request.form.get("active") == "1"
    services.set_user_active(user, active, actor=current_user)
    flash(_("账号已启用。") if active else _("账号已停用。"), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("accounts.admin_users"))
