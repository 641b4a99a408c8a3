"""The meeting link stays private in every calendar (API.md: only the event's confirmed attendees —
their invite —, its organizers and trainers), and a disabled enterprise's or trainer's feed stops."""

from __future__ import annotations

import pytest

from tests.calendar.conftest import vevents
from trainhub.calendar import ics, services
from trainhub.extensions import db

LINK = "https://meeting.example.cn/j/secret-room"


@pytest.fixture
def online(world):
    world.event.mode = "hybrid"
    world.event.online_url = LINK
    db.session.commit()
    return world.event


def _feed_path(url: str) -> str:
    return url.removeprefix("http://trainhub.test")


def test_public_feed_and_event_download_never_carry_the_link(client, online):
    for path in ("/calendar/public.ics", f"/events/{online.id}/calendar.ics"):
        response = client.get(path)
        assert response.status_code == 200
        [event] = vevents(response.data)
        assert LINK not in response.get_data(as_text=True)
        assert str(event["LOCATION"]) == "市标准化研究院报告厅 / 线上"


def test_the_enterprise_feed_has_the_link_only_for_its_confirmed_attendees(client, make, world, online, register):
    waitlisted_org = make.organization(name="候补企业有限公司")
    make.registration(online, waitlisted_org, status="waitlisted")
    waitlisted_url = services.feed_urls(make.member(waitlisted_org), "http://trainhub.test", create=True)["org"]
    waitlisted_feed = client.get(_feed_path(waitlisted_url))
    assert waitlisted_feed.status_code == 200 and LINK not in waitlisted_feed.get_data(as_text=True)

    register()
    confirmed_url = services.feed_urls(world.member, "http://trainhub.test", create=True)["org"]
    [event] = vevents(client.get(_feed_path(confirmed_url)).data)
    assert LINK in str(event["LOCATION"]) and LINK in str(event["DESCRIPTION"])


def test_an_enterprise_whose_registration_was_cancelled_loses_the_link(client, world, online, register, now):
    from trainhub.events import services as events

    register()
    url = _feed_path(services.feed_urls(world.member, "http://trainhub.test", create=True)["org"])
    events.cancel_event(online, actor=world.organizer, now=now)
    response = client.get(url)
    [event] = vevents(response.data)
    assert str(event["STATUS"]) == "CANCELLED" and LINK not in response.get_data(as_text=True)


def test_the_trainers_feed_has_the_link(client, world, online):
    world.trainer.calendar_token = "trainer-token-bbbbbbbbbbbbbbbb"
    db.session.commit()
    response = client.get("/calendar/trainer/trainer-token-bbbbbbbbbbbbbbbb.ics")
    assert LINK in response.get_data(as_text=True)


def test_only_a_confirmed_attendees_invite_has_the_link(api, make, world, online, register, now):
    from trainhub.registrations import services as registrations

    registration = register()
    confirmed = ics.registration_invite(registration)
    assert LINK in str(vevents(confirmed)[0]["DESCRIPTION"]) and LINK in str(vevents(confirmed)[0]["LOCATION"])
    registrations.cancel_registration(registration, actor=world.member, now=now)
    response = api(world.member).get(f"/api/v1/registrations/{registration.id}/invite.ics")
    assert response.status_code == 200 and "METHOD:CANCEL" in response.get_data(as_text=True)
    assert LINK not in response.get_data(as_text=True)
    pending = make.registration(online, world.org, status="pending")
    assert LINK not in ics.registration_invite(pending).decode()


def test_a_disabled_enterprises_feed_answers_404(client, world):
    url = _feed_path(services.feed_urls(world.member, "http://trainhub.test", create=True)["org"])
    assert client.get(url).status_code == 200
    world.org.is_active = False
    db.session.commit()
    assert client.get(url).status_code == 404


def test_a_disabled_trainers_feed_answers_404(client, world):
    world.trainer.calendar_token = "trainer-token-cccccccccccccccc"
    db.session.commit()
    assert client.get("/calendar/trainer/trainer-token-cccccccccccccccc.ics").status_code == 200
    world.trainer.is_active_flag = False
    db.session.commit()
    assert client.get("/calendar/trainer/trainer-token-cccccccccccccccc.ics").status_code == 404
