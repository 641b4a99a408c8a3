"""PostgreSQL connections: no ping per request, yet a connection killed while idle is replaced."""
import pytest

from tests.conftest import terminate_app_connections


@pytest.mark.parametrize("app", [{"DB_PING_IDLE_SECONDS": 0}], indirect=True)
def test_a_connection_killed_while_idle_is_replaced_before_the_request_sees_it(app, client, dialect):
    if dialect != "postgresql":
        pytest.skip("PostgreSQL pool behaviour")
    from trainhub.models import db

    assert client.get("/api/v1/events").status_code == 200
    db.session.remove()  # the pooled connection is idle now
    assert terminate_app_connections() >= 1
    assert client.get("/api/v1/events").status_code == 200


def test_busy_connections_are_not_pinged_but_idle_ones_are(app, client, dialect, monkeypatch):
    if dialect != "postgresql":
        pytest.skip("PostgreSQL pool behaviour")
    from trainhub.models import db

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
