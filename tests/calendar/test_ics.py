"""Invites: every field a calendar needs, checked with two parsers; updates and cancellations keep
the UID and raise the SEQUENCE."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tests.calendar.conftest import START, parse_both, vevents
from tests.factories import local
from trainhub.calendar import ics
from trainhub.extensions import db
from trainhub.models import OutboxMessage

UTC_START = datetime(2030, 10, 14, 1, 0, tzinfo=UTC)


def _invites(registration_email: str) -> list[tuple[str, bytes]]:
    """(method, ics bytes) of each calendar attachment sent to this address, oldest first."""
    found = []
    for message in db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == registration_email).order_by(OutboxMessage.id)
    ):
        for item in message.attachments or []:
            if item["content_type"] == "text/calendar":
                found.append((item["method"], base64.b64decode(item["data"])))
    return found


def test_invite_of_a_confirmed_registration_has_every_field(world, register):
    registration = register()
    data = ics.registration_invite(registration)
    cal, vcal = parse_both(data)
    assert str(cal["METHOD"]) == "REQUEST"
    [event] = vevents(data)

    # Instants: TZID of the platform's zone with its VTIMEZONE; 09:00 in Shanghai is 01:00 UTC.
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event.decoded("DTSTART") == START and event.decoded("DTSTART").astimezone(UTC) == UTC_START
    assert event.decoded("DTEND").astimezone(UTC) == UTC_START + timedelta(hours=3)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert vcal.vevent.dtstart.value.astimezone(UTC) == UTC_START  # the second parser agrees
    assert vcal.vevent.dtend.value.astimezone(UTC) == UTC_START + timedelta(hours=3)

    assert str(event["SUMMARY"]) == "企业标准化良好行为创建"
    assert str(event["LOCATION"]) == "市标准化研究院报告厅"
    assert str(event["URL"]) == f"http://trainhub.test/events/{world.event.id}"
    description = str(event["DESCRIPTION"])
    assert f"http://trainhub.test/t/{registration.ticket_token}" in description
    assert str(event["UID"]) == ics.registration_uid(registration)
    assert f"-{registration.id}@" not in str(event["UID"])  # a keyed hash, not the database id
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert str(event["ATTENDEE"]) == "mailto:zhangwei@jia.cn" and event["ATTENDEE"].params["CN"] == "张伟"
    assert event.decoded("SEQUENCE") == 0 and "DTSTAMP" in event
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in event.walk("VALARM"))
    assert triggers == [-timedelta(days=1), -timedelta(hours=1)]
    assert vcal.vevent.uid.value == str(event["UID"])
    assert len(vcal.vevent.valarm_list) == 2


def test_online_event_location_is_online_with_the_link(make, world, register):
    world.event.mode = "online"
    world.event.venue = ""
    world.event.online_url = "https://meeting.example.cn/j/123"
    db.session.commit()
    data = ics.registration_invite(register())
    [event] = vevents(data)
    assert str(event["LOCATION"]) == "线上 https://meeting.example.cn/j/123"
    assert "https://meeting.example.cn/j/123" in str(event["DESCRIPTION"])


def test_time_change_sends_an_update_then_cancel_with_same_uid_and_higher_sequence(world, register, now):
    from trainhub.events import services as events
    from trainhub.registrations import services as registrations

    registration = register()
    events.update_event(
        world.event,
        {"starts_at": local(2030, 10, 15, 14), "ends_at": local(2030, 10, 15, 17)},
        actor=world.organizer,
        now=now,
    )
    registrations.cancel_registration(registration, actor=world.member, now=now)

    invites = _invites("zhangwei@jia.cn")
    assert [method for method, _ in invites] == ["REQUEST", "REQUEST", "CANCEL"]
    parsed = [vevents(data)[0] for _, data in invites]
    assert len({str(e["UID"]) for e in parsed}) == 1
    sequences = [e.decoded("SEQUENCE") for e in parsed]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3
    assert parsed[1].decoded("DTSTART").astimezone(UTC) == datetime(2030, 10, 15, 6, 0, tzinfo=UTC)
    assert str(parsed[2]["STATUS"]) == "CANCELLED"
    cal, _ = parse_both(invites[2][1])
    assert str(cal["METHOD"]) == "CANCEL"


def test_event_cancellation_sends_cancel_to_every_attendee(world, register, now):
    from trainhub.events import services as events

    first = register()
    second = register(name="王芳", email="wangfang@jia.cn")
    events.cancel_event(world.event, actor=world.organizer, now=now)
    for registration, address in ((first, "zhangwei@jia.cn"), (second, "wangfang@jia.cn")):
        (m1, request), (m2, cancel) = _invites(address)
        assert (m1, m2) == ("REQUEST", "CANCEL")
        old, new = vevents(request)[0], vevents(cancel)[0]
        assert str(old["UID"]) == str(new["UID"]) == ics.registration_uid(registration)
        assert new.decoded("SEQUENCE") > old.decoded("SEQUENCE")


def test_a_venue_change_raises_the_sequence_a_capacity_change_does_not(world, register, now):
    from trainhub.events import services as events

    registration = register()
    events.update_event(world.event, {"capacity": 20}, actor=world.organizer, now=now)
    assert len(_invites("zhangwei@jia.cn")) == 1
    events.update_event(world.event, {"venue": "市民中心 3 楼"}, actor=world.organizer, now=now)
    invites = _invites("zhangwei@jia.cn")
    assert len(invites) == 2
    updated = vevents(invites[1][1])[0]
    assert str(updated["LOCATION"]) == "市民中心 3 楼"
    assert updated.decoded("SEQUENCE") > vevents(invites[0][1])[0].decoded("SEQUENCE")
    assert ics.invite_sequence(registration) == updated.decoded("SEQUENCE")
