"""The registration rules, called directly (issue 2, item 9)."""

from __future__ import annotations

from datetime import timedelta

import marshmallow as ma
import pytest
import sqlalchemy as sa

from tests.registrations.conftest import attendee, attendees
from trainhub.errors import DomainError
from trainhub.events import services as events
from trainhub.extensions import db
from trainhub.models import OutboxMessage, Registration
from trainhub.registrations import services
from trainhub.registrations.schemas import RegistrationRequestSchema, RejectSchema
from trainhub.schemas import field_errors


def statuses(event):
    return db.session.execute(
        sa.select(Registration.name, Registration.status)
        .where(Registration.event_id == event.id)
        .order_by(Registration.id)
    ).all()


def test_capacity_then_waitlist_in_arrival_order(make, open_event, now):
    event = open_event(capacity=2)
    org = make.organization()
    created = services.register_attendees(event, org, attendees(4), actor=None, now=now)
    assert [r.status for r in created] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert all(r.ticket_token for r in created[:2]) and not any(r.ticket_token for r in created[2:])
    assert created[0].confirmed_at is not None
    assert services.waitlist_positions([event.id]) == {created[2].id: 1, created[3].id: 2}
    kinds = db.session.scalars(sa.select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == ["registration_confirmed"] * 2 + ["registration_waitlisted"] * 2


@pytest.mark.parametrize(
    "offset, code", [(-timedelta(minutes=1), "registration_not_open"), (timedelta(days=6), "registration_closed")]
)
def test_window_both_ends(make, open_event, now, offset, code):
    event = open_event()
    moment = event.registration_opens_at + offset if code == "registration_not_open" else now + offset
    with pytest.raises(DomainError) as error:
        services.register_attendees(event, make.organization(), [attendee()], actor=None, now=moment)
    assert error.value.code == code and error.value.status == 409
    assert statuses(event) == []


def test_window_edges_are_inclusive_at_opening_and_closed_at_closing(make, open_event):
    event = open_event()
    org = make.organization()
    assert services.register_attendees(event, org, [attendee()], actor=None, now=event.registration_opens_at)
    with pytest.raises(DomainError) as error:
        services.register_attendees(event, org, [attendee()], actor=None, now=event.registration_closes_at)
    assert error.value.code == "registration_closed"


def test_cancelled_event_refuses_and_draft_is_not_found(make, open_event, now):
    with pytest.raises(DomainError) as error:
        services.register_attendees(
            open_event(status="cancelled"), make.organization(), [attendee()], actor=None, now=now
        )
    assert error.value.code == "event_not_open"
    with pytest.raises(DomainError) as error:
        services.register_attendees(open_event(status="draft"), make.organization(), [attendee()], actor=None, now=now)
    assert error.value.status == 404


def load(rows) -> list[dict]:
    """The attendees as the API, the page and the CLI load them (RegistrationRequestSchema)."""
    return RegistrationRequestSchema().load({"attendees": rows})["attendees"]


def problems(rows) -> dict:
    with pytest.raises(ma.ValidationError) as error:
        load(rows)
    return field_errors(error.value.messages)


def test_invalid_rows_are_refused_whole_with_field_keys(app):
    rows = [
        attendee(),
        {"name": "", "phone": "12345"},
        attendee(email="not-an-email"),
        attendee(phone="13800000001"),
        attendee(phone="13800000001"),
    ]
    fields = problems(rows)
    assert set(fields) == {"attendees.1.name", "attendees.1.phone", "attendees.2.email", "attendees.4.phone"}
    assert [str(m) for m in fields["attendees.4.phone"]] == ["与第 4 行的手机号码重复。"]
    assert [str(m) for m in fields["attendees.1.phone"]] == ["手机号码格式不正确（11 位，以 1 开头）。"]
    assert "attendees" in problems([])
    assert "attendees" in problems("x")
    assert [str(m) for m in problems([attendee() for _ in range(201)])["attendees"]] == ["一次最多报名 200 人。"]
    assert set(problems([attendee(), "a row", None])) == {"attendees.1", "attendees.2"}
    assert set(problems([{"name": 5, "phone": "13800000002", "job_title": "x" * 101}])) == {
        "attendees.0.name",
        "attendees.0.job_title",
    }


def test_a_phone_twice_is_found_even_on_a_row_with_other_problems(app):
    fields = problems([{"name": "", "phone": "13800000003"}, attendee(phone="138 0000 0003", email="")])
    assert set(fields) == {"attendees.0.name", "attendees.1.phone"}


def test_the_reason_of_a_rejection_is_required_and_bounded(app):
    with pytest.raises(ma.ValidationError) as error:
        RejectSchema().load({"reason": "  "})
    assert [str(m) for m in field_errors(error.value.messages)["reason"]] == ["请填写不通过的原因。"]
    with pytest.raises(ma.ValidationError) as error:
        RejectSchema().load({"reason": "长" * 501})
    assert "reason" in error.value.messages
    assert RejectSchema().load({"reason": " 名额已满 "}) == {"reason": "名额已满"}


def test_non_pilot_organizations_leave_reserved_seats_to_pilot_units(make, open_event, now):
    event = open_event(capacity=3, pilot_reserved_seats=1)
    other, pilot = make.organization(), make.organization(is_pilot_unit=True)
    created = services.register_attendees(event, other, attendees(3), actor=None, now=now)
    assert [r.status for r in created] == ["confirmed", "confirmed", "waitlisted"]
    late_pilot = services.register_attendees(event, pilot, attendees(2), actor=None, now=now)
    assert [r.status for r in late_pilot] == ["confirmed", "waitlisted"]


def test_pilot_units_may_use_every_seat(make, open_event, now):
    event = open_event(capacity=3, pilot_reserved_seats=1)
    pilot = make.organization(is_pilot_unit=True)
    created = services.register_attendees(event, pilot, attendees(4), actor=None, now=now)
    assert [r.status for r in created] == ["confirmed"] * 3 + ["waitlisted"]


def test_cancel_promotes_first_waitlisted_for_whom_rules_hold(make, open_event, now):
    event = open_event(capacity=2, pilot_reserved_seats=1)
    other, pilot = make.organization(), make.organization(is_pilot_unit=True)
    (confirmed_pilot,) = services.register_attendees(event, pilot, [attendee("试点甲")], actor=None, now=now)
    confirmed_other, waiting_other = services.register_attendees(event, other, attendees(2), actor=None, now=now)
    (waiting_pilot,) = services.register_attendees(event, pilot, [attendee("试点乙")], actor=None, now=now)
    assert (waiting_other.status, waiting_pilot.status) == ("waitlisted", "waitlisted")
    # The pilot's seat frees: the first waitlisted (non-pilot) may not take it (1 non-pilot seat, used).
    cancelled = services.cancel_registration(confirmed_pilot, actor=None, now=now)
    assert cancelled.status == "cancelled" and cancelled.ticket_token is None and cancelled.sequence == 1
    db.session.refresh(waiting_other)
    db.session.refresh(waiting_pilot)
    assert waiting_other.status == "waitlisted"
    assert waiting_pilot.status == "confirmed" and waiting_pilot.ticket_token
    # The non-pilot seat frees: the waiting non-pilot gets it.
    services.cancel_registration(confirmed_other, actor=None, now=now)
    db.session.refresh(waiting_other)
    assert waiting_other.status == "confirmed"
    kinds = db.session.scalars(sa.select(OutboxMessage.kind).where(OutboxMessage.kind == "registration_promoted")).all()
    assert len(kinds) == 2


def test_promotion_on_capacity_raise_and_fewer_reserved_seats(make, open_event, now):
    event = open_event(capacity=2, pilot_reserved_seats=1)
    other = make.organization()
    created = services.register_attendees(event, other, attendees(4), actor=None, now=now)
    assert [r.status for r in created] == ["confirmed", "waitlisted", "waitlisted", "waitlisted"]
    event.pilot_reserved_seats = 0
    db.session.commit()
    promoted = services.promote_waitlist(event, now=now, commit=True)
    assert [r.id for r in promoted] == [created[1].id]
    event.capacity = 4
    db.session.commit()
    promoted = services.promote_waitlist(event, now=now, commit=True)
    assert [r.id for r in promoted] == [created[2].id, created[3].id]
    assert all(r.ticket_token for r in promoted)


def test_quota_refuses_whole_request_with_allowed(make, open_event, now):
    event = open_event(capacity=2, per_enterprise_quota=3)
    org = make.organization()
    services.register_attendees(event, org, attendees(2), actor=None, now=now)
    with pytest.raises(DomainError) as error:
        services.register_attendees(event, org, attendees(2), actor=None, now=now)
    assert error.value.code == "quota_exceeded"
    assert error.value.to_dict()["error"]["allowed"] == 1
    assert len(statuses(event)) == 2
    # Waitlisted places count too; cancelled ones free the quota.
    (third,) = services.register_attendees(event, org, attendees(1), actor=None, now=now)
    assert third.status == "waitlisted"
    with pytest.raises(DomainError) as error:
        services.register_attendees(event, org, attendees(1), actor=None, now=now)
    assert error.value.extra["allowed"] == 0
    services.cancel_registration(third, actor=None, now=now)
    assert services.register_attendees(event, org, attendees(1), actor=None, now=now)
    # Another enterprise has its own quota.
    assert len(services.register_attendees(event, make.organization(), attendees(3), actor=None, now=now)) == 3


def test_same_phone_twice_for_one_event_is_refused(make, open_event, now):
    event = open_event()
    (first,) = services.register_attendees(
        event, make.organization(), [attendee(phone="13900000001")], actor=None, now=now
    )
    with pytest.raises(DomainError) as error:
        services.register_attendees(event, make.organization(), [attendee(phone="13900000001")], actor=None, now=now)
    assert error.value.code == "duplicate_phone" and error.value.status == 409
    # Another event accepts it, and after cancelling it may be registered again.
    assert services.register_attendees(
        open_event(), make.organization(), [attendee(phone="13900000001")], actor=None, now=now
    )
    services.cancel_registration(first, actor=None, now=now)
    assert services.register_attendees(event, make.organization(), [attendee(phone="13900000001")], actor=None, now=now)


def test_unique_index_backs_duplicate_phone(make, open_event, now, monkeypatch):
    """Even if the check were skipped (a race), the database refuses and the answer is the same 409."""
    event = open_event()
    make.registration(event, phone="13900000002")
    real_scalars = db.session.scalars

    def blind_scalars(statement, *args, **kwargs):
        if "registrations.phone" in str(statement).split("FROM")[0]:
            return real_scalars(sa.select(Registration.phone).where(sa.false()))
        return real_scalars(statement, *args, **kwargs)

    monkeypatch.setattr(db.session, "scalars", blind_scalars)
    with pytest.raises(DomainError) as error:
        services.register_attendees(event, make.organization(), [attendee(phone="13900000002")], actor=None, now=now)
    assert error.value.code == "duplicate_phone"


def test_approval_flow_with_reason(make, open_event, now):
    event = open_event(capacity=1, requires_approval=True)
    org = make.organization()
    a, b, c = services.register_attendees(event, org, attendees(3), actor=None, now=now)
    assert {a.status, b.status, c.status} == {"pending"} and a.ticket_token is None
    organizer = make.organizer()
    assert services.approve_registration(a, actor=organizer, now=now).status == "confirmed"
    assert services.approve_registration(b, actor=organizer, now=now).status == "waitlisted"
    rejected = services.reject_registration(c, "名额已满，请参加下一期", actor=organizer, now=now)
    assert rejected.status == "rejected" and rejected.rejection_reason == "名额已满，请参加下一期"
    with pytest.raises(DomainError) as error:
        services.approve_registration(rejected, actor=organizer, now=now)
    assert error.value.code == "not_pending"
    # Rejecting a confirmed attendee frees the seat for the waitlist.
    services.reject_registration(a, "资格不符", actor=organizer, now=now)
    db.session.refresh(b)
    assert b.status == "confirmed"
    bodies = db.session.scalars(
        sa.select(OutboxMessage.body_text).where(OutboxMessage.kind == "registration_rejected")
    ).all()
    assert any("名额已满" in body for body in bodies)


def test_cancelling_twice_is_a_conflict(make, open_event, now):
    (reg,) = services.register_attendees(open_event(), make.organization(), [attendee()], actor=None, now=now)
    services.cancel_registration(reg, actor=None, now=now)
    with pytest.raises(DomainError) as error:
        services.cancel_registration(reg, actor=None, now=now)
    assert error.value.code == "not_active"


def test_cancelling_the_event_cancels_its_registrations(make, open_event, now):
    event = open_event(capacity=1)
    regs = services.register_attendees(event, make.organization(), attendees(2), actor=None, now=now)
    event.status = "cancelled"
    cancelled = services.cancel_registrations_of_event(event, actor=None, now=now)
    db.session.commit()
    assert [r.id for r in cancelled] == [r.id for r in regs]
    assert {s for _n, s in statuses(event)} == {"cancelled"}
    assert db.session.scalar(sa.select(sa.func.count()).where(Registration.ticket_token.is_not(None))) == 0
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == "registration_event_cancelled")
        )
        == 2
    )


