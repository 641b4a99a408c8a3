"""Registration (报名) use cases: the only place the registration rules live.

Pages, the API and the CLI call these functions. Each write use case takes the write lock
(`begin_write()`), locks the event row that guards the seat counts, and commits once at its end;
the exceptions are `promote_waitlist` and `cancel_registrations_of_event`, which run inside the
caller's open transaction (they never commit unless asked to).

The rules (issue 2, item 9):
- window: not before `registration_opens_at`, not after `registration_closes_at` (or the start);
- capacity: confirmed ≤ capacity, beyond it attendees join the waitlist in arrival order (by id);
- pilot units (试点单位): non-pilot organizations' confirmed ≤ capacity − pilot_reserved_seats;
- a freed seat promotes at once the first waitlisted attendee for whom the rules hold;
- per-enterprise quota on confirmed + waitlisted + pending places, a request is refused whole;
- one live registration per mobile number and event;
- with approval required attendees are pending until approved (then the seat rules apply) or rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from trainhub.db import begin_write, use_case, violated_constraint
from trainhub.errors import DomainError
from trainhub.events.queries import lock_event, window_state  # the window has one rule; views use it from here
from trainhub.events.rules import seats_left
from trainhub.extensions import db
from trainhub.models import ACTIVE_STATUSES, Event, Organization, Registration
from trainhub.notifications import notify
from trainhub.registrations import rules
from trainhub.security import new_token

# -- reading the counts ----------------------------------------------------------------------


@dataclass
class SeatCounts:
    """The live counts of one event (confirmed split by pilot / non-pilot organizations)."""

    capacity: int
    reserved: int
    confirmed_pilot: int = 0
    confirmed_other: int = 0
    waitlisted: int = 0
    pending: int = 0

    @property
    def confirmed(self) -> int:
        return self.confirmed_pilot + self.confirmed_other

    @property
    def seats_left(self) -> int:
        return seats_left(self.capacity, self.confirmed)

    def seat_free_for(self, is_pilot: bool) -> bool:
        """A seat is free for this organization under the capacity and reserved-seat rules."""
        if self.confirmed >= self.capacity:
            return False
        if is_pilot:
            return True
        return self.confirmed_other < self.capacity - self.reserved

    def take(self, is_pilot: bool) -> None:
        if is_pilot:
            self.confirmed_pilot += 1
        else:
            self.confirmed_other += 1


def seat_counts(event: Event) -> SeatCounts:
    """One grouped query: confirmed (pilot / other), waitlisted and pending of an event."""
    return event_counts([event])[event.id]


def event_counts(events) -> dict[int, SeatCounts]:
    """Counts for several events in one query (lists of events: seats_left, waitlist_length)."""
    events = list(events)
    result = {e.id: SeatCounts(capacity=e.capacity, reserved=e.pilot_reserved_seats or 0) for e in events}
    if not events:
        return result
    rows = db.session.execute(
        sa.select(Registration.event_id, Registration.status, Organization.is_pilot_unit, sa.func.count())
        .join(Organization, Organization.id == Registration.organization_id)
        .where(Registration.event_id.in_(list(result)), Registration.status.in_(ACTIVE_STATUSES))
        .group_by(Registration.event_id, Registration.status, Organization.is_pilot_unit)
    ).all()
    for event_id, status, is_pilot, count in rows:
        counts = result[event_id]
        if status == "confirmed":
            if is_pilot:
                counts.confirmed_pilot += count
            else:
                counts.confirmed_other += count
        elif status == "waitlisted":
            counts.waitlisted += count
        else:
            counts.pending += count
    return result


def waitlist_positions(event_ids) -> dict[int, int]:
    """{registration id: 1-based position among the waitlisted of its event, in id order}."""
    event_ids = list(set(event_ids))
    if not event_ids:
        return {}
    rows = db.session.execute(
        sa.select(Registration.id, Registration.event_id)
        .where(Registration.event_id.in_(event_ids), Registration.status == "waitlisted")
        .order_by(Registration.event_id, Registration.id)
    ).all()
    positions: dict[int, int] = {}
    seen: dict[int, int] = {}
    for reg_id, event_id in rows:
        seen[event_id] = seen.get(event_id, 0) + 1
        positions[reg_id] = seen[event_id]
    return positions


def organization_places(event: Event, organization: Organization) -> int:
    """Places the organization holds at the event (confirmed + waitlisted + pending)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.organization_id == organization.id,
                Registration.status.in_(ACTIVE_STATUSES),
            )
        )
        or 0
    )


def quota_left(event: Event, organization: Organization) -> int | None:
    """Places still allowed to the organization (None: no quota)."""
    if not event.per_enterprise_quota:
        return None
    return max(0, event.per_enterprise_quota - organization_places(event, organization))


