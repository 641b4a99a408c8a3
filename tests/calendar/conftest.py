"""A world for the calendar tests: an event on 14 Oct 2030 09:00–12:00 Shanghai, an enterprise,
a trainer; helpers that parse every .ics with icalendar AND vobject (an independent parser)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import icalendar
import pytest
import vobject

from tests.factories import local

START = local(2030, 10, 14, 9)  # 09:00 in Shanghai = 01:00 UTC


def parse_both(data: bytes):
    """(icalendar Calendar, vobject component); fails if either parser refuses the file."""
    assert isinstance(data, bytes) and data.startswith(b"BEGIN:VCALENDAR")
    cal = icalendar.Calendar.from_ical(data)
    vcal = vobject.readOne(data.decode("utf-8"))
    return cal, vcal


def vevents(data: bytes) -> list:
    cal, vcal = parse_both(data)
    events = cal.walk("VEVENT")
    assert len(events) == len(getattr(vcal, "vevent_list", []))
    return events


@pytest.fixture
def now():
    return datetime.now(UTC)


@pytest.fixture
def world(make, now):
    organizer = make.organizer(email="organizer@example.cn")
    trainer = make.trainer(email="trainer@example.cn", name="李老师")
    org = make.organization(name="甲标准科技有限公司")
    member = make.member(org, email="hr@jia.cn")
    other_org = make.organization(name="乙制造有限公司")
    other_member = make.member(other_org)
    event = make.event(
        "企业标准化良好行为创建",
        starts_at=START,
        hours=3,
        trainers=[trainer],
        capacity=10,
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=START,
        venue="市标准化研究院报告厅",
    )
    return SimpleNamespace(
        organizer=organizer,
        trainer=trainer,
        org=org,
        member=member,
        other_org=other_org,
        other_member=other_member,
        event=event,
    )


@pytest.fixture
def register(world, now):
    """register(name=..., email=..., org=..., event=...) → a registration made through the real service."""
    from trainhub.registrations import services

    counter = iter(range(10, 99))

    def _register(name="张伟", email="zhangwei@jia.cn", org=None, event=None, actor=None, locale=None):
        org = org or world.org
        actor = actor or world.member
        if locale:
            actor.locale = locale
        attendee = {"name": name, "phone": f"138000000{next(counter)}", "email": email, "job_title": "工程师"}
        return services.register_attendees(event or world.event, org, [attendee], actor=actor, now=now)[0]

    return _register
