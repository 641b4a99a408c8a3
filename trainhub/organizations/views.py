"""Organization pages: the organizers' list and detail, and an enterprise's own page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainhub.access import load_organization
from trainhub.accounts import services as account_services
from trainhub.accounts.forms import EmptyForm
from trainhub.errors import DomainError, ValidationError
from trainhub.organizations import bp, queries, services
from trainhub.organizations.forms import MemberForm
from trainhub.pagination import page_number, paginate
from trainhub.security import organizer_required, roles_required
from trainhub.timeutil import now

PER_PAGE = 50


@bp.get("/manage/organizations")
@organizer_required
def admin_list():
    district = request.args.get("district") or None
    pilot = request.args.get("pilot") or None
    q = request.args.get("q", "").strip() or None
    page = page_number(request.args)
    statement = queries.organizations_query(
        current_user, district=district, pilot=pilot, q=q, active=request.args.get("active")
    )
    listing = paginate(statement, page, PER_PAGE)
    return render_template(
        "organizations/admin_list.html",
        organizations=listing.items,
        total=listing.total,
        page=page,
        pages=listing.pages,
        district=district,
        pilot=pilot,
        q=q or "",
        districts=queries.districts(current_user),
        action_form=EmptyForm(),
    )


def _invite(organization, form, redirect_to):
    try:
        user, _raw = account_services.invite_member(
            organization,
            email=form.cleaned["email"],
            name=form.cleaned.get("name"),
            actor=current_user,
            now=now(),
            ip=request.remote_addr,
        )
    except ValidationError as error:
        form.add_errors(error.fields)
        return None
    except DomainError as error:
        if error.status == 404:
            raise
        form.email.errors = list(form.email.errors) + [str(error.message)]
        return None
    flash(_("邀请邮件已发送至 %(email)s。", email=user.email), "success")
    return redirect(redirect_to)


@bp.route("/manage/organizations/<int:organization_id>", methods=["GET", "POST"])
@organizer_required
def admin_detail(organization_id: int):
    organization = load_organization(organization_id, current_user)
    form = MemberForm()
    if form.validate_on_submit():
        response = _invite(organization, form, url_for("organizations.admin_detail", organization_id=organization.id))
        if response is not None:
            return response
    return render_template(
        "organizations/admin_detail.html",
        organization=organization,
        form=form,
        members=queries.members_of(organization),
        action_form=EmptyForm(),
    ), 422 if form.errors else 200


@bp.post("/manage/organizations/<int:organization_id>/pilot")
@organizer_required
def admin_pilot(organization_id: int):
    """Confirm or clear the pilot-unit flag (试点单位)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    organization = load_organization(organization_id, current_user)
    flag = request.form.get("value") == "1"
    services.set_pilot_unit(organization, flag, actor=current_user)
    flash(_("已确认为试点单位。") if flag else _("已取消试点单位。"), "success")
    return redirect(
        request.form.get("back") == "list"
        and url_for("organizations.admin_list")
        or url_for("organizations.admin_detail", organization_id=organization_id)
    )


@bp.post("/manage/organizations/<int:organization_id>/active")
@organizer_required
def admin_active(organization_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    organization = load_organization(organization_id, current_user)
    active = request.form.get("value") == "1"
    services.set_organization_active(organization, active, actor=current_user)
    flash(_("企业已启用。") if active else _("企业已停用，其成员无法再登录。"), "success")
    return redirect(url_for("organizations.admin_detail", organization_id=organization_id))


@bp.route("/my/organization", methods=["GET", "POST"])
@roles_required("enterprise")
def mine():
    """An enterprise member's own organization: its details, its members, inviting colleagues."""
    organization = load_organization(current_user.organization_id, current_user)
    form = MemberForm()
    if form.validate_on_submit():
        response = _invite(organization, form, url_for("organizations.mine"))
        if response is not None:
            return response
    return render_template(
        "organizations/mine.html", organization=organization, form=form, members=queries.members_of(organization)
    ), 422 if form.errors else 200
