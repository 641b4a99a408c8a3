"""Registration pages: thin — load (404/403), call one service, respond."""

from __future__ import annotations

from typing import Literal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainhub import access
from trainhub.errors import DomainError
from trainhub.pagination import page_number, paginate
from trainhub.registrations import bp, queries, services
from trainhub.registrations.forms import ActionForm, FilterForm, RegisterForm, RejectForm
from trainhub.security import roles_required, safe_next
from trainhub.timeutil import now


def _safe_next(default: str) -> str:
    return safe_next(request.form.get("next") or request.args.get("next")) or default


def _success_message(created) -> str:
    """What the flash says, written before the commit: nothing after it reads the database."""
    counts = {s: sum(1 for r in created if r.status == s) for s in ("confirmed", "waitlisted", "pending")}
    return _(
        "已提交 %(n)s 人：报名成功 %(confirmed)s，候补 %(waitlisted)s，待审核 %(pending)s。", n=len(created), **counts
    )


@bp.route("/events/<int:event_id>/register", methods=["GET", "POST"])
@roles_required("enterprise")
def register(event_id: int):
    event = access.load_event(event_id, current_user, need="public")
    organization = current_user.organization
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        try:
            message = services.register_attendees(
                event,
                organization,
                form.cleaned["attendees"],
                actor=current_user,
                now=now(),
                present=_success_message,
            )
        except DomainError as error:
            if error.status == 404:
                abort(404)
            flash(str(error.message), "danger")
            status = error.status
        else:
            flash(message, "success")
            return redirect(url_for("registrations.register", event_id=event_id))
    elif form.is_submitted():
        flash(_("请检查填写的内容。"), "danger")
        for problem in form.form_errors:  # not about one row (no attendee at all, too many)
            flash(problem, "danger")
        status = 422
    existing = queries.of_organization(event, organization)
    positions = services.waitlist_positions([event.id])
    return render_template(
        "registrations/register.html",
        event=event,
        form=form,
        existing=existing,
        positions=positions,
        quota_left=services.quota_left(event, organization),
        window=services.window_state(event, now()),
        counts=services.seat_counts(event),
        labels=services.STATUS_LABELS,
        action_form=ActionForm(),
    ), status


@bp.get("/my/registrations")
@roles_required("enterprise")
def mine():
    status = request.args.get("status")
    statement = queries.mine_query(current_user, status=status if status in services.STATUS_LABELS else None)
    page = paginate(statement, page_number(request.args), 50)
    registrations = list(page.items)
    positions = services.waitlist_positions({r.event_id for r in registrations if r.status == "waitlisted"})
    return render_template(
        "registrations/mine.html",
        registrations=registrations,
        positions=positions,
        page=page,
        labels=services.STATUS_LABELS,
        action_form=ActionForm(),
        status=status,
    )


@bp.post("/registrations/<int:registration_id>/cancel")
@roles_required("enterprise", "organizer")
def cancel(registration_id: int):
    need: Literal["view", "manage"] = "view" if current_user.is_enterprise else "manage"
    registration = access.load_registration(registration_id, current_user, need=need)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.cancel_registration(registration, actor=current_user, now=now())
    except DomainError as error:
        flash(str(error.message), "danger")
    else:
        flash(_("已取消 %(name)s 的报名。", name=registration.name), "success")
    default = (
        url_for("registrations.mine")
        if current_user.is_enterprise
        else url_for("registrations.event_admin", event_id=registration.event_id)
    )
    return redirect(_safe_next(default))


@bp.get("/manage/events/<int:event_id>/registrations")
@roles_required("organizer", "trainer")
def event_admin(event_id: int):
    event = access.load_event(event_id, current_user, need="view")
    filters = FilterForm(request.args)
    filters.status.choices = [("", _("全部状态"))] + [(k, str(v)) for k, v in services.STATUS_LABELS.items()]
    statement = queries.event_admin_query(
        event,
        status=filters.status.data if filters.status.data in services.STATUS_LABELS else None,
        **{name: (getattr(filters, name).data or "").strip()[:200] for name in ("organization", "name", "phone")},
    )
    page = paginate(statement, page_number(request.args), 100)
    registrations = list(page.items)
    return render_template(
        "registrations/event_admin.html",
        event=event,
        registrations=registrations,
        page=page,
        filters=filters,
        positions=services.waitlist_positions([event.id]),
        counts=services.seat_counts(event),
        can_manage=access.can_manage_event(current_user, event),
        labels=services.STATUS_LABELS,
        action_form=ActionForm(),
        reject_form=RejectForm(),
        show_phone=current_user.is_organizer,
    )


@bp.post("/manage/registrations/<int:registration_id>/approve")
@roles_required("organizer")
def approve(registration_id: int):
    registration = access.load_registration(registration_id, current_user, need="manage")
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.approve_registration(registration, actor=current_user, now=now())
    except DomainError as error:
        flash(str(error.message), "danger")
    else:
        flash(
            _(
                "已通过 %(name)s 的报名（%(status)s）。",
                name=registration.name,
                status=services.STATUS_LABELS[registration.status],
            ),
            "success",
        )
    return redirect(_safe_next(url_for("registrations.event_admin", event_id=registration.event_id)))


@bp.post("/manage/registrations/<int:registration_id>/reject")
@roles_required("organizer")
def reject(registration_id: int):
    registration = access.load_registration(registration_id, current_user, need="manage")
    form = RejectForm()
    if not form.validate_on_submit():
        if not form.is_submitted() or "csrf_token" in form.errors:
            abort(400)
        for problems in form.errors.values():
            for problem in problems:
                flash(str(problem), "danger")
        return redirect(_safe_next(url_for("registrations.event_admin", event_id=registration.event_id)))
    try:
        services.reject_registration(registration, form.cleaned["reason"], actor=current_user, now=now())
    except DomainError as error:
        flash(str(error.message), "danger")
    else:
        flash(_("已拒绝 %(name)s 的报名。", name=registration.name), "success")
    return redirect(_safe_next(url_for("registrations.event_admin", event_id=registration.event_id)))
