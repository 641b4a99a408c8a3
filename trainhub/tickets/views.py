"""The ticket page: whoever holds the link sees that one ticket (name masked) and nothing else."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainhub import access
from trainhub.checkin import scan as checkin_scan
from trainhub.checkin import self_checkin as checkin_self
from trainhub.errors import DomainError
from trainhub.events.rules import supports_self_checkin
from trainhub.tickets import bp, services
from trainhub.timeutil import now

COOKIE_PREFIX = "th_ticket_"


def _load(token: str):
    return access.load_ticket(token)


def _may_reissue(registration) -> bool:
    return access.may_reissue_ticket(current_user, registration)


@bp.get("/t/<token>")
def show(token: str):
    registration = _load(token)
    event = registration.event
    url = services.ticket_url(registration.ticket_token)
    can_scan = current_user.is_authenticated and access.can_check_in(current_user, event)
    response = Response(
        render_template(
            "tickets/show.html",
            registration=registration,
            event=event,
            qr_svg=services.qr_svg(url),
            ticket_url=url,
            can_scan=can_scan,
            may_reissue=_may_reissue(registration),
            online_url=event.online_url if access.registration_sees_online_url(registration) else "",
            self_checkin=supports_self_checkin(event) and event.status == "published",
            code=request.args.get("code", "")[:6],
        )
    )
    # Remember the ticket on this phone: the presenter's QR (/checkin/<id>/self) then finds it.
    response.set_cookie(
        f"{COOKIE_PREFIX}{event.id}",
        registration.ticket_token,
        max_age=14 * 86400,
        httponly=True,
        samesite="Lax",
        path="/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def image_response(registration, kind: str) -> Response:
    if kind == "svg":
        response = Response(services.qr_svg(services.ticket_url(registration.ticket_token)), mimetype="image/svg+xml")
    else:
        response = Response(services.ticket_png(registration), mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = f'inline; filename="ticket-{registration.id}.{kind}"'
    return response


@bp.get("/t/<token>/ticket.<any(png, svg):kind>")
def image(token: str, kind: str):
    return image_response(_load(token), kind)


@bp.post("/t/<token>/self-checkin")
def self_checkin(token: str):
    registration = _load(token)
    try:
        result = checkin_self.self_check_in(
            registration.ticket_token, request.form.get("code", ""), now=now(), ip=request.remote_addr or ""
        )
    except DomainError as error:
        if error.status == 404:
            abort(404)
        flash(str(error.message), "danger")
        return redirect(url_for("tickets.show", token=token)), 303
    flash(result.message, "success" if result.code in ("ok", "already_checked_in") else "danger")
    return redirect(url_for("tickets.show", token=token)), 303


@bp.post("/t/<token>/checkin")
def scan_checkin(token: str):
    """A trainer whose phone camera opened the ticket link checks the attendee in with one tap."""
    registration = _load(token)
    if not current_user.is_authenticated:
        abort(401)
    event = registration.event
    if not access.can_check_in(current_user, event):
        abort(403)
    result = checkin_scan.check_in(
        registration.ticket_token,
        event,
        actor=current_user,
        device=request.user_agent.string[:200],
        now=now(),
        method="scan",
    )
    flash(f"{result.message} · {registration.name}", "success" if result.ok else "warning")
    return redirect(url_for("tickets.show", token=token)), 303


@bp.post("/t/<token>/reissue")
def reissue(token: str):
    registration = _load(token)
    if not _may_reissue(registration):
        abort(403 if current_user.is_authenticated else 401)
    try:
        registration = services.reissue_ticket(registration, actor=current_user, now=now())
    except DomainError as error:
        flash(str(error.message), "danger")
        return redirect(url_for("tickets.show", token=token)), 303
    flash(_("已重新生成电子票，旧的二维码已失效。"), "success")
    return redirect(url_for("tickets.show", token=registration.ticket_token)), 303
