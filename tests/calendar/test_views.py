"""Feeds (public, enterprise, trainer) with conditional requests, the event download, the ticket's
invite, the invite API's access rules, and regenerating private feed URLs."""

from __future__ import annotations

from datetime import UTC

import pytest

from tests.calendar.conftest import parse_both, vevents
from trainhub.calendar import ics, services
from trainhub.extensions import db


def _uids(data: bytes) -> set[str]:
    return {str(e["UID"]) for e in vevents(data)}


def test_public_feed_lists_published_events_only_and_answers_304(client, make, world):
    draft = make.event("草稿活动", status="draft")
    response = client.get("/calendar/public.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert _uids(response.data) == {ics.event_uid(world.event)}
    assert ics.event_uid(draft) not in _uids(response.data)
    etag, last_modified = response.headers["ETag"], response.headers["Last-Modified"]
    assert etag and last_modified

    assert client.get("/calendar/public.ics", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/calendar/public.ics", headers={"If-Modified-Since": last_modified}).status_code == 304

    make.event("新发布的活动")  # a new event changes the validators
    fresh = client.get("/calendar/public.ics", headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    assert len(vevents(fresh.data)) == 2


def test_cancelled_event_stays_in_the_feed_as_cancelled(client, world, now):
    from trainhub.events import services as events

    etag = client.get("/calendar/public.ics").headers["ETag"]
    events.cancel_event(world.event, actor=world.organizer, now=now)
    response = client.get("/calendar/public.ics", headers={"If-None-Match": etag})
    assert response.status_code == 200
    [event] = vevents(response.data)
    assert str(event["STATUS"]) == "CANCELLED" and event.decoded("SEQUENCE") == 1


def test_enterprise_feed_holds_its_registrations_and_the_token_can_be_regenerated(client, make, world, register):
    register()
    other_event = make.event("别家的活动")
    register(org=world.other_org, actor=world.other_member, event=other_event, email="x@yi.cn")
    urls = services.feed_urls(world.member, "http://trainhub.test", create=True)
    path = urls["org"].removeprefix("http://trainhub.test")
    assert path.startswith("/calendar/org/")
    response = client.get(path)
    assert response.status_code == 200
    assert _uids(response.data) == {ics.event_uid(world.event)}
    assert "本企业报名成功 1 人" in str(vevents(response.data)[0]["DESCRIPTION"])
    assert client.get(path, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304

    services.regenerate_org_feed_token(world.org, actor=world.member)
    assert client.get(path).status_code == 404
    assert client.get(f"/calendar/org/{world.org.calendar_token}.ics").status_code == 200
    assert client.get("/calendar/org/not-a-token.ics").status_code == 404


def test_trainer_feed_and_regeneration(client, make, world):
    make.event("别人的课")
    world.trainer.calendar_token = "trainer-token-aaaaaaaaaaaaaaaa"
    db.session.commit()
    response = client.get("/calendar/trainer/trainer-token-aaaaaaaaaaaaaaaa.ics")
    assert response.status_code == 200 and _uids(response.data) == {ics.event_uid(world.event)}
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    new = services.regenerate_trainer_feed_token(world.trainer)
    assert client.get("/calendar/trainer/trainer-token-aaaaaaaaaaaaaaaa.ics").status_code == 404
    assert client.get(f"/calendar/trainer/{new}.ics").status_code == 200
    assert client.get("/calendar/trainer/unknown.ics").status_code == 404


def test_regenerating_another_enterprises_feed_is_refused(world):
    from trainhub.errors import Forbidden

    with pytest.raises(Forbidden):
        services.regenerate_org_feed_token(world.org, actor=world.other_member)


def test_profile_regenerate_button(client, login, world):
    login(world.member)
    services.feed_urls(world.member, "http://trainhub.test", create=True)
    old = world.org.calendar_token
    response = client.post("/calendar/feeds/regenerate")
    assert response.status_code == 302
    db.session.refresh(world.org)
    assert world.org.calendar_token and world.org.calendar_token != old


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_regenerate_needs_csrf(client, login, world):
    login(world.trainer)
    assert client.post("/calendar/feeds/regenerate").status_code == 400


def test_profile_page_shows_the_private_feed(client, login, world):
    login(world.organizer)
    assert "calendar-feeds" not in client.get("/profile").get_data(as_text=True)  # organizers have no feed
    login(world.trainer)
    page = client.get("/profile")
    assert page.status_code == 200
    db.session.refresh(world.trainer)
    html = page.get_data(as_text=True)
    assert f"webcal://trainhub.test/calendar/trainer/{world.trainer.calendar_token}.ics" in html


def test_event_download_published_only(client, make, world):
    response = client.get(f"/events/{world.event.id}/calendar.ics")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    [event] = vevents(response.data)
    assert event.decoded("DTSTART").astimezone(UTC).hour == 1
    draft = make.event(status="draft")
    assert client.get(f"/events/{draft.id}/calendar.ics").status_code == 404
    assert client.get("/events/999999/calendar.ics").status_code == 404


def test_ticket_holder_downloads_own_invite(client, world, register):
    registration = register()
    response = client.get(f"/t/{registration.ticket_token}/invite.ics")
    assert response.status_code == 200
    cal, _ = parse_both(response.data)
    assert str(cal["METHOD"]) == "REQUEST"
    assert client.get("/t/unknown-token-xxxxxxxxxxxx/invite.ics").status_code == 404


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 401),
        ("member", 200),
        ("other_member", 404),
        ("trainer", 200),
        ("other_trainer", 404),
        ("organizer", 200),
        ("other_unit_organizer", 404),
    ],
)
def test_invite_api_access(api, make, world, register, who, status):
    registration = register()
    users = {
        "anonymous": None,
        "member": world.member,
        "other_member": world.other_member,
        "trainer": world.trainer,
        "other_trainer": make.trainer(),
        "organizer": world.organizer,
        "other_unit_organizer": make.organizer(unit=make.unit()),
    }
    response = api(users[who]).get(f"/api/v1/registrations/{registration.id}/invite.ics")
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == "text/calendar"
        assert str(parse_both(response.data)[0]["METHOD"]) == "REQUEST"
    elif status == 404:
        assert response.get_json()["error"]["code"]


def test_invite_api_after_cancellation_is_a_cancel_with_higher_sequence(api, world, register, now):
    from trainhub.registrations import services as registrations

    registration = register()
    url = f"/api/v1/registrations/{registration.id}/invite.ics"
    before = vevents(api(world.member).get(url).data)[0]
    registrations.cancel_registration(registration, actor=world.member, now=now)
    response = api(world.member).get(url)
    assert response.status_code == 200
    cal, _ = parse_both(response.data)
    after = vevents(response.data)[0]
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(after["UID"]) == str(before["UID"])
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")


def test_invite_api_of_a_cancelled_event(api, make, world, register, now):
    from trainhub.events import services as events

    registration = register()
    before = vevents(api(world.member).get(f"/api/v1/registrations/{registration.id}/invite.ics").data)[0]
    events.cancel_event(world.event, actor=world.organizer, now=now)
    response = api(world.member).get(f"/api/v1/registrations/{registration.id}/invite.ics")
    assert str(parse_both(response.data)[0]["METHOD"]) == "CANCEL"
    assert vevents(response.data)[0].decoded("SEQUENCE") > before.decoded("SEQUENCE")


def test_invite_api_of_a_waitlisted_registration_is_404(api, make, world):
    registration = make.registration(world.event, world.org, status="waitlisted")
    response = api(world.member, lang="en").get(f"/api/v1/registrations/{registration.id}/invite.ics")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "no_invite"
