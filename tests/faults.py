"""Faults injected for real into the app's database traffic."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa

from trainhub.db import autocommit_engine
from trainhub.extensions import db


@contextlib.contextmanager
def database_lost_after_commit_of(app, model):
    """Every statement after the commit that wrote a `model` row fails as on a dropped connection."""
    state = {"writing": False, "lost": False}

    def after_flush(session, _context):
        state["writing"] = state["writing"] or any(isinstance(o, model) for o in session.new)

    def after_commit(_session):
        state["lost"] = state["writing"]

    def before_cursor_execute(conn, cursor, statement, *args):
        if state["lost"]:
            raise sa.exc.OperationalError(statement, {}, Exception("server closed the connection unexpectedly"))

    engines = [engine for engine in (db.engine, autocommit_engine()) if engine is not None]
    sa.event.listen(sa.orm.Session, "after_flush", after_flush)
    sa.event.listen(sa.orm.Session, "after_commit", after_commit)
    for engine in engines:
        sa.event.listen(engine, "before_cursor_execute", before_cursor_execute)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a failure is answered as in production: a 500
    try:
        yield state
    finally:
        sa.event.remove(sa.orm.Session, "after_flush", after_flush)
        sa.event.remove(sa.orm.Session, "after_commit", after_commit)
        for engine in engines:
            sa.event.remove(engine, "before_cursor_execute", before_cursor_execute)