def test_seat_counts(make, open_event, now):
    event = open_event(capacity=2, pilot_reserved_seats=1)
    services.register_attendees(event, make.organization(is_pilot_unit=True), attendees(1), actor=None, now=now)
    services.register_attendees(event, make.organization(), attendees(2), actor=None, now=now)
    counts = services.seat_counts(event)
    assert (counts.confirmed_pilot, counts.confirmed_other, counts.waitlisted, counts.seats_left) == (1, 1, 1, 0)


def test_through_the_events_service_capacity_raise_promotes_and_cancel_cancels(make, open_event, now):
    event = open_event(capacity=1, pilot_reserved_seats=1)
    organizer = make.organizer()
    pilot, other = make.organization(is_pilot_unit=True), make.organization()
    services.register_attendees(event, pilot, attendees(1), actor=None, now=now)
    (waiting,) = services.register_attendees(event, other, attendees(1), actor=None, now=now)
    assert waiting.status == "waitlisted"
    events.update_event(event, {"capacity": 2}, actor=organizer, now=now)  # reserved 1 of 2: the other may now sit
    db.session.refresh(waiting)
    assert waiting.status == "confirmed"
    events.cancel_event(event, actor=organizer, now=now)
    assert {s for _n, s in statuses(event)} == {"cancelled"}
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == "registration_event_cancelled")
        )
        == 2
    )


@pytest.mark.parametrize("typed", ["138 0013 8000", "138-0013-8000", "+86 13800138000", " 13800138000 "])
def test_phone_numbers_are_stored_as_eleven_digits(make, open_event, now, typed):
    (reg,) = services.register_attendees(
        open_event(), make.organization(), load([attendee(phone=typed, email="HR@Example.cn")]), actor=None, now=now
    )
    assert reg.phone == "13800138000" and reg.email == "hr@example.cn"
