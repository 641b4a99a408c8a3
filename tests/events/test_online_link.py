"""The meeting link (online_url) is shown only to the event's confirmed attendees (their ticket, mail
and invite), its organizers and its trainers (API.md); everyone else reads `online_url: null` and
`has_online_url: true` — on the event page, the catalogue, the API's event, list and campaign."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

LINK = "https://meeting.example.cn/j/secret-room"
SEES = {
    "host": True,
    "co_organizer": True,
    "commission": True,
    "trainer": True,
    "anonymous": False,
    "member_confirmed": False,
    "member_other": False,
    "other_trainer": False,
    "other_unit": False,
}


@pytest.fixture
def world(make):
    host, co, other = (
        make.unit(name="朝阳区局"),
        make.unit(name="技委会", kind="technical_committee"),
        make.unit(name="海淀区局", district="海淀区"),
    )
    trainer = make.trainer()
    campaign = make.campaign()
    event = make.event(
        "线上课堂",
        mode="hybrid",
        online_url=LINK,
        host_unit=host,
        co_units=[co],
        trainers=[trainer],
        campaign_id=campaign.id,
    )
    org = make.organization()
    registration = make.registration(event, org)
    users = dict(
        host=make.organizer(unit=host),
        co_organizer=make.organizer(unit=co),
        commission=make.organizer(),
        trainer=trainer,
        anonymous=None,
        member_confirmed=make.member(org),
        member_other=make.member(),
        other_trainer=make.trainer(),
        other_unit=make.organizer(unit=other),
    )
    return SimpleNamespace(event=event, campaign=campaign, registration=registration, users=users)


@pytest.mark.parametrize("who", sorted(SEES))
def test_the_api_shows_the_link_only_to_organizers_and_trainers(api, world, who):
    caller = api(world.users[who])
    one = caller.get(f"/api/v1/events/{world.event.id}").get_json()
    [listed] = [e for e in caller.get("/api/v1/events").get_json()["items"] if e["id"] == world.event.id]
    [in_campaign] = caller.get(f"/api/v1/campaigns/{world.campaign.id}").get_json()["events"]
    for item in (one, listed, in_campaign):
        assert item["online_url"] == (LINK if SEES[who] else None)
        assert item["has_online_url"] is True


@pytest.mark.parametrize("who", sorted(SEES))
def test_the_event_page_and_catalogue_show_the_link_only_to_organizers_and_trainers(client, login, world, who):
    if world.users[who] is not None:
        login(world.users[who])
    page = client.get(f"/events/{world.event.id}").get_data(as_text=True)
    assert (LINK in page) is SEES[who]
    if not SEES[who]:
        assert "参会链接见电子票和确认邮件" in page
    assert LINK not in client.get("/events").get_data(as_text=True)
    if who == "member_confirmed":
        register_page = client.get(f"/events/{world.event.id}/register").get_data(as_text=True)
        assert "线上课堂" in register_page and LINK not in register_page


def test_an_event_without_a_link_says_so(api, make):
    event = make.event(mode="online", online_url="", venue="")
    body = api(None).get(f"/api/v1/events/{event.id}").get_json()
    assert body["online_url"] is None and body["has_online_url"] is False


def test_the_confirmed_attendees_ticket_shows_the_link(client, world, make):
    assert LINK in client.get(f"/t/{world.registration.ticket_token}").get_data(as_text=True)
    offline = make.registration(make.event(venue="报告厅"))
    assert "线上参会链接" not in client.get(f"/t/{offline.ticket_token}").get_data(as_text=True)


def test_an_invitation_mail_does_not_carry_the_link(api, make, world):
    import sqlalchemy as sa

    from trainhub.extensions import db
    from trainhub.models import OutboxMessage

    world.event.mode, world.event.venue = "online", ""  # the place is the link alone
    db.session.commit()
    invited = make.organization(contact_email="invited@example.cn")
    response = api(world.users["commission"]).post(
        f"/api/v1/events/{world.event.id}/invitations", json={"organization_ids": [invited.id]}
    )
    assert response.status_code == 200
    [mail] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "event_invitation")).all()
    assert "线上课堂" in mail.body_text and LINK not in mail.body_text and LINK not in mail.body_html
