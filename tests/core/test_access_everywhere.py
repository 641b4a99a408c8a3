"""An access check over EVERY GET route of the URL map, so a new page or endpoint cannot ship
unprotected: anonymous visitors reach only the public ones; an enterprise never reads another's
attendees, tickets or certificates; enterprises and unassigned trainers never open management or
check-in pages. (Per-feature matrices in tests/units, tests/events, tests/registrations pin the
exact status for each role.)"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from trainhub.extensions import db
from trainhub.models import Certificate

# Routes anyone may open (no login).
PUBLIC = {
    "main.index",
    "main.health",
    "main.ready",
    "main.set_language",
    "static",
    "accounts.login",
    "accounts.signup",
    "accounts.accept_invitation",
    "accounts.setup_password",
    "events.catalogue",
    "events.detail",
    "calendar.event_ics",
    "calendar.public_feed",
    "calendar.org_feed",
    "calendar.trainer_feed",
    "campaigns.index",
    "campaigns.detail",
    "campaigns.attachment",
    "tickets.show",
    "tickets.image",
    "calendar.ticket_invite",  # the holder of the private ticket URL
    "certificates.verify",
    "checkin.self_entry",
    "api.events_list",
    "api.events_get",
    "api.campaigns_list",
    "api.campaigns_get",
    "api.campaign_news",
    "api.news_photo",
    "api.verify_certificate",
    "api.openapi_json",
}
DENIED = {302, 401, 403, 404}


@pytest.fixture
def world(app, make):
    commission_organizer = make.organizer()
    trainer, other_trainer = make.trainer(), make.trainer()
    org_a, org_b = make.organization(), make.organization()
    member_a, member_b = make.member(organization=org_a), make.member(organization=org_b)
    bureau = make.unit(kind="district_bureau")
    campaign = make.campaign()
    campaign.reporting_units = [bureau]
    event = make.event(trainers=[trainer], campaign_id=campaign.id)
    registration = make.registration(event, org_a, name="张伟")
    certificate = Certificate(serial="TH-2030-000001", registration_id=registration.id)
    db.session.add(certificate)
    db.session.commit()
    return dict(
        users=dict(
            organizer=commission_organizer,
            trainer=trainer,
            other_trainer=other_trainer,
            member_a=member_a,
            member_b=member_b,
        ),
        values=dict(
            event_id=event.id,
            campaign_id=campaign.id,
            unit_id=bureau.id,
            organization_id=org_a.id,
            registration_id=registration.id,
            serial=certificate.serial,
            token=registration.ticket_token,
            user_id=member_a.id,
            code="en",
            kind="png",
            news_id=1,
            attachment_id=1,
            filename="x.pdf",
        ),
    )


def get_routes(app, values):
    routes = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        try:
            url = re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
        except KeyError as missing:
            pytest.fail(f"{rule.rule}: no sample value for {missing} — add one to the world fixture")
        url = url.replace("<any(png, svg):kind>", "png")
        routes.append((rule.endpoint, url))
    return sorted(routes)


def as_user(client, login, user):
    with client.session_transaction() as session:
        session.clear()
    if user is not None:
        login(user)


def test_anonymous_visitors_reach_only_public_routes(app, client, world):
    leaks = []
    for endpoint, url in get_routes(app, world["values"]):
        if endpoint in PUBLIC:
            continue
        status = client.get(url).status_code
        if status not in DENIED:
            leaks.append((endpoint, url, status))
    assert leaks == []


def test_another_enterprise_never_reads_our_attendees(app, client, login, world):
    as_user(client, login, world["users"]["member_b"])
    ours = ("registration_id", "serial", "organization_id", "user_id")
    leaks = []
    for endpoint, url in get_routes(app, world["values"]):
        if endpoint in PUBLIC or not any(
            f"<{name}>" in str(rule) for rule in app.url_map.iter_rules() if rule.endpoint == endpoint for name in ours
        ):
            continue
        status = client.get(url).status_code
        if status not in DENIED:
            leaks.append((endpoint, url, status))
    assert leaks == []


@pytest.mark.parametrize("who", ["member_a", "member_b", "other_trainer"])
def test_management_and_checkin_pages_are_closed_to_enterprises_and_unassigned_trainers(app, client, login, world, who):
    as_user(client, login, world["users"][who])
    leaks = []
    for endpoint, url in get_routes(app, world["values"]):
        closed = (
            url.startswith("/manage/")
            or (url.startswith("/checkin/") and "/self" not in url)
            or re.match(r"/api/v1/events/\d+/(checkins|attendance|certificates|invitations)", url)
        )
        if who == "other_trainer" and url in ("/checkin", "/manage/exports"):  # lists of the trainer's own events
            continue
        if closed and client.get(url).status_code not in DENIED:
            leaks.append((endpoint, url))
    assert leaks == []


# -- a district bureau sees its own people, its district's enterprises and its own events' mail -----------


@pytest.fixture
def district(app, make):
    from trainhub.notifications import notify

    chaoyang = make.unit(name="朝阳区局", kind="district_bureau", district="朝阳区")
    haidian = make.unit(name="海淀区局", kind="district_bureau", district="海淀区")
    ours, theirs = make.organization(district="朝阳区"), make.organization(district="海淀区")
    people = dict(
        bureau=make.organizer(unit=chaoyang, email="cy-boss@bureau.cn"),
        colleague=make.organizer(unit=chaoyang, email="cy-colleague@bureau.cn"),
        commission=make.organizer(email="boss@commission.cn"),
        other_bureau=make.organizer(unit=haidian, email="hd@bureau.cn"),
        trainer=make.trainer(email="trainer@trainers.cn"),
        our_member=make.member(ours, email="hr@ours.cn"),
        their_member=make.member(theirs, email="hr@theirs.cn"),
    )
    our_event, their_event = make.event(host_unit=chaoyang), make.event(host_unit=haidian)
    mails = dict(
        ours=notify.send_plain("test", "a@x.cn", "朝阳活动的通知", "正文", event=our_event),
        theirs=notify.send_plain("test", "a@x.cn", "海淀活动的通知", "正文", event=their_event),
        platform=notify.send_plain("test", "b@x.cn", "平台账号通知", "正文"),
    )
    for message in mails.values():
        message.status = "failed"
    db.session.commit()
    return dict(people=people, mails=mails)


SEEN_BY_BUREAU = {"bureau", "colleague", "trainer", "our_member"}


def test_a_district_bureau_lists_only_its_own_organizers_and_its_districts_enterprises(client, login, api, district):
    people = district["people"]
    login(people["bureau"])
    page = client.get("/manage/users").get_data(as_text=True)
    listed = {api_user["email"] for api_user in api(people["bureau"]).get("/api/v1/users?per_page=500").json["items"]}
    for name, user in people.items():
        assert (user.email in page) is (name in SEEN_BY_BUREAU), name
        assert (user.email in listed) is (name in SEEN_BY_BUREAU), name
    # Its district's members may be disabled from the page; its organizers and the trainers are the commission's.
    assert f"/manage/users/{people['our_member'].id}/active" in page
    assert f"/manage/users/{people['colleague'].id}/active" not in page
    assert f"/manage/users/{people['trainer'].id}/active" not in page


@pytest.mark.parametrize("name", ["commission", "other_bureau", "their_member"])
def test_a_district_bureau_acting_on_someone_elses_user_gets_404(client, login, api, district, name):
    from trainhub.models import User

    people = district["people"]
    target = people[name]
    login(people["bureau"])
    assert client.post(f"/manage/users/{target.id}/active", data={"active": "0"}).status_code == 404
    caller = api(people["bureau"])
    assert caller.get(f"/api/v1/users/{target.id}").status_code == 404
    assert caller.patch(f"/api/v1/users/{target.id}", json={"is_active": False}).status_code == 404
    db.session.expire_all()
    assert db.session.get(User, target.id).is_active_flag is True


def test_a_district_bureau_disables_its_districts_member_only(client, login, api, district):
    from trainhub.models import User

    people = district["people"]
    login(people["bureau"])
    assert client.post(f"/manage/users/{people['our_member'].id}/active", data={"active": "0"}).status_code == 302
    response = api(people["bureau"]).patch(f"/api/v1/users/{people['trainer'].id}", json={"is_active": False})
    assert response.status_code == 403 and response.json["error"]["code"] == "commission_only"
    db.session.expire_all()
    assert db.session.get(User, people["our_member"].id).is_active_flag is False
    assert db.session.get(User, people["trainer"].id).is_active_flag is True


def test_the_commission_lists_and_acts_on_every_user(client, login, district):
    people = district["people"]
    login(people["commission"])
    page = client.get("/manage/users").get_data(as_text=True)
    assert all(user.email in page for user in people.values())
    assert client.post(f"/manage/users/{people['their_member'].id}/active", data={"active": "0"}).status_code == 302


def test_a_units_outbox_holds_its_own_events_mail_and_the_commissions_everything(client, login, district):
    people, mails = district["people"], district["mails"]
    login(people["bureau"])
    page = client.get("/manage/outbox").get_data(as_text=True)
    assert "朝阳活动的通知" in page and "海淀活动的通知" not in page and "平台账号通知" not in page
    assert client.post(f"/manage/outbox/{mails['theirs'].id}/retry").status_code == 404
    login(people["commission"])
    page = client.get("/manage/outbox").get_data(as_text=True)
    assert all(subject in page for subject in ("朝阳活动的通知", "海淀活动的通知", "平台账号通知"))


# -- enterprises: the commission sees all, a district bureau its district's, other units none ---------------


def _organizations_seen(client, caller, district_names=("朝阳区", "海淀区")):
    """The organizations page, the contact e-mails in the API list and the page's district choices."""
    page = client.get("/manage/organizations").get_data(as_text=True)
    listed = {item["contact_email"] for item in caller.get("/api/v1/organizations?per_page=500").json["items"]}
    choices = {name for name in district_names if f'<option value="{name}"' in page}
    return page, listed, choices


