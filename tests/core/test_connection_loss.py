"""A database restart under a real gunicorn: every connection the workers pooled (both engines: the ORM's
and the door scan's autocommit one) is ended at once, then requests come. At most one failed request per
worker is allowed by the issue; the pools' check on checkout makes it none."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import BASE_URL, POSTGRES_URL, terminate_app_connections
from tests.served import Gunicorn
from trainhub.db import autocommit_engine
from trainhub.extensions import db

WORKERS = 3
THREADS = 2  # gthread: each worker's pools hold several connections, not one


def _app_backends() -> int:
    killer = sa.create_engine(POSTGRES_URL)
    try:
        with killer.connect() as conn:
            return conn.execute(
                sa.text(
                    "select count(*) from pg_stat_activity where datname = current_database() "
                    "and pid <> pg_backend_pid() and application_name = ''"
                )
            ).scalar()
    finally:
        killer.dispose()


@pytest.fixture
def gunicorn(app, dialect, tmp_path):
    if dialect != "postgresql":
        pytest.skip("PostgreSQL: connections that a restart ends")
    env = {
        "TRAINHUB_DATABASE_URL": POSTGRES_URL,
        "TRAINHUB_SECRET_KEY": "test-secret",
        "TRAINHUB_BASE_URL": BASE_URL,
        "TRAINHUB_REDIS_URL": None,
    }
    with Gunicorn("wsgi:app", log=tmp_path / "gunicorn.log", env=env, workers=WORKERS, threads=THREADS) as server:
        server.wait_until_up()
        yield server.base


def _calls(base: str, event_id: int, bearer: str, tickets: list[str]):
    headers = {"Authorization": f"Bearer {bearer}"}
    calls = []
    for ticket in tickets:
        calls.append(lambda: requests.get(f"{base}/api/v1/events", timeout=30).status_code)
        calls.append(
            lambda t=ticket: (
                requests.post(
                    f"{base}/api/v1/checkins",
                    headers=headers,
                    timeout=30,
                    json={"token": t, "event_id": event_id, "device": "door", "direction": "in"},
                ).status_code
            )
        )
        calls.append(lambda: requests.get(f"{base}/api/v1/me", headers=headers, timeout=30).status_code)
    return calls


def _run(calls, clients: int) -> list[int]:
    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_a_database_restart_fails_no_request(app, make, gunicorn):
    trainer = make.trainer()
    event = make.event(starts_at=datetime.now(UTC) - timedelta(minutes=10), trainers=[trainer], capacity=200)
    tickets = [make.registration(event).ticket_token for _ in range(80)]
    bearer, event_id = make.token(trainer), event.id
    db.session.remove()
    for engine in (db.engine, autocommit_engine()):
        engine.dispose()  # the test's own connections are not the app's

    warm = _run(_calls(gunicorn, event_id, bearer, tickets[:40]), clients=WORKERS * THREADS * 2)
    assert set(warm) == {200}, warm
    pooled = _app_backends()
    assert pooled >= WORKERS * 2  # each worker: a connection of each engine at least
    assert terminate_app_connections() == pooled
    for _ in range(100):  # pg_terminate_backend only signals: wait until they are gone
        if _app_backends() == 0:
            break
        time.sleep(0.05)

    after = _run(_calls(gunicorn, event_id, bearer, tickets[40:]), clients=WORKERS * THREADS * 2)
    failures = [status for status in after if status >= 500]
    assert failures == [], f"{len(failures)} of {len(after)} requests failed after the restart ({pooled} connections)"
