"""The door scan on PostgreSQL is optimistic, on a connection in autocommit: it reads the ticket without a
lock and writes with one conditional statement. Whatever changes the registration between the read and the write (another
trainer, a cancellation, a reissued ticket) is caught, and the scan is decided again under the lock."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from tests.conftest import terminate_app_connections
from trainhub.checkin import scan as checkin_scan
from trainhub.extensions import db
from trainhub.models import CheckIn, Registration, User
from trainhub.registrations.services import cancel_registration
from trainhub.tickets.services import reissue_ticket


@pytest.fixture
def postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the autocommit scan is PostgreSQL's (SQLite scans queue on one write lock)")


def _in_other_session(app, work):
    """Run work() in its own app context (its own session and connection), as another request would."""
    failure = []

    def run():
        with app.app_context():
            try:
                work()
            except Exception as error:  # pragma: no cover - surfaced by the assertion below
                failure.append(error)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not failure, failure


def _scan_with_change_after_read(app, monkeypatch, change, *, token, event_id, actor_id, now, direction="in"):
    """A trainer's optimistic scan; `change` runs in another session right after the scan read the ticket."""
    original = checkin_scan.ScannedRegistration

    class ChangedAfterRead(original):
        changed = False

        def __init__(self, row):
            super().__init__(row)
            if not ChangedAfterRead.changed:
                ChangedAfterRead.changed = True
                _in_other_session(app, change)

    monkeypatch.setattr(checkin_scan, "ScannedRegistration", ChangedAfterRead)
    db.session.remove()
    actor = db.session.get(User, actor_id)
    result = checkin_scan.trainer_check_in(
        token, event_id, actor=actor, device="door-1", now=now, direction=direction, optimistic=True
    )
    assert ChangedAfterRead.changed
    db.session.remove()
    return result


def _attempts(registration_id):
    return db.session.execute(
        sa.select(CheckIn.result, CheckIn.actor_id)
        .where(CheckIn.registration_id == registration_id)
        .order_by(CheckIn.id)
    ).all()


def test_another_trainer_checks_in_between_read_and_write(
    app, postgres_only, monkeypatch, make, event, trainer, attendee, at
):
    second = make.trainer(name="王讲师")
    event.trainers.append(second)
    db.session.commit()
    ids = dict(
        registration=attendee.id, token=attendee.ticket_token, event=event.id, trainer=trainer.id, second=second.id
    )

    def second_trainer_scans():
        actor = db.session.get(User, ids["second"])
        assert checkin_scan.trainer_check_in(ids["token"], ids["event"], actor=actor, now=at(-3)).code == "ok"

    result = _scan_with_change_after_read(
        app,
        monkeypatch,
        second_trainer_scans,
        token=ids["token"],
        event_id=ids["event"],
        actor_id=ids["trainer"],
        now=at(-2),
    )
    assert result.code == "already_checked_in"
    assert result.first_by.name == "王讲师"
    assert result.checked_in_at == at(-3)
    assert _attempts(ids["registration"]) == [("ok", ids["second"]), ("already_checked_in", ids["trainer"])]
    registration = db.session.get(Registration, ids["registration"])
    assert registration.checked_in_at == at(-3) and registration.checked_in_by_id == ids["second"]


@pytest.mark.parametrize(
    "change, code",
    [(cancel_registration, "cancelled"), (reissue_ticket, "invalid_token")],
    ids=["cancelled", "reissued"],
)
def test_a_cancellation_or_reissue_between_read_and_write_applies_nothing(
    app, postgres_only, monkeypatch, make, event, trainer, attendee, at, change, code
):
    organizer = make.organizer()
    ids = dict(
        registration=attendee.id,
        token=attendee.ticket_token,
        event=event.id,
        trainer=trainer.id,
        organizer=organizer.id,
    )

    def organizer_changes_it():
        change(
            db.session.get(Registration, ids["registration"]), actor=db.session.get(User, ids["organizer"]), now=at(-10)
        )

    result = _scan_with_change_after_read(
        app,
        monkeypatch,
        organizer_changes_it,
        token=ids["token"],
        event_id=ids["event"],
        actor_id=ids["trainer"],
        now=at(-2),
    )
    assert result.code == code
    assert db.session.scalars(sa.select(CheckIn.result).where(CheckIn.actor_id == ids["trainer"])).all() == [code]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn).where(CheckIn.result == "ok")) == 0
    assert db.session.get(Registration, ids["registration"]).checked_in_at is None