# -- internal helpers -------------------------------------------------------------------------


def _lock_registration(registration_id: int) -> Registration:
    registration = db.session.scalar(
        sa.select(Registration)
        .where(Registration.id == registration_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if registration is None:
        raise DomainError("not_found", _l("未找到该对象。"), 404)
    return registration


def _confirm(registration: Registration, now: datetime) -> None:
    registration.status = "confirmed"
    registration.ticket_token = new_token()
    registration.confirmed_at = now
    registration.updated_at = now


def _deactivate(registration: Registration, status: str, now: datetime) -> bool:
    """→ cancelled / rejected; True when it held a seat."""
    held_seat = registration.status == "confirmed"
    registration.status = status
    registration.ticket_token = None
    registration.sequence = (registration.sequence or 0) + 1
    registration.updated_at = now
    if status == "cancelled":
        registration.cancelled_at = now
    return held_seat


def _check_window(event: Event, now: datetime) -> None:
    state = window_state(event, now)
    if state == "event_not_open":
        if event.status == "draft":
            raise DomainError("not_found", _l("未找到该对象。"), 404)
        raise DomainError("event_not_open", _l("该活动已取消，不能报名。"), 409)
    if state == "not_open":
        raise DomainError("registration_not_open", _l("报名尚未开始。"), 409)
    if state == "closed":
        raise DomainError("registration_closed", _l("报名已截止。"), 409)


def _duplicate_phone_error(phones) -> DomainError:
    return DomainError(
        "duplicate_phone", _l("该手机号码已报名本活动：%(phones)s", phones="、".join(phones)), 409, phones=list(phones)
    )


# -- use cases --------------------------------------------------------------------------------


@use_case
def register_attendees(
    event: Event, organization: Organization, attendees: list[dict], *, actor, now: datetime, present=None
):
    """An enterprise registers one or more attendees at once (all or nothing) → the new registrations,
    or `present(registrations)` when given: the caller's answer, built inside the transaction before its
    commit, so that nothing can fail after the commit (a lost connection) and turn a registration that
    was made into an error that a client then retries.

    `attendees` as RegistrationRequestSchema loads them (trainhub/registrations/schemas.py: required
    fields, formats, normalised phones, no phone twice). Raises DomainError 409 `event_not_open`,
    `registration_not_open`, `registration_closed`, `quota_exceeded` (with `allowed`),
    `duplicate_phone` (with `phones`), 403 `organization_disabled`, or 404 for a draft event.
    """
    rows = list(attendees)
    begin_write()
    event = lock_event(event.id)
    organization = db.session.get_one(Organization, organization.id, populate_existing=True)
    _check_window(event, now)
    if not organization.is_active:
        raise DomainError("organization_disabled", _l("该企业已停用，不能报名。"), 403)

    if event.per_enterprise_quota:
        held = organization_places(event, organization)
        allowed = max(0, event.per_enterprise_quota - held)
        if len(rows) > allowed:
            raise DomainError(
                "quota_exceeded",
                _l(
                    "超出每家企业的报名名额（%(quota)s 人），还可报名 %(allowed)s 人。",
                    quota=event.per_enterprise_quota,
                    allowed=allowed,
                ),
                409,
                allowed=allowed,
            )

    phones = [row["phone"] for row in rows]
    taken = db.session.scalars(
        sa.select(Registration.phone).where(
            Registration.event_id == event.id,
            Registration.phone.in_(phones),
            Registration.status.in_(ACTIVE_STATUSES),
        )
    ).all()
    if taken:
        raise _duplicate_phone_error(sorted(set(taken)))

    counts = seat_counts(event)
    locale = getattr(actor, "locale", None) if actor is not None else None
    created: list[Registration] = []
    try:
        created = _insert_rows(event, organization, rows, counts, actor=actor, locale=locale, now=now)
        for registration in created:
            notify.registration_changed(registration, registration.status)
        answer = present(created) if present is not None else created
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        if violated_constraint(error) != "uq_registrations_event_phone_active":
            raise
        # The partial unique index (event_id, phone) backs the duplicate check.
        raise _duplicate_phone_error(phones) from None
    return answer


def _insert_rows(event, organization, rows, counts, *, actor, locale, now) -> list[Registration]:
    created: list[Registration] = []
    for row in rows:
        registration = Registration(
            event_id=event.id,
            organization_id=organization.id,
            name=row["name"],
            phone=row["phone"],
            email=row.get("email", ""),
            job_title=row.get("job_title", ""),
            created_by_id=getattr(actor, "id", None),
            created_at=now,
            updated_at=now,
            locale=locale,
        )
        if event.requires_approval:
            registration.status = "pending"
        elif counts.seat_free_for(organization.is_pilot_unit):
            _confirm(registration, now)
            counts.take(organization.is_pilot_unit)
        else:
            registration.status = "waitlisted"
        registration.event = event
        registration.organization = organization
        db.session.add(registration)
        db.session.flush()  # ids in arrival order: the waitlist is ordered by id
        created.append(registration)
    return created


@use_case
def promote_waitlist(event: Event, *, now: datetime, commit: bool = False) -> list[Registration]:
    """Fill free seats from the waitlist: repeatedly the FIRST waitlisted attendee (by id) for whom
    the rules hold gets the seat, a ticket and a "promoted" message.

    Call it inside an open write transaction that holds the event's lock (the events service does
    after raising the capacity or lowering the reserved seats), or with `commit=True` as its own
    use case (it then takes the lock itself).
    """
    if commit:
        begin_write()
        event = lock_event(event.id)
    if event.status != "published":
        if commit:
            db.session.commit()
        return []
    db.session.flush()
    counts = seat_counts(event)
    promoted: list[Registration] = []
    if counts.seats_left > 0 and counts.waitlisted:
        waiting = db.session.execute(
            sa.select(Registration, Organization.is_pilot_unit)
            .join(Organization, Organization.id == Registration.organization_id)
            .where(Registration.event_id == event.id, Registration.status == "waitlisted")
            .order_by(Registration.id)
        ).all()
        for registration, is_pilot in waiting:
            if counts.seats_left == 0:
                break
            if counts.seat_free_for(is_pilot):
                _confirm(registration, now)
                registration.sequence = (registration.sequence or 0) + 1
                counts.take(is_pilot)
                promoted.append(registration)
        for registration in promoted:
            notify.registration_changed(registration, "promoted")
    if commit:
        db.session.commit()
    return promoted


@use_case
def cancel_registration(registration: Registration, *, actor, now: datetime) -> Registration:
    """The enterprise (or a managing organizer) cancels one attendee; the freed seat is passed on."""
    begin_write()
    event = lock_event(registration.event_id)
    registration = _lock_registration(registration.id)
    if not rules.can_cancel(registration):
        raise DomainError("not_active", _l("该报名已取消或未通过审核。"), 409)
    _deactivate(registration, "cancelled", now)
    notify.registration_changed(registration, "cancelled")
    promote_waitlist(event, now=now)
    db.session.commit()
    return registration


@use_case
def approve_registration(registration: Registration, *, actor, now: datetime) -> Registration:
    """An organizer approves a pending attendee: confirmed if a seat is free for the organization, else waitlisted."""
    begin_write()
    event = lock_event(registration.event_id)
    registration = _lock_registration(registration.id)
    if not rules.awaits_approval(registration):
        raise DomainError("not_pending", _l("只能审核待审核的报名。"), 409)
    if event.status != "published":
        raise DomainError("event_not_open", _l("该活动已取消，不能报名。"), 409)
    counts = seat_counts(event)
    # Earlier waitlisted attendees keep their place: a seat goes to the newcomer only if the
    # waitlist could not use it (promote_waitlist keeps that invariant).
    if counts.seat_free_for(registration.organization.is_pilot_unit):
        _confirm(registration, now)
        notify.registration_changed(registration, "approved")
    else:
        registration.status = "waitlisted"
        registration.updated_at = now
        notify.registration_changed(registration, "waitlisted")
    db.session.commit()
    return registration


@use_case
def reject_registration(registration: Registration, reason: str, *, actor, now: datetime) -> Registration:
    """An organizer rejects an attendee with a reason the enterprise sees (as RejectSchema loads it); a
    freed seat is passed on."""
    begin_write()
    event = lock_event(registration.event_id)
    registration = _lock_registration(registration.id)
    if not rules.can_cancel(registration):
        raise DomainError("not_active", _l("该报名已取消或未通过审核。"), 409)
    held_seat = _deactivate(registration, "rejected", now)
    registration.rejection_reason = reason
    notify.registration_changed(registration, "rejected")
    if held_seat:
        promote_waitlist(event, now=now)
    db.session.commit()
    return registration


def cancel_registrations_of_event(event: Event, *, actor, now: datetime) -> list[Registration]:
    """The event is cancelled: every active registration is cancelled and its attendee told so
    (the `event_cancelled` message — the caller must not send it again).

    Runs INSIDE the events service's transaction, after it locked the event: it never commits.
    """
    registrations = db.session.scalars(
        sa.select(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE_STATUSES))
        .order_by(Registration.id)
        .with_for_update()
    ).all()
    for registration in registrations:
        _deactivate(registration, "cancelled", now)
    notify.event_cancelled(event, registrations)
    return list(registrations)


STATUS_LABELS = {
    "pending": _l("待审核"),
    "confirmed": _l("报名成功"),
    "waitlisted": _l("候补"),
    "cancelled": _l("已取消"),
    "rejected": _l("未通过"),
}
