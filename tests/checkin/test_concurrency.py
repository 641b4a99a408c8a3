"""Two trainers scanning the same ticket at the same moment: exactly one `ok`, one `already_checked_in`
(SQLite: immediate write transactions; PostgreSQL: the locked registration, or the conditional write of an
autocommit scan; both: the unique index)."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from trainhub.checkin import services
from trainhub.models import CheckIn, Event, User, begin_autocommit_reads, db

ROUNDS = 6


def test_two_trainers_same_ticket_same_moment(app, make, event, trainer, org, at):
    second = make.trainer()
    event.trainers.append(second)
    db.session.commit()
    tokens = [make.registration(event, org).ticket_token for _ in range(ROUNDS)]
    actor_ids, event_id = (trainer.id, second.id), event.id
    db.session.remove()

    def scan(actor_id, token, barrier, out):
        with app.app_context():
            actor = db.session.get(User, actor_id)
            ev = db.session.get(Event, event_id)
            _ = ev.trainers  # loaded before the race: both threads hit the lock together
            barrier.wait()
            out.append(services.check_in(token, ev, actor=actor, device=f"t{actor_id}", now=at()).code)
            db.session.remove()

    for token in tokens:
        barrier, out = threading.Barrier(2), []
        threads = [threading.Thread(target=scan, args=(actor_id, token, barrier, out)) for actor_id in actor_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(out) == ["already_checked_in", "ok"], out

    accepted = db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)
                                 .where(CheckIn.event_id == event_id, CheckIn.result == "ok"))
    assert accepted == ROUNDS


@pytest.mark.parametrize("autocommit", [False, True], ids=["locked", "autocommit"])
def test_two_trainers_same_ticket_same_moment_through_the_api_scan(app, make, event, trainer, org, at, autocommit):
    # The API's trainer path (event, assignment and locked ticket in one statement; on PostgreSQL the
    # insert and the update in one) and, on PostgreSQL, the API request's autocommit path (unlocked read,
    # conditional write): the same guarantee, for checking in and for checking out.
    if autocommit and db.engine.dialect.name != "postgresql":
        pytest.skip("the autocommit scan is PostgreSQL's")
    second = make.trainer()
    event.trainers.append(second)
    db.session.commit()
    tokens = [make.registration(event, org).ticket_token for _ in range(ROUNDS)]
    actor_ids, event_id = (trainer.id, second.id), event.id
    db.session.remove()

    def scan(actor_id, token, direction, barrier, out):
        with app.app_context():
            if autocommit:
                assert begin_autocommit_reads()
            actor = db.session.get(User, actor_id)
            barrier.wait()
            out.append(services.trainer_check_in(token, event_id, actor=actor, device=f"t{actor_id}", now=at(),
                                                 direction=direction).code)
            db.session.remove()

    for direction in ("in", "out"):
        for token in tokens:
            barrier, out = threading.Barrier(2), []
            threads = [threading.Thread(target=scan, args=(actor_id, token, direction, barrier, out))
                       for actor_id in actor_ids]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert sorted(out) == ["already_checked_in", "ok"], (direction, out)

    accepted = db.session.execute(sa.select(CheckIn.direction, sa.func.count()).where(
        CheckIn.event_id == event_id, CheckIn.result == "ok").group_by(CheckIn.direction)).all()
    assert dict(accepted) == {"in": ROUNDS, "out": ROUNDS}