def test_check_out_after_another_trainers_check_out_is_already(
    app, postgres_only, monkeypatch, make, event, trainer, attendee, at
):
    second = make.trainer()
    event.trainers.append(second)
    db.session.commit()
    ids = dict(
        registration=attendee.id, token=attendee.ticket_token, event=event.id, trainer=trainer.id, second=second.id
    )
    assert checkin_scan.trainer_check_in(ids["token"], ids["event"], actor=trainer, now=at(-5)).code == "ok"

    def second_trainer_checks_out():
        actor = db.session.get(User, ids["second"])
        assert (
            checkin_scan.trainer_check_in(ids["token"], ids["event"], actor=actor, now=at(170), direction="out").code
            == "ok"
        )

    result = _scan_with_change_after_read(
        app,
        monkeypatch,
        second_trainer_checks_out,
        token=ids["token"],
        event_id=ids["event"],
        actor_id=ids["trainer"],
        now=at(171),
        direction="out",
    )
    assert result.code == "already_checked_in"
    assert result.checked_in_at == at(170)
    assert db.session.get(Registration, ids["registration"]).checked_out_at == at(170)


def test_the_api_scan_leaves_the_session_writing_in_transactions(app, api, event, trainer, attendee, monkeypatch, at):
    # The scan commits on its own connection; the request's session (shared across requests in tests) still
    # writes in transactions: a rollback undoes.
    monkeypatch.setattr("trainhub.api.checkins.now", lambda: at(-5))
    db.session.commit()
    body = api(trainer).post("/api/v1/checkins", json={"token": attendee.ticket_token, "event_id": event.id}).get_json()
    assert body["result"] == "ok"
    db.session.add(
        CheckIn(
            event_id=event.id,
            registration_id=attendee.id,
            token_tried="x",
            direction="in",
            method="manual",
            result="invalid_token",
            created_at=at(-4),
        )
    )
    db.session.flush()
    db.session.rollback()
    assert [row.result for row in _attempts(attendee.id)] == ["ok"]


def test_the_api_scan_runs_on_a_connection_in_autocommit(
    app, postgres_only, api, event, trainer, attendee, monkeypatch, at
):
    # The API's trainer scan is the optimistic one, on a connection of its own that commits each statement.
    monkeypatch.setattr("trainhub.api.checkins.now", lambda: at(-5))
    seen = []
    original = checkin_scan.autocommit_connection

    @contextmanager
    def recording():
        with original() as connection:
            seen.append(connection.connection.dbapi_connection.autocommit)
            yield connection

    monkeypatch.setattr(checkin_scan, "autocommit_connection", recording)
    db.session.commit()
    body = api(trainer).post("/api/v1/checkins", json={"token": attendee.ticket_token, "event_id": event.id}).get_json()
    assert body["result"] == "ok"
    assert seen == [True]
    assert [row.result for row in _attempts(attendee.id)] == ["ok"]


@pytest.mark.parametrize("app", [{"DB_PING_IDLE_SECONDS": 0}], indirect=True)
def test_a_scan_connection_killed_while_idle_is_replaced_before_the_scan_uses_it(
    app, postgres_only, api, make, event, trainer, org, monkeypatch, at
):
    # The autocommit pool is pinged like the session's: a restarted database costs no scan.
    monkeypatch.setattr("trainhub.api.checkins.now", lambda: at(-5))
    first, second = [
        make.registration(event, org, name=name, phone=phone).ticket_token
        for name, phone in (("甲", "13900000001"), ("乙", "13900000002"))
    ]
    event_id, caller = event.id, api(trainer)
    assert caller.post("/api/v1/checkins", json={"token": first, "event_id": event_id}).get_json()["result"] == "ok"
    db.session.remove()
    assert terminate_app_connections() >= 1
    response = caller.post("/api/v1/checkins", json={"token": second, "event_id": event_id})
    assert response.status_code == 200 and response.get_json()["result"] == "ok"
