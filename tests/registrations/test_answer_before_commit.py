"""A registration's answer is built before its commit: the database lost right after the commit (a
restart, a dropped connection) cannot turn a registration that was made into a 500 that the client
then retries."""

from __future__ import annotations

import sqlalchemy as sa

from tests.faults import database_lost_after_commit_of
from tests.registrations.conftest import attendee
from trainhub.extensions import db
from trainhub.models import Registration


def database_lost_after_registrations_commit(app):
    return database_lost_after_commit_of(app, Registration)


def _registered() -> list[str]:
    db.session.remove()
    return list(db.session.scalars(sa.select(Registration.status).order_by(Registration.id)))


def test_the_api_answers_the_registration_it_committed(app, api, make, open_event):
    event = open_event(capacity=1)
    member = make.member()
    caller = api(member)
    with database_lost_after_registrations_commit(app) as state:
        response = caller.post(
            f"/api/v1/events/{event.id}/registrations", json={"attendees": [attendee("甲"), attendee("乙")]}
        )
    assert state["lost"]  # the commit happened, and the database was gone after it
    assert response.status_code == 201
    items = response.get_json()["items"]
    assert [(i["name"], i["status"], i["waitlist_position"]) for i in items] == [
        ("甲", "confirmed", None),
        ("乙", "waitlisted", 1),
    ]
    assert items[0]["ticket_url"].startswith("http://trainhub.test/t/")
    assert _registered() == ["confirmed", "waitlisted"]


def test_the_page_confirms_the_registration_it_committed(app, client, login, make, open_event):
    event = open_event(capacity=1)
    login(make.member())
    data = {f"attendees-0-{key}": value for key, value in attendee("甲").items()}
    with database_lost_after_registrations_commit(app) as state:
        response = client.post(f"/events/{event.id}/register", data=data)
    assert state["lost"]
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert any("已提交 1 人" in message for _category, message in session["_flashes"])
    assert _registered() == ["confirmed"]
