"""PostgreSQL connections: no ping per request, yet a connection killed while idle is replaced."""

from datetime import UTC

import pytest

from tests.conftest import terminate_app_connections


@pytest.mark.parametrize("app", [{"DB_PING_IDLE_SECONDS": 0}], indirect=True)
def test_a_connection_killed_while_idle_is_replaced_before_the_request_sees_it(app, client, dialect):
    if dialect != "postgresql":
        pytest.skip("PostgreSQL pool behaviour")
    from trainhub.extensions import db

    assert client.get("/api/v1/events").status_code == 200
    db.session.remove()  # the pooled connection is idle now
    assert terminate_app_connections() >= 1
    assert client.get("/api/v1/events").status_code == 200


def test_busy_connections_are_not_pinged_but_idle_ones_are(app, client, dialect, monkeypatch):
    if dialect != "postgresql":
        pytest.skip("PostgreSQL pool behaviour")
    from trainhub.extensions import db

    pings = []
    real_ping = db.engine.dialect.do_ping
    monkeypatch.setattr(db.engine.dialect, "do_ping", lambda conn: pings.append(1) or real_ping(conn))
    client.get("/api/v1/events")
    db.session.remove()
    first = len(pings)
    for _ in range(3):
        client.get("/api/v1/events")
        db.session.remove()
    assert len(pings) == first  # used within the idle window: trusted


def test_a_restart_the_checks_do_not_see_fails_one_request_not_one_per_connection(
    app, client, make, dialect, monkeypatch
):
    """A connection can die unseen (a silent network, or between the check and its use): the first
    request that meets a dead one fails, and every pool of the app — the ORM's and the door scan's
    autocommit one — drops its connections, so the next requests do not each meet another."""
    if dialect != "postgresql":
        pytest.skip("PostgreSQL pool behaviour")
    from datetime import datetime, timedelta

    from trainhub.db import autocommit_engine
    from trainhub.extensions import db

    trainer = make.trainer()
    event = make.event(starts_at=datetime.now(UTC) - timedelta(minutes=10), trainers=[trainer])
    tickets = [make.registration(event).ticket_token for _ in range(8)]
    headers = {"Authorization": f"Bearer {make.token(trainer)}"}
    event_id = event.id
    db.session.remove()
    for engine in (db.engine, autocommit_engine()):  # three pooled connections in each pool, just used
        held = [engine.connect() for _ in range(3)]
        for connection in held:
            connection.exec_driver_sql("SELECT 1")
            connection.close()
    monkeypatch.setattr("trainhub.db._server_spoke", lambda _connection: False)  # the checks on checkout see nothing
    assert terminate_app_connections() >= 6
    app.config["PROPAGATE_EXCEPTIONS"] = False
    statuses = []
    for ticket in tickets:
        statuses.append(
            client.post(
                "/api/v1/checkins", headers=headers, json={"token": ticket, "event_id": event_id, "device": "door"}
            ).status_code
        )
        db.session.remove()  # as each request's teardown does (the test keeps one app context open)
        statuses.append(client.get("/api/v1/events").status_code)
        db.session.remove()
    assert sum(status >= 500 for status in statuses) <= 1, statuses
