"""Event pages: thin. Load (404) → authorise (403) → one service call → respond."""

from __future__ import annotations

import marshmallow as ma
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from trainhub.access import can_manage_event, can_see_online_url, is_commission, load_event
from trainhub.accounts import queries as account_queries
from trainhub.campaigns import queries as campaign_queries
from trainhub.errors import ValidationError
from trainhub.events import bp, queries, services
from trainhub.events.forms import DATETIME_FIELDS, KIND_LABELS, MODE_LABELS, NO_CAMPAIGN, STATUS_LABELS, EventForm
from trainhub.events.rules import is_changeable, seats_left
from trainhub.events.schemas import EventFilters, EventSchema
from trainhub.forms import show_service_errors
from trainhub.models import Event
from trainhub.pagination import page_number, paginate
from trainhub.security import organizer_required
from trainhub.timeutil import now, to_local
from trainhub.units import queries as unit_queries

CATALOGUE_PER_PAGE = 12


def _labels() -> dict:
    return {"kinds": KIND_LABELS, "modes": MODE_LABELS, "statuses": STATUS_LABELS}


@bp.get("/events")
def catalogue():
    """The public catalogue (no login): upcoming events, filters, search, the archive tab."""
    args = request.args.to_dict()
    for name in ("status", "page", "per_page"):
        args.pop(name, None)
    try:
        filters = EventFilters().load(args)
    except ma.ValidationError:
        flash(_("筛选条件有误，已忽略。"), "warning")
        filters = {}
    page = page_number(request.args)
    moment = now()
    statement = queries.catalogue_query(filters, now=moment)
    listing = paginate(statement, page, CATALOGUE_PER_PAGE)
    events = listing.items
    counts = queries.registration_counts(e.id for e in events)
    return render_template(
        "events/catalogue.html",
        events=events,
        counts=counts,
        total=listing.total,
        page=page,
        pages=listing.pages,
        filters=filters,
        past=bool(filters.get("past")),
        campaigns=campaign_queries.published_campaigns(),
        topics=queries.topics(),
        window_state=queries.window_state,
        now=moment,
        **_labels(),
    )


@bp.get("/events/<int:event_id>")
def detail(event_id: int):
    """The public event page: seats left, waitlist, window state, trainers, venue or online link."""
    event = load_event(event_id, current_user, need="public")
    counts = queries.registration_counts([event.id])[event.id]
    moment = now()
    return render_template(
        "events/detail.html",
        event=event,
        counts=counts,
        seats_left=seats_left(event.capacity, counts["confirmed"]),
        state=queries.window_state(event, moment),
        can_manage=can_manage_event(current_user, event),
        online_url_visible=can_see_online_url(current_user, event),
        **_labels(),
    )


@bp.get("/manage/events")
@organizer_required
def manage_list():
    """The organizer's events (their unit's hosted and co-organized ones; the commission: all)."""
    filters = {"status": request.args.get("status") or "all"}
    if filters["status"] not in ("all", "draft", "published", "cancelled"):
        filters["status"] = "all"
    if request.args.get("q"):
        filters["q"] = request.args["q"].strip()[:100]
    statement = queries.catalogue_query(filters, now=now(), user=current_user)
    statement = statement.order_by(None).order_by(Event.starts_at.desc(), Event.id.desc())
    page = page_number(request.args)
    listing = paginate(statement, page, 30)
    events = listing.items
    counts = queries.registration_counts(e.id for e in events)
    return render_template(
        "events/manage_list.html",
        events=events,
        counts=counts,
        total=listing.total,
        page=page,
        pages=listing.pages,
        status=filters["status"],
        **_labels(),
    )


def _form_choices(form: EventForm) -> None:
    trainers = account_queries.trainers()
    units = unit_queries.list_units()
    campaigns = campaign_queries.all_campaigns()
    form.trainer_ids.choices = [SelectChoice(str(t.id), t.name) for t in trainers]
    form.co_unit_ids.choices = [SelectChoice(str(u.id), u.name) for u in units]
    host_units = units if is_commission(current_user) else [u for u in units if u.id == current_user.unit_id]
    form.host_unit_id.choices = [SelectChoice(str(u.id), u.name) for u in host_units]
    form.campaign_id.choices = [SelectChoice(NO_CAMPAIGN, _("（无）"))] + [
        SelectChoice(str(c.id), c.title) for c in campaigns
    ]


