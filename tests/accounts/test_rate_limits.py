"""Rate limits under load and outage: wrong passwords sent at once, an unreachable Redis."""

from __future__ import annotations

import logging
import os
import uuid

import pytest
import requests
import sqlalchemy as sa

from tests.served import all_at_once, served

REDIS_URL = os.environ.get("TRAINHUB_TEST_REDIS_URL")
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # a closed port: connection refused


def _wrong_passwords_at_once(app, email: str, count: int) -> list[int]:
    with served(app) as base:
        return all_at_once(
            count,
            lambda i: (
                requests.post(
                    f"{base}/login", data={"email": email, "password": f"wrong-{i}"}, allow_redirects=False, timeout=60
                ).status_code
            ),
        )


@pytest.mark.parametrize("app", [{"LOGIN_RATE_LIMIT": 10}], indirect=True)
def test_wrong_passwords_sent_at_once_let_exactly_the_limit_through(app, make):
    email = f"{uuid.uuid4().hex[:12]}@example.cn"
    make.trainer(email=email)
    statuses = _wrong_passwords_at_once(app, email, 40)
    assert sorted(set(statuses)) == [200, 429], statuses  # no 500 ("database is locked")
    assert statuses.count(200) == 10  # the page saying "wrong password": exactly the limit
    assert statuses.count(429) == 30


@pytest.mark.skipif(
    not REDIS_URL, reason="TRAINHUB_TEST_REDIS_URL is not set: the Redis rate-limit backend is not tested"
)
@pytest.mark.parametrize("app", [{"LOGIN_RATE_LIMIT": 10, "REDIS_URL": REDIS_URL}], indirect=True)
def test_wrong_passwords_sent_at_once_let_exactly_the_limit_through_on_redis(app, make):
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter("trainhub:rl:login:ip:127.0.0.1:*"):  # earlier runs' failures from this address
        client.delete(key)
    email = f"{uuid.uuid4().hex[:12]}@example.cn"
    make.trainer(email=email)
    statuses = _wrong_passwords_at_once(app, email, 40)
    assert statuses.count(200) == 10 and statuses.count(429) == 30, statuses


def test_a_right_password_is_not_counted_as_a_failure(app, client, make):
    app.config["LOGIN_RATE_LIMIT"] = 2
    make.trainer(email="t@example.cn")
    for _ in range(5):
        assert client.post("/login", data={"email": "t@example.cn", "password": "secret-pass-123"}).status_code == 302
        client.post("/logout", data={})
    assert client.post("/login", data={"email": "t@example.cn", "password": "wrong"}).status_code == 200


@pytest.mark.parametrize("app", [{"REDIS_URL": UNREACHABLE_REDIS, "LOGIN_RATE_LIMIT": 2}], indirect=True)
def test_logins_work_while_redis_is_unreachable_and_the_limit_still_holds(app, client, make, caplog):
    make.trainer(email="t@example.cn")
    with caplog.at_level(logging.WARNING, logger="trainhub.ratelimit"):
        response = client.post("/login", data={"email": "t@example.cn", "password": "secret-pass-123"})
    assert response.status_code == 302  # logged in, not a 500
    assert any("Redis unreachable" in record.getMessage() for record in caplog.records)
    client.post("/logout", data={})
    for _ in range(2):
        assert client.post("/login", data={"email": "t@example.cn", "password": "wrong"}).status_code == 200
    # The limit is kept by the database meanwhile: it does not fail open.
    assert client.post("/login", data={"email": "t@example.cn", "password": "secret-pass-123"}).status_code == 429


# -- sign-ups and member invitations: the platform must not become a mail cannon -----------------------


def _signup(client, n: int, lang: str = "zh-CN", **overrides):
    import random

    from tests.accounts.test_views import signup_data
    from trainhub.organizations import uscc

    data = signup_data(uscc=uscc.generate(random.Random(100 + n)), contact_email=f"hr{n}@example.cn", **overrides)
    return client.post("/signup", data=data, headers={"Accept-Language": lang})


@pytest.mark.parametrize("app", [{"SIGNUP_RATE_LIMIT": 2}], indirect=True)
def test_sign_ups_from_one_address_are_limited(app):
    from trainhub.extensions import db
    from trainhub.models import Organization

    assert _signup(app.test_client(), 0, password="short", password_confirm="short").status_code == 422
    assert [_signup(app.test_client(), n).status_code for n in (1, 2)] == [302, 302]  # the refused one did not count
    refused = _signup(app.test_client(), 3)
    assert refused.status_code == 429 and "注册过于频繁" in refused.get_data(as_text=True)
    english = _signup(app.test_client(), 4, lang="en")
    assert english.status_code == 429 and "Too many sign-ups" in english.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 2
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert _signup(other, 5).status_code == 302  # another address is not affected


def _invite(caller, organization_id: int, n: int, **headers):
    return caller.post(
        f"/api/v1/organizations/{organization_id}/members",
        json={"email": f"colleague{n}@elsewhere.example", "name": f"同事{n}"},
        headers=headers,
    )


@pytest.mark.parametrize("app", [{"INVITATION_RATE_LIMIT": 3, "INVITATION_ORGANIZATION_RATE_LIMIT": 4}], indirect=True)
def test_member_invitations_are_limited_per_address_and_per_organization(app, api, make):
    from trainhub.extensions import db
    from trainhub.models import OutboxMessage

    member = make.member()
    caller = api(member)
    assert _invite(caller, member.organization_id, 0, **{"Content-Type": "application/json"}).status_code == 201
    assert (
        caller.post(
            f"/api/v1/organizations/{member.organization_id}/members", json={"email": "not-an-email"}
        ).status_code
        == 422
    )  # refused: not counted
    assert [_invite(caller, member.organization_id, n).status_code for n in (1, 2, 3)] == [201, 201, 429]
    refused = _invite(caller, member.organization_id, 4, **{"Accept-Language": "en"})
    assert refused.get_json()["error"]["code"] == "invitation_rate_limited"
    assert "Too many invitations" in refused.get_json()["error"]["message"]
    # From another address the organization's daily limit still holds: 4 a day.
    elsewhere = api(make.member(member.organization))
    elsewhere.client = app.test_client()
    elsewhere.client.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    assert [_invite(elsewhere, member.organization_id, n).status_code for n in (5, 6)] == [201, 429]
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "member_invitation")
        )
        == 4
    )
    # Organizers are not limited (they are the platform's own staff).
    assert _invite(api(make.organizer()), member.organization_id, 7).status_code == 201


@pytest.mark.parametrize("app", [{"INVITATION_RATE_LIMIT": 1}], indirect=True)
def test_the_members_page_shows_the_invitation_limit_as_a_form_error(app, client, login, make):
    login(make.member())
    assert client.post("/my/organization", data={"email": "a@elsewhere.example", "name": "甲"}).status_code == 302
    page = client.post("/my/organization", data={"email": "b@elsewhere.example", "name": "乙"})
    assert page.status_code == 422 and "邀请发送过于频繁" in page.get_data(as_text=True)  # on the form
