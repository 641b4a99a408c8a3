"""The database plumbing every feature shares: the engines and their pool hooks, the write
transaction of a use case, conflicts mapped by constraint name, and DirectStatement (a compiled
statement run on the DB-API cursor). The `db` object itself is an extension (trainhub.extensions);
the declarative base and the column types are trainhub.models.base.

A write use case (the one transaction convention):

    @use_case
    def cancel_registration(registration, *, actor, now):
        begin_write()            # before its first read: SQLite's write lock, taken at once
        ...                      # lock the guarding row (with_for_update) and change things
        db.session.commit()      # once, at its end — or commit(conflicts=...) / commit(keep_loaded=True)

`use_case` rolls back whatever it raises (refusals included), releasing the locks. Views, API
handlers and CLI commands never commit: they call a use case.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import functools
import re
import select
import time
import weakref
from collections.abc import Callable, Mapping

import sqlalchemy as sa
from flask import Flask, current_app

from trainhub.extensions import db
from trainhub.models.base import Base

# One-shot flag: the next transaction begun on SQLite takes the write lock at once (BEGIN IMMEDIATE),
# so two writers queue on the busy timeout instead of failing on a lock upgrade.
_sqlite_immediate = contextvars.ContextVar("sqlite_immediate", default=False)


def begin_write() -> None:
    """Start the service's write transaction: call before the first read of a use case that writes.

    On SQLite it ends any read transaction the view opened and makes the next one BEGIN IMMEDIATE;
    on PostgreSQL callers lock the guarding row with `with_for_update()`.
    """
    session = db.session()  # the Session itself: scoped_session does not proxy in_transaction()
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        session.commit()  # ends the view's read transaction; nothing is pending before a use case
    _sqlite_immediate.set(True)


AUTOCOMMIT_ENGINE = "trainhub.autocommit_engine"  # app.extensions key (PostgreSQL only)


def autocommit_engine() -> sa.Engine | None:
    """PostgreSQL: the app's second engine on the same database, whose connections stay in autocommit."""
    return current_app.extensions.get(AUTOCOMMIT_ENGINE)


def database_status() -> str:
    """For /readyz: "ok" when every engine of the app answers a trivial query, else raises its error."""
    for engine in (db.engine, autocommit_engine()):
        if engine is not None:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
    return "ok"


@contextlib.contextmanager
def autocommit_connection():
    """PostgreSQL: a connection on which each statement commits on its own — no BEGIN and COMMIT round
    trips and none of the session's transaction bookkeeping — for a hot use case whose reads need no
    common snapshot and whose write is one statement (the door scan). None elsewhere (SQLite's writers
    queue on its one lock instead). The request's session is untouched: what it reads or writes runs in
    its own transactions, as always."""
    engine = autocommit_engine()
    if engine is None:
        yield None
        return
    with engine.connect() as connection:
        yield connection


