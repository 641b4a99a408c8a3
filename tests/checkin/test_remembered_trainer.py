"""The door scan's remembered trainer: after one full authentication a trainer's scans re-check the bearer
token inside the scan's own statement, and a revoked token, a disabled trainer or a changed role is
noticed at the very next scan — nothing is written for it."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import sqlalchemy as sa

from trainhub.accounts.services import revoke_api_token, set_user_active
from trainhub.extensions import db
from trainhub.models import ApiToken, CheckIn, User
from trainhub.timeutil import now


@pytest.fixture
def clock(at):
    with mock.patch("trainhub.api.checkins.now", return_value=at(-5)):
        yield at(-5)


@pytest.fixture
def statements(app):
    """The SQL the app sends, per request (cleared by the test)."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        sent.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
        yield sent
        sa.event.remove(db.engine, "before_cursor_execute", record)


def _is_token_lookup(statement: str) -> bool:
    """The full authentication's statement: the token and its user, nothing about a ticket."""
    return statement.startswith("SELECT") and "api_tokens" in statement and "registrations" not in statement


def _scan(caller, token, event_id):
    return caller.post("/api/v1/checkins", json={"token": token, "event_id": event_id})


def _accepted_and_refused(event_id):
    rows = db.session.execute(sa.select(CheckIn.result, CheckIn.actor_id).where(CheckIn.event_id == event_id)).all()
    return sorted(rows)


def test_a_trainers_second_scan_authenticates_inside_the_scan_statement(
    api, make, event, trainer, org, clock, statements
):
    first, second = (make.registration(event, org, status="confirmed") for _ in range(2))
    door = api(trainer)
    assert _scan(door, first.ticket_token, event.id).get_json()["result"] == "ok"
    assert any(_is_token_lookup(s) for s in statements)  # the first scan: a full authentication
    statements.clear()
    body = _scan(door, second.ticket_token, event.id).get_json()
    assert body["result"] == "ok" and body["registration"]["name"] == second.name
    assert not any(_is_token_lookup(s) for s in statements)
    assert _accepted_and_refused(event.id) == [("ok", trainer.id), ("ok", trainer.id)]


def test_a_revoked_token_is_refused_at_the_next_scan_and_nothing_is_recorded(api, make, event, trainer, org, clock):
    first, second = (make.registration(event, org, status="confirmed") for _ in range(2))
    door = api(trainer)
    assert _scan(door, first.ticket_token, event.id).status_code == 200
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == trainer.id))
    revoke_api_token(trainer, token.id, now=now())
    response = _scan(door, second.ticket_token, event.id)
    assert response.status_code == 401
    assert _scan(door, second.ticket_token, event.id).status_code == 401  # and stays refused
    assert door.get(f"/api/v1/events/{event.id}/checkins").status_code == 401
    assert _accepted_and_refused(event.id) == [("ok", trainer.id)]
    assert db.session.get(type(second), second.id).checked_in_at is None


def test_a_revoked_token_learns_nothing_of_an_unknown_event(api, make, event, trainer, org, clock):
    ticket = make.registration(event, org, status="confirmed").ticket_token
    door = api(trainer)
    assert _scan(door, ticket, event.id).status_code == 200
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == trainer.id))
    revoke_api_token(trainer, token.id, now=now())
    assert _scan(door, ticket, 999999).status_code == 401  # not "wrong_event"


def test_a_disabled_trainer_is_refused_at_the_next_scan(api, make, event, trainer, org, clock):
    first, second = (make.registration(event, org, status="confirmed") for _ in range(2))
    door = api(trainer)
    assert _scan(door, first.ticket_token, event.id).get_json()["result"] == "ok"
    set_user_active(trainer, False, actor=None)
    assert _scan(door, second.ticket_token, event.id).status_code == 401
    assert _accepted_and_refused(event.id) == [("ok", trainer.id)]


def test_a_trainer_made_organizer_is_authenticated_afresh_and_answered_as_one(api, make, event, trainer, org, clock):
    first, second = (make.registration(event, org, status="confirmed") for _ in range(2))
    door = api(trainer)
    assert _scan(door, first.ticket_token, event.id).get_json()["result"] == "ok"
    other_unit = make.unit(name="某区市场监管局")
    db.session.execute(sa.update(User).where(User.id == trainer.id).values(role="organizer", unit_id=other_unit.id))
    db.session.execute(sa.text("DELETE FROM event_trainers WHERE user_id = :id"), {"id": trainer.id})
    db.session.commit()
    # No longer the event's trainer, and an organizer of a unit that does not run it: not allowed.
    body = _scan(door, second.ticket_token, event.id).get_json()
    assert body["result"] == "not_allowed"
    assert _accepted_and_refused(event.id) == [("not_allowed", trainer.id), ("ok", trainer.id)]


def test_two_trainers_at_one_door_are_each_recorded_as_themselves(api, make, event, trainer, org, clock):
    colleague = make.trainer(name="王讲师")
    event.trainers.append(colleague)
    db.session.commit()
    tickets = [make.registration(event, org, status="confirmed").ticket_token for _ in range(4)]
    doors = [api(trainer), api(colleague)]
    for index, ticket in enumerate(tickets):
        assert _scan(doors[index % 2], ticket, event.id).get_json()["result"] == "ok"
    again = _scan(doors[1], tickets[0], event.id).get_json()
    assert again["result"] == "already_checked_in" and again["first_checked_in_by"]["name"] == "李讲师"
    assert _accepted_and_refused(event.id) == sorted(
        [("ok", trainer.id), ("ok", colleague.id)] * 2 + [("already_checked_in", colleague.id)]
    )


def test_the_tokens_last_use_is_still_written_once_a_minute(api, make, event, trainer, org, clock, statements):
    tickets = [make.registration(event, org, status="confirmed").ticket_token for _ in range(3)]
    door = api(trainer)
    assert _scan(door, tickets[0], event.id).status_code == 200
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == trainer.id))
    first_use = token.last_used_at
    assert first_use is not None
    statements.clear()
    assert _scan(door, tickets[1], event.id).status_code == 200
    assert not any(s.startswith("UPDATE api_tokens") for s in statements)
    later = first_use + timedelta(seconds=61)
    with (
        mock.patch("trainhub.security.now", return_value=later),
        mock.patch("trainhub.security.time.monotonic", return_value=10**9),
    ):
        assert _scan(door, tickets[2], event.id).get_json()["result"] == "ok"
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at == later


def test_only_the_scan_remembers_a_trainer(api, make, event, trainer, clock, statements):
    door = api(trainer)
    for _ in range(2):
        assert door.get(f"/api/v1/events/{event.id}/checkins").status_code == 200
    assert sum(_is_token_lookup(s) for s in statements) == 2
