"""Event use cases with the values EventSchema loads: every validation rule by its field (the schema's and
the service's), scope, changes and cancelling."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from trainhub.errors import DomainError, ValidationError
from trainhub.events import services
from trainhub.events.schemas import EventSchema
from trainhub.extensions import db
from trainhub.models import Event, OutboxMessage, Registration
from trainhub.schemas import load as schema_load


def load(data: dict, *, partial: bool = False) -> dict:
    """What the API and the form hand the service: the values as EventSchema loads them (422 by field)."""
    return schema_load(EventSchema(partial=partial), data)


def create(data: dict, **kwargs):
    return services.create_event(load(data), **kwargs)


def update(event, data: dict, **kwargs):
    return services.update_event(event, load(data, partial=True), **kwargs)


def test_create_event_stores_times_in_utc_and_defaults(make, payload, now):
    organizer = make.organizer()
    event = create(payload(), actor=organizer, now=now)
    assert event.id and event.status == "published"
    assert event.starts_at.isoformat() == "2021-10-14T01:00:00+00:00"  # 09:00 in Shanghai
    assert event.host_unit_id == organizer.unit_id
    assert event.checkin_opens_minutes_before == 60 and event.checkin_closes_minutes_after == 30
    assert event.self_checkin_secret is None  # offline events have no self check-in code


def test_draft_is_the_default_status(make, payload, now):
    data = payload()
    del data["status"]
    event = create(data, actor=make.organizer(), now=now)
    assert event.status == "draft"


@pytest.mark.parametrize("mode", ["online", "hybrid"])
def test_online_events_get_a_self_checkin_secret(make, payload, now, mode):
    event = create(payload(mode=mode, online_url="https://meeting.example.cn/123"), actor=make.organizer(), now=now)
    assert event.self_checkin_secret and len(event.self_checkin_secret) >= 20


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"title": "  "}, "title"),
        ({"title": None}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"kind": "party"}, "kind"),
        ({"mode": "radio"}, "mode"),
        ({"starts_at": "not a time"}, "starts_at"),
        ({"starts_at": None}, "starts_at"),
        ({"ends_at": "2021-10-14T08:00"}, "ends_at"),  # end before start
        ({"ends_at": "2021-10-14T09:00"}, "ends_at"),  # end equal to start
        ({"capacity": -1}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"capacity": True}, "capacity"),
        ({"capacity": 12.5}, "capacity"),
        ({"capacity": None}, "capacity"),
        ({"pilot_reserved_seats": 51}, "pilot_reserved_seats"),  # above capacity
        ({"pilot_reserved_seats": -2}, "pilot_reserved_seats"),
        ({"per_enterprise_quota": 0}, "per_enterprise_quota"),
        ({"registration_closes_at": "2021-10-14T12:30"}, "registration_closes_at"),  # after the end
        ({"registration_closes_at": "2021-09-30T09:00"}, "registration_closes_at"),  # before it opens
        ({"registration_opens_at": "yesterday"}, "registration_opens_at"),
        ({"requires_approval": "maybe"}, "requires_approval"),
        ({"status": "cancelled"}, "status"),
        ({"status": "archived"}, "status"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"checkin_opens_minutes_before": -5}, "checkin_opens_minutes_before"),
        ({"certificate_min_minutes": 500}, "certificate_min_minutes"),  # longer than the event
        ({"campaign_id": 999}, "campaign_id"),
        ({"trainer_ids": [999]}, "trainer_ids"),
        ({"trainer_ids": "1,2"}, "trainer_ids"),
        ({"co_unit_ids": [999]}, "co_unit_ids"),
        ({"host_unit_id": 999}, "host_unit_id"),
    ],
)
def test_invalid_fields_are_refused_by_field(make, payload, now, overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        create(payload(**overrides), actor=make.organizer(), now=now)
    assert field in excinfo.value.fields
    assert excinfo.value.status == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_several_problems_are_reported_together(make, payload, now):
    with pytest.raises(ValidationError) as excinfo:
        create(payload(title="", capacity=-3, kind="x"), actor=make.organizer(), now=now)
    assert {"title", "capacity", "kind"} <= set(excinfo.value.fields)


def test_a_member_is_not_an_organizer(make, payload, now):
    with pytest.raises(DomainError) as excinfo:
        create(payload(), actor=make.member(), now=now)
    assert excinfo.value.status == 403


def test_a_unit_creates_events_for_itself_only(make, payload, now):
    bureau, other = make.unit(), make.unit()
    organizer = make.organizer(unit=bureau)
    event = create(payload(), actor=organizer, now=now)
    assert event.host_unit_id == bureau.id
    with pytest.raises(DomainError) as excinfo:
        create(payload(host_unit_id=other.id), actor=organizer, now=now)
    assert excinfo.value.status == 403
    # the commission may create for any unit
    event = create(payload(host_unit_id=other.id), actor=make.organizer(), now=now)
    assert event.host_unit_id == other.id


def test_trainers_co_units_and_campaign_are_written(make, payload, now):
    t1, t2 = make.trainer(), make.trainer()
    co = make.unit()
    campaign = make.campaign()
    event = create(
        payload(trainer_ids=[t2.id, t1.id], co_unit_ids=[co.id], campaign_id=campaign.id),
        actor=make.organizer(),
        now=now,
    )
    assert [t.id for t in event.trainers] == [t1.id, t2.id]
    assert [u.id for u in event.co_units] == [co.id]
    assert event.campaign_id == campaign.id


def test_an_organizer_is_not_a_trainer(make, payload, now):
    with pytest.raises(ValidationError) as excinfo:
        create(payload(trainer_ids=[make.organizer().id]), actor=make.organizer(), now=now)
    assert "trainer_ids" in excinfo.value.fields


def test_update_checks_the_combination_with_stored_values(make, payload, now):
    organizer = make.organizer()
    event = create(payload(), actor=organizer, now=now)
    with pytest.raises(ValidationError) as excinfo:
        update(event, {"ends_at": "2021-10-14T08:00"}, actor=organizer, now=now)
    assert "ends_at" in excinfo.value.fields
    with pytest.raises(ValidationError) as excinfo:
        update(event, {"capacity": 5}, actor=organizer, now=now)  # 10 reserved seats
    assert "pilot_reserved_seats" in excinfo.value.fields
    db.session.refresh(event)
    assert event.capacity == 50


def test_co_organizer_and_other_units_may_not_change_it(make, payload, now):
    host, co, other = make.unit(), make.unit(), make.unit()
    event = create(payload(co_unit_ids=[co.id]), actor=make.organizer(unit=host), now=now)
    for unit in (co, other):
        with pytest.raises(DomainError) as excinfo:
            update(event, {"title": "改"}, actor=make.organizer(unit=unit), now=now)
        assert excinfo.value.status == 403
        with pytest.raises(DomainError):
            services.cancel_event(event, actor=make.organizer(unit=unit), now=now)


def test_change_of_time_raises_sequence_and_tells_confirmed_attendees(make, payload, now):
    organizer = make.organizer()
    event = create(payload(), actor=organizer, now=now)
    confirmed = make.registration(event)
    waiting = make.registration(event, status="waitlisted")
    make.registration(event, status="cancelled")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    update(event, {"starts_at": "2021-10-14T10:00", "ends_at": "2021-10-14T13:00"}, actor=organizer, now=now)
    db.session.refresh(event)
    assert event.sequence == 1
    assert db.session.get(Registration, confirmed.id).sequence == 1
    assert db.session.get(Registration, waiting.id).sequence == 1
    messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()[before:]
    assert [m.recipient for m in messages] == [confirmed.email]


def test_other_changes_leave_the_sequence_alone(make, payload, now):
    organizer = make.organizer()
    event = create(payload(), actor=organizer, now=now)
    make.registration(event)
    update(event, {"title": "新标题", "starts_at": "2021-10-14T09:00"}, actor=organizer, now=now)
    db.session.refresh(event)
    assert event.sequence == 0 and event.title == "新标题"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_moving_the_start_into_the_past_is_refused_with_registrations(make, payload, now):
    organizer = make.organizer()
    event = create(payload(), actor=organizer, now=now)
    past = {
        "starts_at": "2021-09-20T09:00",
        "ends_at": "2021-09-20T12:00",
        "registration_opens_at": None,
        "registration_closes_at": None,
    }
    make.registration(event)
    with pytest.raises(ValidationError) as excinfo:
        update(event, past, actor=organizer, now=now)
    assert "starts_at" in excinfo.value.fields
    db.session.refresh(event)
    assert event.starts_at.isoformat() == "2021-10-14T01:00:00+00:00"
    # without live registrations the organizer may record a past event
    other = create(payload(), actor=organizer, now=now)
    make.registration(other, status="cancelled")
    update(other, past, actor=organizer, now=now)
    assert db.session.get(Event, other.id).starts_at < now


def test_more_capacity_promotes_the_waitlist(make, payload, now):
    organizer = make.organizer()
    event = create(payload(capacity=1, pilot_reserved_seats=0), actor=organizer, now=now)
    make.registration(event)
    waiting = make.registration(event, status="waitlisted")
    update(event, {"capacity": 2}, actor=organizer, now=now)
    promoted = db.session.get(Registration, waiting.id)
    db.session.refresh(promoted)
    assert promoted.status == "confirmed" and promoted.ticket_token


def test_capacity_cannot_drop_below_confirmed(make, payload, now):
    organizer = make.organizer()
    event = create(payload(capacity=3, pilot_reserved_seats=0), actor=organizer, now=now)
    make.registration(event)
    make.registration(event)
    with pytest.raises(ValidationError) as excinfo:
        update(event, {"capacity": 1}, actor=organizer, now=now)
    assert "capacity" in excinfo.value.fields


def test_cancel_event_cancels_registrations_once(make, payload, now):
    organizer = make.organizer()
    event = create(payload(), actor=organizer, now=now)
    reg = make.registration(event)
    services.cancel_event(event, actor=organizer, now=now)
    db.session.refresh(event)
    assert event.status == "cancelled" and event.cancelled_at == now
    assert db.session.get(Registration, reg.id).status == "cancelled"
    with pytest.raises(DomainError) as excinfo:
        services.cancel_event(event, actor=organizer, now=now)
    assert excinfo.value.code == "already_cancelled"
    with pytest.raises(DomainError) as excinfo:
        update(event, {"title": "x"}, actor=organizer, now=now + timedelta(minutes=1))
    assert excinfo.value.code == "event_cancelled"


def test_unpublishing_with_registrations_is_refused(make, payload, now):
    organizer = make.organizer()
    event = create(payload(), actor=organizer, now=now)
    make.registration(event)
    with pytest.raises(DomainError) as excinfo:
        update(event, {"status": "draft"}, actor=organizer, now=now)
    assert excinfo.value.code == "has_registrations"