def test_a_district_bureau_lists_only_its_districts_enterprises(client, login, api, make, district):
    ours = make.organization(district="朝阳区", contact_email="boss@ours.cn")
    theirs = make.organization(district="海淀区", contact_email="boss@theirs.cn")
    bureau = district["people"]["bureau"]
    login(bureau)
    page, listed, choices = _organizations_seen(client, api(bureau))
    assert ours.name in page and ours.contact_email in listed
    assert theirs.name not in page and theirs.contact_email not in listed
    assert choices == {"朝阳区"}


def test_an_institute_sees_no_enterprise_and_the_commission_every_one(client, login, api, make, district):
    institute = make.organizer(unit=make.unit(name="标准化研究院", kind="institute", district=""))
    ours = make.organization(district="朝阳区", contact_email="boss@ours.cn")
    login(institute)
    page, listed, _choices = _organizations_seen(client, api(institute))
    assert listed == set() and ours.name not in page
    assert client.get(f"/manage/organizations/{ours.id}").status_code == 404
    assert api(institute).get(f"/api/v1/organizations/{ours.id}").status_code == 404
    response = api(institute).post("/api/v1/organizations", json={"name": "新企业有限公司", "uscc": _uscc()})
    assert response.status_code == 403
    commission = district["people"]["commission"]
    login(commission)
    page, listed, choices = _organizations_seen(client, api(commission))
    assert {"boss@ours.cn"} <= listed and len(listed) >= 3 and choices == {"朝阳区", "海淀区"}


