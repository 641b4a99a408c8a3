"""An access check over EVERY GET route of the URL map, so a new page or endpoint cannot ship
unprotected: anonymous visitors reach only the public ones; an enterprise never reads another's
attendees, tickets or certificates; enterprises and unassigned trainers never open management or
check-in pages. (Per-feature matrices in tests/units, tests/events, tests/registrations pin the
exact status for each role.)"""
from __future__ import annotations

import re

import pytest

from trainhub.models import Certificate, db

# Routes anyone may open (no login).
PUBLIC = {
    "main.index", "main.health", "main.ready", "main.set_language", "static",
    "accounts.login", "accounts.signup", "accounts.accept_invitation", "accounts.setup_password",
    "events.catalogue", "events.detail", "calendar.event_ics", "calendar.public_feed",
    "calendar.org_feed", "calendar.trainer_feed",
    "campaigns.index", "campaigns.detail", "campaigns.attachment",
    "tickets.show", "tickets.image", "calendar.ticket_invite",  # the holder of the private ticket URL
    "certificates.verify", "checkin.self_entry",
    "api.events_list", "api.events_get", "api.campaigns_list", "api.campaigns_get", "api.campaign_news",
    "api.news_photo", "api.verify_certificate", "api.openapi_json",
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
        users=dict(organizer=commission_organizer, trainer=trainer, other_trainer=other_trainer,
                   member_a=member_a, member_b=member_b),
        values=dict(event_id=event.id, campaign_id=campaign.id, unit_id=bureau.id, organization_id=org_a.id,
                    registration_id=registration.id, serial=certificate.serial, token=registration.ticket_token,
                    user_id=member_a.id, code="en", kind="png", news_id=1, attachment_id=1, filename="x.pdf"),
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
        if endpoint in PUBLIC or not any(f"<{name}>" in str(rule) for rule in app.url_map.iter_rules()
                                         if rule.endpoint == endpoint for name in ours):
            continue
        status = client.get(url).status_code
        if status not in DENIED:
            leaks.append((endpoint, url, status))
    assert leaks == []


@pytest.mark.parametrize("who", ["member_a", "member_b", "other_trainer"])
def test_management_and_checkin_pages_are_closed_to_enterprises_and_unassigned_trainers(app, client, login, world,
                                                                                        who):
    as_user(client, login, world["users"][who])
    leaks = []
    for endpoint, url in get_routes(app, world["values"]):
        closed = url.startswith("/manage/") or (url.startswith("/checkin/") and "/self" not in url) or \
            re.match(r"/api/v1/events/\d+/(checkins|attendance|certificates|invitations)", url)
        if who == "other_trainer" and url in ("/checkin", "/manage/exports"):  # lists of the trainer's own events
            continue
        if closed and client.get(url).status_code not in DENIED:
            leaks.append((endpoint, url))
    assert leaks == []
