"""Check-in pages: the console (camera + manual), counters, presenter code, attendance, undo."""

from __future__ import annotations

from flask import abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainhub import access
from trainhub.checkin import bp, queries, scan, self_checkin, services
from trainhub.checkin.serializers import result_to_dict
from trainhub.errors import DomainError
from trainhub.events.rules import supports_self_checkin
from trainhub.tickets.services import qr_svg
from trainhub.timeutil import iso, now


def _no_store(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/checkin/<int:event_id>")
@login_required
def console(event_id: int):
    event = access.load_event(event_id, current_user, need="checkin")
    return render_template("checkin/console.html", event=event, counters=queries.counters(event))


@bp.get("/checkin/<int:event_id>/stats")
@login_required
def stats(event_id: int):
    event = access.load_event(event_id, current_user, need="checkin")
    return _no_store(jsonify(queries.counters(event)))


@bp.get("/checkin/<int:event_id>/search")
@login_required
def search(event_id: int):
    event = access.load_event(event_id, current_user, need="checkin")
    items = [
        {
            "id": r.id,
            "name": r.name,
            "phone_last4": (r.phone or "")[-4:],
            "organization": r.organization.name,
            "checked_in_at": iso(r.checked_in_at),
        }
        for r in queries.search_attendees(event, request.args.get("q", "")[:50])
    ]
    return _no_store(jsonify({"items": items}))


@bp.post("/checkin/<int:event_id>/manual")
@login_required
def manual(event_id: int):
    """One tap on a search result: the same service, method=manual."""
    event = access.load_event(event_id, current_user, need="checkin")
    data = request.get_json(silent=True) or request.form
    try:
        registration_id = int(data.get("registration_id"))  # type: ignore[arg-type]  # None → TypeError, caught
    except (TypeError, ValueError):
        abort(400)
    registration = access.load_event_registration(event, registration_id)
    result = scan.check_in_registration(
        registration, event, actor=current_user, device=request.user_agent.string[:200], now=now()
    )
    return jsonify(result_to_dict(result))


@bp.get("/checkin/<int:event_id>/presenter")
@login_required
def presenter(event_id: int):
    """The rotating self check-in code (QR + 6 digits) for the presenter's screen."""
    event = access.load_event(event_id, current_user, need="checkin")
    if not supports_self_checkin(event):
        return render_template("checkin/presenter.html", event=event, unavailable=True), 409
    event = self_checkin.ensure_self_checkin_secret(event)
    return render_template("checkin/presenter.html", event=event, unavailable=False, **_presenter_state(event))


def _presenter_state(event) -> dict:
    code, seconds_left = self_checkin.current_self_checkin_code(event, now())
    url = url_for("checkin.self_entry", event_id=event.id, code=code, _external=False)
    from flask import current_app

    full_url = current_app.config["BASE_URL"].rstrip("/") + url
    return {"code": code, "seconds_left": seconds_left, "qr": qr_svg(full_url), "url": full_url}


@bp.get("/checkin/<int:event_id>/presenter.json")
@login_required
def presenter_state(event_id: int):
    event = access.load_event(event_id, current_user, need="checkin")
    if not supports_self_checkin(event):
        abort(409)
    event = self_checkin.ensure_self_checkin_secret(event)
    return _no_store(jsonify({**_presenter_state(event), **queries.counters(event)}))


@bp.get("/checkin/<int:event_id>/self")
def self_entry(event_id: int):
    """Where the presenter's QR code leads: the attendee's own ticket page (remembered on this phone)."""
    from trainhub.tickets.views import COOKIE_PREFIX

    token = request.cookies.get(f"{COOKIE_PREFIX}{event_id}", "")
    code = "".join(ch for ch in request.args.get("code", "") if ch.isdigit())[:6]
    if token:
        return redirect(url_for("tickets.show", token=token, code=code))
    return render_template("checkin/self_entry.html", code=code)


@bp.get("/manage/events/<int:event_id>/attendance")
@login_required
def attendance(event_id: int):
    event = access.load_event(event_id, current_user, need="view")
    context = dict(
        event=event,
        counters=queries.counters(event),
        organizations=queries.by_organization(event),
        scans=queries.latest_scans(event, limit=30),
        can_manage=access.can_manage_event(current_user, event),
    )
    if request.args.get("partial"):
        return _no_store(render_template("checkin/_attendance_body.html", **context))
    return render_template("checkin/attendance.html", **context)


@bp.post("/manage/events/<int:event_id>/checkins/<int:checkin_id>/undo")
@login_required
def undo(event_id: int, checkin_id: int):
    event = access.load_event(event_id, current_user, need="manage")
    row = access.load_event_checkin(event, checkin_id)
    try:
        services.undo_check_in(row, actor=current_user, now=now())
        flash(_("已撤销该签到（记录保留）。"), "success")
    except DomainError as error:
        flash(str(error.message), "danger")
    return redirect(url_for("checkin.attendance", event_id=event.id)), 303


@bp.get("/checkin")
@login_required
def index():
    """The events this trainer (or organizer) checks in today and next: one tap to the console."""
    if not (current_user.is_trainer or current_user.is_organizer):
        abort(403)
    return render_template("checkin/index.html", events=queries.console_events(current_user, now()))
