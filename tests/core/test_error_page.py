"""The 500 page is the app's own — its layout and navigation, in the user's language — even when the error
came from a database connection that died under the request (the page itself needs the database: the user)."""

from __future__ import annotations

import pytest
from flask_login import current_user

from tests.conftest import terminate_app_connections
from trainhub.extensions import db


@pytest.fixture
def failing_route(app):
    @app.get("/_test/connection-lost")
    def connection_lost():
        assert current_user.is_authenticated
        db.session.commit()  # as a use case's commit: the user's attributes are reloaded on next use
        db.session.execute(db.select(1))  # a transaction holds a connection (no checkout check any more)
        terminate_app_connections()
        db.session.execute(db.select(1))  # the request's own statement meets the dead connection

    return "/_test/connection-lost"


def test_a_lost_database_connection_still_gets_the_apps_500_page_in_the_users_language(
    app, client, login, make, dialect, failing_route
):
    if dialect != "postgresql":
        pytest.skip("a connection is ended from outside on PostgreSQL only")
    login(make.organizer(locale="en", name="Organizer One"))
    response = client.get(failing_route)
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Internal server error. Please try again later." in page
    assert 'class="navbar' in page and "Organizer One" in page and "/manage/exports" in page


def test_with_the_database_gone_the_500_page_still_comes_in_the_requests_language(app, client, login, make):
    import sqlalchemy as sa

    def database_gone(*_args, **_kw):
        raise sa.exc.OperationalError("SELECT", {}, ConnectionRefusedError("the database is gone"))

    @app.get("/_test/database-gone")
    def gone():
        db.session.commit()  # the user is reloaded on next use: by then there is no database
        sa.event.listen(db.engine, "before_cursor_execute", database_gone)
        db.session.execute(sa.select(1))

    login(make.organizer(name="Organizer One"))
    try:
        response = client.get("/_test/database-gone", headers={"Accept-Language": "en"})
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", database_gone)
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Internal server error. Please try again later." in page
    assert 'class="navbar' in page and "Organizer One" not in page  # the public menu: the user could not be read