def use_case(function):
    """Decorate a write use case (the services' public functions that commit): any refusal (or error)
    rolls its transaction back, releasing the locks at once rather than when the request ends."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception:
            db.session.rollback()
            raise

    return wrapper


def commit(
    *,
    keep_loaded: bool = False,
    conflicts: Mapping[str, Callable[[], Exception]] | None = None,
    otherwise: Callable[[], Exception] | None = None,
) -> None:
    """End the use case's write transaction.

    keep_loaded: the objects keep their values, so the caller answers from what it has just written with
    no query after the commit (a connection lost there would turn a use case that happened into a 500
    that the client retries).
    conflicts: constraint name → the refusal its violation means (a race that the checks before the
    commit could not see: the same code registered twice at once); `otherwise` for any other integrity
    error, which is re-raised when not given. Either way the transaction is rolled back first.
    """
    session = db.session()  # the Session itself, for expire_on_commit
    previous = session.expire_on_commit
    if keep_loaded:
        session.expire_on_commit = False
    try:
        session.commit()
    except sa.exc.IntegrityError as error:
        session.rollback()
        refusal = (conflicts or {}).get(violated_constraint(error) or "") or otherwise
        if refusal is None:
            raise
        raise refusal() from None
    finally:
        session.expire_on_commit = previous


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)")
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (\w+)")


def violated_constraint(error: sa.exc.IntegrityError) -> str | None:
    """The name of the constraint (or unique index) an IntegrityError violated, as the models' naming
    convention wrote it (`uq_users_email`, `ck_events_ends_after_start`, `uq_checkins_accepted`), or None
    when the driver does not tell (NOT NULL, foreign keys on SQLite).

    PostgreSQL names it (psycopg's diagnostics). SQLite names a CHECK, and for a unique violation lists
    the columns (`table.a, table.b`) or names an expression index: the columns are resolved to the one
    unique constraint or unique index of the table's metadata with exactly those columns."""
    original = error.orig
    diagnostics = getattr(original, "diag", None)
    if diagnostics is not None:
        return diagnostics.constraint_name
    text = str(original)
    check = _SQLITE_CHECK.match(text)
    if check:
        return check.group(1)
    unique = _SQLITE_UNIQUE.match(text)
    if unique is None:
        return None
    listed = unique.group(1).strip()
    if listed.startswith("index '") and listed.endswith("'"):
        return listed[len("index '") : -1]
    pairs = [item.strip().rsplit(".", 1) for item in listed.split(",")]
    tables = {table for table, _column in pairs}
    if len(tables) != 1:
        return None
    return _unique_named(tables.pop(), tuple(column for _table, column in pairs))


def _unique_named(table_name: str, columns: tuple[str, ...]) -> str | None:
    table = Base.metadata.tables.get(table_name)
    if table is None:
        return None
    candidates: list[sa.UniqueConstraint | sa.PrimaryKeyConstraint | sa.Index] = [
        constraint
        for constraint in table.constraints
        if isinstance(constraint, (sa.UniqueConstraint, sa.PrimaryKeyConstraint))
    ]
    candidates += [index for index in table.indexes if index.unique]
    names = {
        candidate.name for candidate in candidates if tuple(column.name for column in candidate.columns) == columns
    }
    if len(names) != 1:
        return None
    name = names.pop()
    return name if isinstance(name, str) else None  # not a deferred-name marker (sqlalchemy's _NoneName)


def init_app(app: Flask) -> None:
    """Join `db` to the app and set up its engines: on PostgreSQL a pool sized to the workers, a second
    engine whose connections stay in autocommit (autocommit_connection), the idle ping and the disconnect
    sweep; on SQLite the pragmas and the immediate write transactions."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_size": 10,
            "max_overflow": 10,
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        }
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # The same database through a pool whose connections stay in autocommit: no isolation level
            # switched on every checkout and back on return, no rollback on return.
            app.extensions[AUTOCOMMIT_ENGINE] = sa.create_engine(
                app.config["SQLALCHEMY_DATABASE_URI"],
                **{
                    **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
                    "isolation_level": "AUTOCOMMIT",
                    "pool_reset_on_return": None,
                },
            )
            for engine in (db.engine, app.extensions[AUTOCOMMIT_ENGINE]):
                install_idle_ping(engine, idle_seconds=float(app.config.get("DB_PING_IDLE_SECONDS", 30)))
            install_disconnect_sweep(db.engine, app.extensions[AUTOCOMMIT_ENGINE])
        if db.engine.dialect.name == "sqlite":
            install_sqlite_pragmas(db.engine)


def install_sqlite_pragmas(engine) -> None:
    """WAL, busy timeout, foreign keys, and transactions begun by us (pysqlite's own are off)."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        if _sqlite_immediate.get():
            _sqlite_immediate.set(False)
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def _server_spoke(dbapi_connection) -> bool:
    """Whether an idle connection's socket has something to read: the server only speaks unasked when it
    ends the connection (a restart, pg_terminate_backend: a FATAL message, then EOF). One poll(2) with no
    wait, no round trip; a connection with no socket any more counts as spoken too."""
    try:
        descriptor = dbapi_connection.fileno()
    except Exception:
        return True
    poller = select.poll()
    poller.register(descriptor, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def install_idle_ping(engine, *, idle_seconds: float) -> None:
    """Check a pooled connection before use: ping it when it has been idle a while, or when its socket
    shows that the server hung up on it.

    pool_pre_ping costs a round trip on every request — a sixth of a door scan's on PostgreSQL. A
    connection used within `idle_seconds` whose socket is quiet is trusted; the others are pinged and,
    when dead, replaced before the request sees them. The socket check is what makes a database restart
    cost no request: every connection of every pool was ended, each shows it at its next checkout. (A
    network that silently drops a connection shows nothing: the idle ping covers that one.)
    """

    @sa.event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        moment = time.monotonic()
        last_used = record.info.get("trainhub_last_used")
        if last_used is None or moment - last_used >= idle_seconds or _server_spoke(dbapi_connection):
            try:
                engine.dialect.do_ping(dbapi_connection)
            except Exception as error:  # the pool retries with a fresh connection
                raise sa.exc.DisconnectionError(f"connection lost while idle: {error}") from error
        record.info["trainhub_last_used"] = moment


_disconnect_sweeps: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engine → sweep of all pools


def install_disconnect_sweep(*engines) -> None:
    """A connection found dead in use means every connection may be (the database restarted, unseen by
    the checks on checkout): each of the app's pools then drops its idle connections. SQLAlchemy does it
    for the failing engine only, and DirectStatement's connections not even that — without the sweep,
    each dead connection failed its next request. With it, at most the request that found out fails."""

    references = [weakref.ref(engine) for engine in engines]  # the registry must not keep engines alive

    def sweep() -> None:
        for reference in references:
            engine = reference()
            if engine is not None:
                engine.dispose()  # idle connections closed, a fresh pool; checked-out ones close on return

    for engine in engines:
        _disconnect_sweeps[engine] = sweep

        @sa.event.listens_for(engine, "handle_error")
        def _on_error(context):
            if context.is_disconnect:
                sweep()


class DirectStatement:
    """A Core statement compiled once per dialect by SQLAlchemy and run on the DB-API cursor of the
    connection it is given (the session's, or the scan's autocommit one) — same SQL, same bind and result
    processing (the column types' own processors), same transaction; errors wrapped as SQLAlchemy's
    (IntegrityError stays IntegrityError).

    For the door scan's two statements only: SQLAlchemy's per-execution work (execution context,
    result metadata from cursor.description) cost more CPU than the statement itself. Of the engine's
    events only before/after_cursor_execute fire (no echo)."""

    _all: list[DirectStatement] = []

    def __init__(self, statement):
        self.statement = statement
        self._compiled: dict[str, tuple] = {}
        DirectStatement._all.append(self)

    @classmethod
    def compile_all(cls, dialect) -> None:
        """Compile every DirectStatement for this dialect now (a new worker: not on its first request)."""
        for statement in cls._all:
            statement._for(dialect)

    def _for(self, dialect):
        entry = self._compiled.get(dialect.name)
        if entry is None:
            compiled = self.statement.compile(dialect=dialect)
            binds = dict(compiled._bind_processors)
            columns = [(column[0], column[3]) for column in compiled._result_columns]
            results = tuple(type_._cached_result_processor(dialect, None) for _, type_ in columns)
            row_class = collections.namedtuple(  # type: ignore[misc]  # the fields are the statement's, known at run time
                "DirectRow", [key for key, _ in columns], rename=True
            )
            entry = self._compiled[dialect.name] = (
                str(compiled),
                compiled,
                binds,
                compiled.positiontup,
                results if any(results) else None,
                row_class,
            )
        return entry

    def first(self, connection: sa.Connection, parameters: dict):
        """Execute and return the first row (a named tuple) or None."""
        dialect = connection.dialect
        sql, compiled, binds, positions, results, row_class = self._for(dialect)
        values = compiled.construct_params(parameters)
        try:
            for name, process in binds.items():
                values[name] = process(values[name])
        except Exception as error:  # as SQLAlchemy reports a value its type refuses
            raise sa.exc.StatementError(str(error), sql, parameters, error) from error
        arguments = tuple(values[name] for name in positions) if positions else values
        raw_connection = connection.connection
        cursor = raw_connection.cursor()
        # Listeners (tests counting statements, tracing) still see the statement, as SQLAlchemy shows it.
        listened = connection._has_events or connection.engine._has_events
        try:
            if listened:  # as Connection._exec_single_context does (listeners return the pair)
                for listener in connection.dispatch.before_cursor_execute:
                    sql, arguments = listener(connection, cursor, sql, arguments, None, False)
            cursor.execute(sql, arguments)
            row = cursor.fetchone()
            if listened:
                connection.dispatch.after_cursor_execute(connection, cursor, sql, arguments, None, False)
        except dialect.loaded_dbapi.Error as error:
            invalidated = dialect.is_disconnect(error, raw_connection.dbapi_connection, cursor)
            if invalidated:
                connection.invalidate(error)
                sweep = _disconnect_sweeps.get(connection.engine)
                if sweep is not None:
                    sweep()
            raise sa.exc.DBAPIError.instance(
                sql, arguments, error, dialect.loaded_dbapi.Error, connection_invalidated=invalidated, dialect=dialect
            ) from error
        finally:
            cursor.close()
        if row is None:
            return None
        if results is not None:
            row = [value if process is None else process(value) for value, process in zip(row, results, strict=True)]
        return row_class(*row)