def _initial(event) -> dict:
    """The event as the form shows it (text; times in the platform's zone, to the minute)."""
    values = {}
    for name in ("title", "kind", "mode", "topic", "description", "venue", "online_url", "status"):
        values[name] = getattr(event, name) or ""
    for name in DATETIME_FIELDS:
        value = getattr(event, name)
        values[name] = to_local(value).strftime("%Y-%m-%dT%H:%M") if value else ""
    for name in (
        "capacity",
        "per_enterprise_quota",
        "pilot_reserved_seats",
        "checkin_opens_minutes_before",
        "checkin_closes_minutes_after",
        "certificate_min_minutes",
    ):
        value = getattr(event, name)
        values[name] = "" if value is None else str(value)
    values["requires_approval"] = bool(event.requires_approval)
    values["trainer_ids"] = [str(t.id) for t in event.trainers]
    values["co_unit_ids"] = [str(u.id) for u in event.co_units]
    values["host_unit_id"] = str(event.host_unit_id)
    values["campaign_id"] = str(event.campaign_id or NO_CAMPAIGN)
    return values


def _changes(form: EventForm, initial: dict) -> dict:
    """On edit, the loaded values of the fields the person changed (compared as the form showed
    them: an untouched time keeps its seconds)."""
    sent = form.schema_input()
    changed = {}
    for name, value in form.cleaned.items():
        before, after = initial.get(name), sent.get(name)
        if isinstance(before, list):
            same = sorted(str(v) for v in after or []) == sorted(before)
        else:
            same = after == before or (after is None and before in ("", NO_CAMPAIGN))
        if not same:
            changed[name] = value
    return changed


@bp.route("/manage/events/new", methods=["GET", "POST"])
@organizer_required
def new():
    """Create an event."""
    form = EventForm()
    _form_choices(form)
    if request.method == "GET":
        form.host_unit_id.data = str(current_user.unit_id)
        form.capacity.data = "50"  # a suggestion; the other numbers show the schema's defaults
        declared = EventSchema().fields
        for name in ("pilot_reserved_seats", "checkin_opens_minutes_before", "checkin_closes_minutes_after"):
            form[name].data = str(declared[name].load_default)
        if request.args.get("campaign_id", "").isdigit():
            form.campaign_id.data = request.args["campaign_id"]
    elif form.validate_on_submit():
        try:
            event = services.create_event(form.cleaned, actor=current_user, now=now())
        except ValidationError as error:
            show_service_errors(form, error, fallback=form.title, summary=True)
        else:
            flash(_("活动已创建。"), "success")
            return redirect(url_for("events.manage", event_id=event.id))
    return render_template("events/form.html", form=form, event=None), 422 if form.errors else 200


@bp.route("/manage/events/<int:event_id>/edit", methods=["GET", "POST"])
@organizer_required
def edit(event_id: int):
    """Edit an event (organizers of the host unit)."""
    event = load_event(event_id, current_user, need="manage")
    initial = _initial(event)
    form = EventForm(data=initial) if request.method == "GET" else EventForm()
    _form_choices(form)
    if not is_changeable(event):
        flash(_("活动已取消，不能再修改。"), "warning")
        return redirect(url_for("events.manage", event_id=event.id))
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.update_event(event, _changes(form, initial), actor=current_user, now=now())
        except ValidationError as error:
            show_service_errors(form, error, fallback=form.title, summary=True)
        else:
            flash(_("活动已保存。"), "success")
            return redirect(url_for("events.manage", event_id=event.id))
    return render_template("events/form.html", form=form, event=event), 422 if form.errors else 200


@bp.post("/manage/events/<int:event_id>/cancel")
@organizer_required
def cancel(event_id: int):
    """Cancel an event (a POST after the page's confirmation)."""
    event = load_event(event_id, current_user, need="manage")
    if request.form.get("confirm") != "yes":
        flash(_("请勾选确认后再取消活动。"), "warning")
        return redirect(url_for("events.manage", event_id=event.id))
    services.cancel_event(event, actor=current_user, now=now())
    flash(_("活动已取消，已报名的学员会收到通知。"), "success")
    return redirect(url_for("events.manage", event_id=event.id))


@bp.post("/manage/events/<int:event_id>/publish")
@organizer_required
def publish(event_id: int):
    """Publish a draft."""
    event = load_event(event_id, current_user, need="manage")
    try:
        services.publish_event(event, actor=current_user, now=now())
    except ValidationError as error:
        flash(str(error.message) + " " + "; ".join(str(m) for ms in error.fields.values() for m in ms), "danger")
    else:
        flash(_("活动已发布。"), "success")
    return redirect(url_for("events.manage", event_id=event.id))


@bp.get("/manage/events/<int:event_id>")
@organizer_required
def manage(event_id: int):
    """The organizer's event hub: summary counts and links to every tool of the event."""
    event = load_event(event_id, current_user, need="view")
    if not current_user.is_organizer:
        abort(403)
    counts = queries.registration_counts([event.id])[event.id]
    return render_template(
        "events/manage.html",
        event=event,
        counts=counts,
        seats_left=seats_left(event.capacity, counts["confirmed"]),
        can_manage=can_manage_event(current_user, event),
        state=queries.window_state(event, now()),
        **_labels(),
    )
