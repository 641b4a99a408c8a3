"""One access matrix over the protected event and campaign pages: who gets what status."""

from __future__ import annotations

import pytest

ROLES = ("anonymous", "member", "trainer", "host", "co_organizer", "other_unit", "commission")

# url template, method, {role: expected status}; 302 for anonymous means "sent to the login page".
MATRIX = [
    (
        "/manage/events",
        "get",
        {
            "anonymous": 302,
            "member": 403,
            "trainer": 403,
            "host": 200,
            "co_organizer": 200,
            "other_unit": 200,
            "commission": 200,
        },
    ),
    (
        "/manage/events/new",
        "get",
        {
            "anonymous": 302,
            "member": 403,
            "trainer": 403,
            "host": 200,
            "co_organizer": 200,
            "other_unit": 200,
            "commission": 200,
        },
    ),
    (
        "/manage/events/{event}",
        "get",
        {
            "anonymous": 302,
            "member": 403,
            "trainer": 403,
            "host": 200,
            "co_organizer": 200,
            "other_unit": 404,
            "commission": 200,
        },
    ),
    (
        "/manage/events/{event}/edit",
        "get",
        {
            "anonymous": 302,
            "member": 403,
            "trainer": 403,
            "host": 200,
            "co_organizer": 403,
            "other_unit": 404,
            "commission": 200,
        },
    ),
    # the commission may cancel too, but the host has just done so: 409 (the page says it is cancelled already)
    (
        "/manage/events/{event}/cancel",
        "post",
        {
            "anonymous": 302,
            "member": 403,
            "trainer": 403,
            "host": 302,
            "co_organizer": 403,
            "other_unit": 404,
            "commission": 409,
        },
    ),
    ("/events/{event}", "get", dict.fromkeys(ROLES, 200)),
    (
        "/events/{draft}",
        "get",
        {
            "anonymous": 404,
            "member": 404,
            "trainer": 200,
            "host": 200,
            "co_organizer": 404,
            "other_unit": 404,
            "commission": 200,
        },
    ),
    (
        "/manage/campaigns/new",
        "get",
        {
            "anonymous": 302,
            "member": 403,
            "trainer": 403,
            "host": 403,
            "co_organizer": 403,
            "other_unit": 403,
            "commission": 200,
        },
    ),
    (
        "/manage/campaigns/{campaign}/edit",
        "get",
        {
            "anonymous": 302,
            "member": 403,
            "trainer": 403,
            "host": 403,
            "co_organizer": 403,
            "other_unit": 403,
            "commission": 200,
        },
    ),
    (
        "/campaigns/{draft_campaign}",
        "get",
        {
            "anonymous": 404,
            "member": 404,
            "trainer": 404,
            "host": 200,
            "co_organizer": 200,
            "other_unit": 200,
            "commission": 200,
        },
    ),
]


@pytest.fixture
def world(make):
    host, co, other = make.unit(), make.unit(), make.unit()
    trainer = make.trainer()
    users = {
        "anonymous": None,
        "member": make.member(),
        "trainer": trainer,
        "host": make.organizer(unit=host),
        "co_organizer": make.organizer(unit=co),
        "other_unit": make.organizer(unit=other),
        "commission": make.organizer(),
    }
    ids = {
        "event": make.event(host_unit=host, co_units=[co], trainers=[trainer]).id,
        "draft": make.event(host_unit=host, trainers=[trainer], status="draft").id,
        "campaign": make.campaign().id,
        "draft_campaign": make.campaign(status="draft").id,
    }
    return users, ids


@pytest.mark.parametrize("url, method, expected", MATRIX, ids=[f"{m} {u}" for u, m, _ in MATRIX])
def test_access_matrix(client, login, world, url, method, expected):
    users, ids = world
    for role in ROLES:
        with client.session_transaction() as session:
            session.clear()
        if users[role] is not None:
            login(users[role])
        data = {"confirm": "yes"} if method == "post" else None
        status = getattr(client, method)(url.format(**ids), data=data).status_code
        assert status == expected[role], f"{role}: {status}"