def _uscc():
    import random

    from trainhub.organizations import uscc

    return uscc.generate(random.Random())


@pytest.mark.parametrize("how", ["page", "pilot", "active", "invite", "api_get", "api_patch", "api_member"])
def test_a_district_bureau_reaching_another_districts_enterprise_gets_404(client, login, api, make, district, how):
    from trainhub.models import Organization, User

    theirs = make.organization(district="海淀区")
    bureau = district["people"]["bureau"]
    login(bureau)
    caller = api(bureau)
    base = f"/manage/organizations/{theirs.id}"
    status = {
        "page": lambda: client.get(base),
        "pilot": lambda: client.post(f"{base}/pilot", data={"value": "1"}),
        "active": lambda: client.post(f"{base}/active", data={"value": "0"}),
        "invite": lambda: client.post(base, data={"email": "new@theirs.cn", "name": "新人"}),
        "api_get": lambda: caller.get(f"/api/v1/organizations/{theirs.id}"),
        "api_patch": lambda: caller.patch(
            f"/api/v1/organizations/{theirs.id}", json={"is_active": False, "is_pilot_unit": True}
        ),
        "api_member": lambda: caller.post(
            f"/api/v1/organizations/{theirs.id}/members", json={"email": "new@theirs.cn"}
        ),
    }[how]().status_code
    assert status == 404
    db.session.expire_all()
    organization = db.session.get(Organization, theirs.id)
    assert organization.is_active is True and organization.is_pilot_unit is False
    assert db.session.scalar(sa.select(User).where(User.email == "new@theirs.cn")) is None


def test_a_district_bureau_manages_its_districts_enterprise_and_registers_only_in_its_district(
    client, login, api, make, district
):
    from trainhub.models import Organization

    ours = make.organization(district="朝阳区")
    bureau = district["people"]["bureau"]
    login(bureau)
    assert client.post(f"/manage/organizations/{ours.id}/pilot", data={"value": "1"}).status_code == 302
    caller = api(bureau)
    assert caller.patch(f"/api/v1/organizations/{ours.id}", json={"is_active": False}).status_code == 200
    moved = caller.patch(f"/api/v1/organizations/{ours.id}", json={"district": "海淀区"})
    assert moved.status_code == 422 and "朝阳区" in moved.json["error"]["fields"]["district"][0]
    elsewhere = caller.post(
        "/api/v1/organizations", json={"name": "海淀新企业有限公司", "uscc": _uscc(), "district": "海淀区"}
    )
    assert elsewhere.status_code == 422 and "district" in elsewhere.json["error"]["fields"]
    created = caller.post("/api/v1/organizations", json={"name": "朝阳新企业有限公司", "uscc": _uscc()})
    assert created.status_code == 201 and created.json["district"] == "朝阳区"
    db.session.expire_all()
    organization = db.session.get(Organization, ours.id)
    assert (organization.is_pilot_unit, organization.is_active, organization.district) == (True, False, "朝阳区")


def test_a_bureau_without_a_district_sees_no_enterprise_to_list_or_invite(client, login, api, make):
    from trainhub.units import invitations

    bureau = make.organizer(unit=make.unit(name="新区局", kind="district_bureau", district=""))
    make.organization(district="", contact_email="nodistrict@example.cn")
    make.organization(district="朝阳区", contact_email="chaoyang@example.cn")
    login(bureau)
    _page, listed, _choices = _organizations_seen(client, api(bureau))
    assert listed == set()
    assert list(db.session.scalars(invitations.district_enterprises_query(bureau))) == []
