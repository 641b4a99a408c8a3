"""Units pages: the list (commission: create and edit), a district's enterprises, event invitations."""

from __future__ import annotations

from typing import Literal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainhub import access
from trainhub.access import is_commission, load_event
from trainhub.accounts import queries as account_queries
from trainhub.errors import DomainError
from trainhub.schemas import load
from trainhub.security import roles_required
from trainhub.timeutil import now
from trainhub.units import bp, queries, services
from trainhub.units import invitations as invites
from trainhub.units.forms import UnitForm
from trainhub.units.schemas import InvitationRequest


def _flash_error(error: DomainError) -> None:
    messages = [str(error.message)]
    for problems in (error.fields or {}).values():
        messages += [str(p) for p in problems]
    flash(" ".join(messages), "danger")


@bp.get("/manage/units")
@roles_required("organizer")
def index():
    return render_template(
        "units/index.html",
        units=queries.list_units(),
        organizers=account_queries.organizers_by_unit(),
        form=UnitForm(formdata=None),
        can_edit=is_commission(current_user),
        kind_label=services.kind_label,
    )


@bp.post("/manage/units")
@roles_required("organizer")
def create():
    form = UnitForm()
    if not form.validate():
        flash(_("请检查填写的内容。"), "danger")
        return redirect(url_for("units.index"))
    try:
        unit = services.create_unit(form.cleaned, actor=current_user)
    except DomainError as error:
        if error.status == 403:
            abort(403)
        _flash_error(error)
    else:
        flash(_("已添加单位：%(name)s", name=unit.name), "success")
    return redirect(url_for("units.index"))


@bp.post("/manage/units/<int:unit_id>")
@roles_required("organizer")
def update(unit_id: int):
    form = UnitForm()
    if not form.validate():
        flash(_("请检查填写的内容。"), "danger")
        return redirect(url_for("units.index"))
    try:
        unit = services.update_unit(unit_id, form.cleaned, actor=current_user)
    except DomainError as error:
        if error.status in (403, 404):
            abort(error.status)
        _flash_error(error)
    else:
        flash(_("已保存：%(name)s", name=unit.name), "success")
    return redirect(url_for("units.index"))


@bp.get("/manage/enterprises")
@roles_required("organizer")
def enterprises():
    """A district bureau's enterprises (the commission: all)."""
    if not access.can_invite(current_user):
        abort(403)
    organizations = queries.district_enterprises(current_user)
    return render_template(
        "units/enterprises.html", organizations=organizations, events=invites.events_to_invite_to(current_user, now())
    )


@bp.route("/manage/events/<int:event_id>/invitations", methods=["GET", "POST"])
@roles_required("organizer")
def invitations(event_id: int):
    """Invite the district's enterprises to an event; who was invited and who registered."""
    need: Literal["manage", "view"] = "manage" if request.method == "POST" else "view"
    event = load_event(event_id, current_user, need=need)
    if request.method == "POST":
        try:
            values = load(InvitationRequest(), {"organization_ids": request.form.getlist("organization_ids")})
            sent = invites.invite_organizations(event, values["organization_ids"], actor=current_user, now=now())
        except DomainError as error:
            if error.status == 403:
                abort(403)
            _flash_error(error)
        else:
            flash(_("已发送 %(n)s 份邀请。", n=sent), "success")
        return redirect(url_for("units.invitations", event_id=event.id))
    can_send = access.may_invite_to(current_user, event)
    invited = invites.list_invitations(event)
    invited_ids = {row["organization"].id for row in invited}
    candidates = queries.district_enterprises(current_user) if can_send else []
    return render_template(
        "units/invitations.html",
        event=event,
        invited=invited,
        can_send=can_send,
        candidates=[o for o in candidates if o.id not in invited_ids],
    )
