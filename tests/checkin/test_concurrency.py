"""Two trainers scanning the same ticket at the same moment: exactly one `ok`, one `already_checked_in`
(SQLite: immediate write transactions; PostgreSQL: the locked registration, or the conditional write of an
autocommit scan; both: the unique index)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from trainhub.checkin import scan as checkin_scan
from trainhub.extensions import db
from trainhub.models import CheckIn, Event, User

ROUNDS = 6


@pytest.fixture
def door(make, event, trainer, org):
    """Two trainers of the event and ROUNDS fresh tickets: (trainer ids, event id, tokens); session closed."""
    second = make.trainer()
    event.trainers.append(second)
    db.session.commit()
    tokens = [make.registration(event, org).ticket_token for _ in range(ROUNDS)]
    ids = (trainer.id, second.id), event.id
    db.session.remove()
    return (*ids, tokens)


def _race(app, actor_ids, scan) -> list[str]:
    """Both trainers call scan(actor_id, barrier) in their own thread and app context; → the two codes."""
    barrier, out = threading.Barrier(2), []

    def run(actor_id):
        with app.app_context():
            out.append(scan(actor_id, barrier))
            db.session.remove()

    threads = [threading.Thread(target=run, args=(actor_id,)) for actor_id in actor_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(out)


def test_two_trainers_same_ticket_same_moment(app, door, at):
    actor_ids, event_id, tokens = door

    def scan(actor_id, token, barrier):
        actor = db.session.get(User, actor_id)
        ev = db.session.get(Event, event_id)
        _ = ev.trainers  # loaded before the race: both threads hit the lock together
        barrier.wait()
        return checkin_scan.check_in(token, ev, actor=actor, device=f"t{actor_id}", now=at()).code

    for token in tokens:
        out = _race(app, actor_ids, lambda actor_id, barrier: scan(actor_id, token, barrier))
        assert out == ["already_checked_in", "ok"], out

    accepted = db.session.scalar(
        sa.select(sa.func.count()).select_from(CheckIn).where(CheckIn.event_id == event_id, CheckIn.result == "ok")
    )
    assert accepted == ROUNDS


@pytest.mark.parametrize("autocommit", [False, True], ids=["locked", "autocommit"])
def test_two_trainers_same_ticket_same_moment_through_the_api_scan(app, door, at, autocommit):
    # The API's trainer path (event, assignment and locked ticket in one statement; on PostgreSQL the
    # insert and the update in one) and, on PostgreSQL, the API request's autocommit path (unlocked read,
    # conditional write): the same guarantee, for checking in and for checking out.
    if autocommit and db.engine.dialect.name != "postgresql":
        pytest.skip("the autocommit scan is PostgreSQL's")
    actor_ids, event_id, tokens = door

    def scan(actor_id, token, direction, barrier):
        actor = db.session.get(User, actor_id)
        barrier.wait()
        return checkin_scan.trainer_check_in(
            token, event_id, actor=actor, device=f"t{actor_id}", now=at(), direction=direction, optimistic=autocommit
        ).code

    for direction in ("in", "out"):
        for token in tokens:
            out = _race(app, actor_ids, lambda actor_id, barrier: scan(actor_id, token, direction, barrier))
            assert out == ["already_checked_in", "ok"], (direction, out)

    accepted = db.session.execute(
        sa.select(CheckIn.direction, sa.func.count())
        .where(CheckIn.event_id == event_id, CheckIn.result == "ok")
        .group_by(CheckIn.direction)
    ).all()
    assert dict(accepted) == {"in": ROUNDS, "out": ROUNDS}
