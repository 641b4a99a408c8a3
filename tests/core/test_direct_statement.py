"""trainhub.db.DirectStatement: a Core statement run on the DB-API cursor must behave as SQLAlchemy's execute
would — same values in and out, same transaction, same exception classes, visible to cursor listeners."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from trainhub.db import DirectStatement
from trainhub.extensions import db
from trainhub.models import CheckIn, Registration

_CHECKINS = CheckIn.__table__
_INSERT = DirectStatement(
    sa.insert(_CHECKINS)
    .values(
        event_id=sa.bindparam("event_id"),
        registration_id=sa.bindparam("registration_id"),
        token_tried=sa.bindparam("token_tried"),
        direction="in",
        method="scan",
        result=sa.bindparam("result"),
        device="",
        created_at=sa.bindparam("created_at"),
    )
    .returning(_CHECKINS.c.id, _CHECKINS.c.created_at)
)
_READ = DirectStatement(
    sa.select(
        _CHECKINS.c.id, _CHECKINS.c.created_at, _CHECKINS.c.token_tried, (_CHECKINS.c.result == "ok").label("accepted")
    ).where(_CHECKINS.c.id == sa.bindparam("id"))
)


@pytest.fixture
def registration(make):
    event = make.event()
    return make.registration(event, status="confirmed")


def _insert(registration, *, result="ok", at=None):
    return _INSERT.first(
        db.session.connection(),
        {
            "event_id": registration.event_id,
            "registration_id": registration.id,
            "token_tried": "abc…",
            "result": result,
            "created_at": at or datetime(2030, 5, 1, 9, 30, tzinfo=timezone(timedelta(hours=8))),
        },
    )


def test_values_go_in_and_come_back_as_the_column_types_make_them(app, registration):
    row = _insert(registration)
    db.session.commit()
    read = _READ.first(db.session.connection(), {"id": row.id})
    # An instant given in +08:00 is stored as UTC and read back aware, on SQLite too; a comparison is a bool.
    assert read.created_at == datetime(2030, 5, 1, 1, 30, tzinfo=UTC)
    assert read.created_at.utcoffset() == timedelta(0)
    assert read.accepted is True and read.token_tried == "abc…"
    assert row.created_at == read.created_at
    assert _READ.first(db.session.connection(), {"id": 999999}) is None


def test_it_runs_in_the_sessions_transaction(app, registration):
    row = _insert(registration)
    db.session.rollback()
    assert db.session.get(CheckIn, row.id) is None


def test_a_naive_instant_is_refused_as_by_sqlalchemy(app, registration):
    with pytest.raises(sa.exc.StatementError):
        _insert(registration, at=datetime(2030, 5, 1, 9, 30))
    db.session.rollback()


def test_database_errors_are_sqlalchemys(app, registration):
    _insert(registration)  # one accepted check-in per registration and direction (uq_checkins_accepted)
    with pytest.raises(sa.exc.IntegrityError):
        _insert(registration)
    db.session.rollback()
    _insert(registration, result="already_checked_in")  # the session is usable again
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1


def test_cursor_listeners_see_the_statement(app, registration):
    seen = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    registration = db.session.get(Registration, registration.id)  # loaded before listening
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        _insert(registration)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    db.session.rollback()
    assert len(seen) == 1 and seen[0][0].startswith("INSERT INTO checkins")


def test_the_registration_model_is_untouched_by_a_direct_read(app, registration):
    """A direct statement creates no ORM identity: the loaded object is not refreshed behind the session."""
    loaded = db.session.get(Registration, registration.id)
    table = Registration.__table__
    statement = DirectStatement(sa.select(table.c.name).where(table.c.id == sa.bindparam("id")))
    assert statement.first(db.session.connection(), {"id": registration.id}).name == loaded.name


def test_a_dropped_connection_is_invalidated_and_the_next_request_gets_a_fresh_one(app, registration, dialect):
    if dialect != "postgresql":
        pytest.skip("needs PostgreSQL (a server that can end a backend)")
    connection = db.session.connection()
    backend = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with db.engine.connect() as other:
        other.exec_driver_sql(f"SELECT pg_terminate_backend({int(backend)})")
    with pytest.raises(sa.exc.DBAPIError) as raised:
        _READ.first(connection, {"id": 1})
    assert raised.value.connection_invalidated
    db.session.rollback()
    assert _READ.first(db.session.connection(), {"id": 999999}) is None  # a fresh connection from the pool
