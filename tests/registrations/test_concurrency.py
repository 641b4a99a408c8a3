"""Issue 2, item 11: 200 attendees registered in parallel by several HTTP clients for 50 seats end
with exactly 50 confirmed and 150 waitlisted, in the order the server accepted them.

The app runs in a real threaded HTTP server inside the test process; 8 client threads post at once.
Runs on SQLite and PostgreSQL like every test.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import requests
import sqlalchemy as sa
from werkzeug.serving import make_server

from trainhub.extensions import db
from trainhub.models import Registration

CLIENTS = 8
ATTENDEES = 200
SEATS = 50


def test_parallel_registrations_fill_seats_then_waitlist_in_order(app, make, open_event):
    event = open_event(capacity=SEATS)
    event_id = event.id
    members = [make.member() for _ in range(CLIENTS)]
    tokens = [make.token(member) for member in members]
    db.session.remove()  # the test's own session holds nothing while the server works

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    barrier = threading.Barrier(CLIENTS)

    def client(index: int) -> list[tuple[int, dict]]:
        answers = []
        with requests.Session() as session:
            session.headers["Authorization"] = f"Bearer {tokens[index]}"
            barrier.wait()
            for n in range(ATTENDEES // CLIENTS):
                phone = f"13{index}{n:08d}"
                response = session.post(
                    f"{base}/api/v1/events/{event_id}/registrations",
                    json={"attendees": [{"name": f"并发{index}-{n}", "phone": phone}]},
                    timeout=60,
                )
                answers.append((response.status_code, response.json()))
        return answers

    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = [answer for answers in pool.map(client, range(CLIENTS)) for answer in answers]
    finally:
        server.shutdown()
        thread.join(timeout=10)

    assert [code for code, _body in results] == [201] * ATTENDEES, [b for c, b in results if c != 201][:3]
    answered = {body["items"][0]["id"]: body["items"][0]["status"] for _code, body in results}

    rows = db.session.execute(
        sa.select(Registration.id, Registration.status, Registration.ticket_token)
        .where(Registration.event_id == event_id)
        .order_by(Registration.id)
    ).all()
    assert len(rows) == ATTENDEES
    statuses = [status for _id, status, _token in rows]
    # The 50 smallest ids (the first accepted) hold the seats, every later one waits, in id order.
    assert statuses == ["confirmed"] * SEATS + ["waitlisted"] * (ATTENDEES - SEATS)
    assert all(token for _id, status, token in rows if status == "confirmed")
    assert {row_id: status for row_id, status, _token in rows} == answered

    from trainhub.registrations.services import waitlist_positions

    positions = waitlist_positions([event_id])
    waiting = [row_id for row_id, status, _token in rows if status == "waitlisted"]
    assert [positions[row_id] for row_id in waiting] == list(range(1, ATTENDEES - SEATS + 1))
