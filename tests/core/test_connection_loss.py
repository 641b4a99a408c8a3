"""A database restart under a real gunicorn: every connection the workers pooled (both engines: the ORM's
and the door scan's autocommit one) is ended at once, then requests come. At most one failed request per
worker is allowed by the issue; the pools' check on checkout makes it none."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import BASE_URL, POSTGRES_URL, terminate_app_connections
from trainhub.models import autocommit_engine, db

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
THREADS = 2  # gthread: each worker's pools hold several connections, not one


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _app_backends() -> int:
    killer = sa.create_engine(POSTGRES_URL)
    try:
        with killer.connect() as conn:
            return conn.execute(sa.text("select count(*) from pg_stat_activity where datname = current_database() "
                                        "and pid <> pg_backend_pid() and application_name = ''")).scalar()
    finally:
        killer.dispose()


@pytest.fixture
def gunicorn(app, dialect):
    if dialect != "postgresql":
        pytest.skip("PostgreSQL: connections that a restart ends")
    port = _free_port()
    env = {**os.environ, "TRAINHUB_DATABASE_URL": POSTGRES_URL, "TRAINHUB_SECRET_KEY": "test-secret",
           "TRAINHUB_BASE_URL": BASE_URL}
    env.pop("TRAINHUB_REDIS_URL", None)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", str(WORKERS), "--threads", str(THREADS), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"], cwd=str(ROOT), env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _calls(base: str, event_id: int, bearer: str, tickets: list[str]):
    headers = {"Authorization": f"Bearer {bearer}"}
    calls = []
    for index, ticket in enumerate(tickets):
        calls.append(lambda: requests.get(f"{base}/api/v1/events", timeout=30).status_code)
        calls.append(lambda t=ticket: requests.post(f"{base}/api/v1/checkins", headers=headers, timeout=30, json={
            "token": t, "event_id": event_id, "device": "door", "direction": "in"}).status_code)
        calls.append(lambda: requests.get(f"{base}/api/v1/me", headers=headers, timeout=30).status_code)
    return calls


def _run(calls, clients: int) -> list[int]:
    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_a_database_restart_fails_no_request(app, make, gunicorn):
    trainer = make.trainer()
    event = make.event(starts_at=datetime.now(timezone.utc) - timedelta(minutes=10), trainers=[trainer], capacity=200)
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
