"""Raising the capacity while enterprises register in parallel: the waitlist is promoted under the
event's lock, so the seats end exactly full and held by the earliest arrivals (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import requests
import sqlalchemy as sa
from werkzeug.serving import make_server

from trainhub.extensions import db
from trainhub.models import Registration

CLIENTS = 4
PER_CLIENT = 5
FIRST_CAPACITY, LAST_CAPACITY = 5, 15


def test_capacity_raised_during_registrations(app, make):
    event = make.event(capacity=FIRST_CAPACITY)
    event_id = event.id
    tokens = [make.token(make.member()) for _ in range(CLIENTS)]
    organizer_token = make.token(make.organizer())
    db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    barrier = threading.Barrier(CLIENTS + 1)

    def enterprise(index: int) -> list[int]:
        codes = []
        with requests.Session() as session:
            session.headers["Authorization"] = f"Bearer {tokens[index]}"
            barrier.wait()
            for n in range(PER_CLIENT):
                response = session.post(
                    f"{base}/api/v1/events/{event_id}/registrations",
                    timeout=60,
                    json={"attendees": [{"name": f"并发{index}-{n}", "phone": f"137{index}{n:07d}"}]},
                )
                codes.append(response.status_code)
        return codes

    def organizer() -> list[int]:
        codes = []
        with requests.Session() as session:
            session.headers["Authorization"] = f"Bearer {organizer_token}"
            barrier.wait()
            for capacity in range(FIRST_CAPACITY + 1, LAST_CAPACITY + 1):
                codes.append(
                    session.patch(
                        f"{base}/api/v1/events/{event_id}", json={"capacity": capacity}, timeout=60
                    ).status_code
                )
        return codes

    try:
        with ThreadPoolExecutor(CLIENTS + 1) as pool:
            patches = pool.submit(organizer)
            registered = [code for codes in pool.map(enterprise, range(CLIENTS)) for code in codes]
            patched = patches.result()
    finally:
        server.shutdown()
        thread.join(timeout=10)

    assert registered == [201] * (CLIENTS * PER_CLIENT)
    assert patched == [200] * (LAST_CAPACITY - FIRST_CAPACITY)
    statuses = list(
        db.session.scalars(
            sa.select(Registration.status).where(Registration.event_id == event_id).order_by(Registration.id)
        )
    )
    total = CLIENTS * PER_CLIENT
    assert statuses == ["confirmed"] * LAST_CAPACITY + ["waitlisted"] * (total - LAST_CAPACITY)
