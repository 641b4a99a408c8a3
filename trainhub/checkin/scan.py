"""The scan engine (签到): a ticket read at the door, decided by checkin.rules, stored, committed.

`check_in` answers with a code (API.md; rules.decide): ok, already_checked_in, invalid_token, wrong_event,
cancelled, not_confirmed, too_early, too_late, not_allowed. A refused scan is an answer, not an error: it is
stored like an accepted one (a `CheckIn` row with its result) and costs no more.
The scan path: one indexed lookup by token with the registration locked, one insert, one update,
one commit. A trainer's API scan on PostgreSQL is optimistic instead, on a connection in autocommit
(models.autocommit_connection): an unlocked read and one conditional statement (update and insert),
re-decided under the lock when the registration changed in between. The unique partial index
`uq_checkins_accepted` makes a second `ok` impossible either way.
A trainer remembered by the API (security.RememberedTrainer) is authenticated inside the scan's read,
and the scan's statements run as models.DirectStatement: a door scan is two statements in all.
"""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from trainhub.access import can_check_in
from trainhub.checkin import rules
from trainhub.checkin.results import CheckInResult, date_skeleton, render_message, translated
from trainhub.db import DirectStatement, autocommit_connection, begin_write, violated_constraint
from trainhub.extensions import db
from trainhub.models import CheckIn, Event, Organization, Registration, User, event_trainers
from trainhub.security import (
    RememberedTrainer,
    StaleBearer,
    bearer_still_live,
    check_bearer_still_live,
    remembered_bearer,
)
from trainhub.tickets.services import find_by_token, find_retired, parse_token

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]  # checked before use


def short_token(token) -> str:
    """What the audit log keeps of the scanned text: enough to recognise it, not a working ticket."""
    text = token if isinstance(token, str) else ""
    text = text.strip()
    return text[:12] + "…" if len(text) > 12 else text


_TRAINER_ASSIGNED = sa.select(event_trainers.c.user_id).where(
    event_trainers.c.event_id == sa.bindparam("event_id"), event_trainers.c.user_id == sa.bindparam("user_id")
)


def may_check_in(actor: User, event: Event) -> bool:
    """access.can_check_in, with the trainer's assignment read as one small row instead of the trainer list."""
    if actor.is_trainer:
        return (
            db.session.connection().execute(_TRAINER_ASSIGNED, {"event_id": event.id, "user_id": actor.id}).first()
            is not None
        )
    return can_check_in(actor, event)


def _keeping_loaded(action) -> None:
    """Run a commit-like step without expiring what the request already loaded (the actor, the event,
    the registration just written): the scan path must not reload them statement by statement."""
    session = db.session()
    previous = session.expire_on_commit
    session.expire_on_commit = False
    try:
        action()
    finally:
        session.expire_on_commit = previous


def check_in(
    token,
    event: Event,
    *,
    actor: User | None,
    device: str = "",
    now: datetime,
    direction: str = "in",
    method: str = "scan",
) -> CheckInResult:
    """Check in (or out) the attendee of this ticket for this event; every attempt is recorded."""
    direction = rules.direction(direction)
    allowed = actor is None or may_check_in(actor, event)  # a read: before the write lock is taken
    with _writers_queue():
        _keeping_loaded(begin_write)
        bare = parse_token(token) if allowed else None
        registration = _locked_for_scan(bare) if allowed else None  # not allowed: nothing about the ticket is read
        result = decide_and_record(
            registration,
            bare,
            token,
            event,
            actor=actor,
            device=device,
            now=now,
            direction=direction,
            method=method,
            allowed=allowed,
        )
    render_message(result)
    return result


class ScannedRegistration:
    """The registration a scan found, read as one plain row (no ORM identity, no unit of work): what the
    rules and the answer read of it, its organization and who checked it in first."""

    __slots__ = (
        "id",
        "event_id",
        "name",
        "phone",
        "email",
        "job_title",
        "status",
        "rejection_reason",
        "ticket_token",
        "created_at",
        "checked_in_at",
        "checked_in_by_id",
        "checked_out_at",
        "organization",
        "checked_in_by",
    )

    def __init__(self, row):
        for key in self.__slots__[:13]:
            setattr(self, key, getattr(row, key))
        self.organization = _Named(row.organization_id, row.organization_name, row.is_pilot_unit)
        self.checked_in_by = (
            _Named(row.checked_in_by_id, row.checked_in_by_name)
            if row.checked_in_by_id is not None and row.checked_in_by_name is not None
            else None
        )


class _Named:
    __slots__ = ("id", "name", "is_pilot_unit")

    def __init__(self, id, name, is_pilot_unit=False):
        self.id, self.name, self.is_pilot_unit = id, name, is_pilot_unit


# A mapped class's __table__ is its Table; the stubs type it as any FromClause, which update/insert refuse.
_REGISTRATIONS: sa.Table = Registration.__table__  # type: ignore[assignment]  # see above
_ORGANIZATIONS = Organization.__table__
_USERS = User.__table__
_CHECKINS: sa.Table = CheckIn.__table__  # type: ignore[assignment]  # see above
# Built once: the live ticket's registration with its organization and the name of who checked it in
# first — one round trip, bound parameters only; locked (FOR UPDATE OF registrations) for the
# transactional path.
_SCAN_READ = (
    sa.select(
        *(_REGISTRATIONS.c[name] for name in ScannedRegistration.__slots__[:13]),
        _ORGANIZATIONS.c.id.label("organization_id"),
        _ORGANIZATIONS.c.name.label("organization_name"),
        _ORGANIZATIONS.c.is_pilot_unit,
        _USERS.c.name.label("checked_in_by_name"),
    )
    .select_from(
        _REGISTRATIONS.join(_ORGANIZATIONS, _ORGANIZATIONS.c.id == _REGISTRATIONS.c.organization_id).outerjoin(
            _USERS, _USERS.c.id == _REGISTRATIONS.c.checked_in_by_id
        )
    )
    .where(_REGISTRATIONS.c.ticket_token == sa.bindparam("token"))
)
_SCAN_LOOKUP = _SCAN_READ.with_for_update(of=_REGISTRATIONS)


def _locked_for_scan(token: str | None) -> ScannedRegistration | None:
    """find_by_token(token, lock=True) as a plain row."""
    if not token:
        return None
    row = db.session.connection().execute(_SCAN_LOOKUP, {"token": token}).first()
    return ScannedRegistration(row) if row is not None else None


class _ScanEvent:
    """What the rules read of the event being scanned for (id, status, the check-in window)."""

    __slots__ = ("id", "status", "starts_at", "ends_at", "checkin_opens_minutes_before", "checkin_closes_minutes_after")

    def __init__(self, row):
        for key in self.__slots__:
            setattr(self, key, getattr(row, f"scan_event_{key}"))


_EVENTS = Event.__table__


def _trainer_scan(lookup: sa.Select, *, revalidating_bearer: bool = False) -> sa.Select:
    """A trainer's scan (the door's common case): the event, the trainer's assignment to it and the live
    ticket's registration (as `lookup` reads it) — one round trip; for a remembered trainer also whether
    their bearer token is still live (security.bearer_still_live), so authentication costs no statement."""
    scanned = lookup.cte("scanned")
    extra = [bearer_still_live().label("bearer_live")] if revalidating_bearer else []
    return (
        sa.select(
            *(_EVENTS.c[key].label(f"scan_event_{key}") for key in _ScanEvent.__slots__),
            sa.exists()
            .where(event_trainers.c.event_id == _EVENTS.c.id, event_trainers.c.user_id == sa.bindparam("user_id"))
            .label("assigned"),
            *extra,
            *scanned.c,
        )
        .select_from(_EVENTS.outerjoin(scanned, sa.true()))
        .where(_EVENTS.c.id == sa.bindparam("event_id"))
    )


# (optimistic, revalidating the bearer token) → the statement
_TRAINER_SCANS = {
    (optimistic, revalidating): DirectStatement(
        _trainer_scan(_SCAN_READ if optimistic else _SCAN_LOOKUP, revalidating_bearer=revalidating)
    )
    for optimistic in (False, True)
    for revalidating in (False, True)
}


def warm_up(engine: sa.Engine, autocommit: sa.Engine | None) -> None:
    """A new worker (trainhub.warmup): the scan's statements compiled, and its read run once — finding
    nothing — on a connection of each pool, which opens it and fills the database's caches for the
    scan's tables."""
    DirectStatement.compile_all(engine.dialect)
    nothing = {"event_id": 0, "user_id": 0, "token": "", "bearer_hash": ""}
    with engine.connect() as connection:
        _TRAINER_SCANS[False, False].first(connection, nothing)
    if autocommit is not None:
        with autocommit.connect() as connection:
            for revalidating in (False, True):
                _TRAINER_SCANS[True, revalidating].first(connection, nothing)


def trainer_check_in(
    token,
    event_id: int,
    *,
    actor: User | RememberedTrainer,
    device: str = "",
    now: datetime,
    direction: str = "in",
    method: str = "scan",
    optimistic: bool = False,
) -> CheckInResult | None:
    """check_in for a trainer and an event known by its id (the API's scan); None when there is no such event.

    The same rules and the same records as check_in, with the event, the assignment and the registration
    read in one statement: locked, inside the write transaction; or, `optimistic` on PostgreSQL, unlocked
    on a connection in autocommit, for one conditional write after it (re-decided under the lock when the
    registration changed in between). A RememberedTrainer's token is re-checked in that statement;
    StaleBearer before anything is written."""
    direction = rules.direction(direction)
    bare = parse_token(token)
    bearer_hash = remembered_bearer(actor)
    with _writers_queue(), autocommit_connection() if optimistic else nullcontext() as direct:
        if direct is None:
            _keeping_loaded(begin_write)
        parameters = {"event_id": event_id, "user_id": actor.id, "token": bare}
        if bearer_hash is not None:
            parameters["bearer_hash"] = bearer_hash
        statement = _TRAINER_SCANS[direct is not None, bearer_hash is not None]
        row = statement.first(direct if direct is not None else db.session.connection(), parameters)
        if row is None:
            check_bearer_still_live(actor)
            if direct is None:
                _keeping_loaded(db.session.commit)  # nothing written: end the write transaction
            return None
        if bearer_hash is not None and not row.bearer_live:
            raise StaleBearer(bearer_hash)
        registration = ScannedRegistration(row) if row.assigned and row.id is not None else None
        result = decide_and_record(
            registration,
            bare,
            token,
            _ScanEvent(row),
            actor=actor,
            device=device,
            now=now,
            direction=direction,
            method=method,
            allowed=row.assigned,
            direct=direct,
        )
    render_message(result)
    return result


def scan(
    token,
    event_id: int,
    *,
    actor: User | RememberedTrainer,
    device: str = "",
    now: datetime,
    direction: str = "in",
    method: str = "scan",
) -> CheckInResult:
    """A scan at the door for an event known by its id (the API, so the console): a trainer's takes the
    one-statement path, optimistic; an organizer's the event's. An unknown event is answered `wrong_event`
    (the console may hold a stale id) — nothing is stored, there is no event to file it under."""
    direction = rules.direction(direction)
    result: CheckInResult | None
    if actor.is_trainer:
        result = trainer_check_in(
            token, event_id, actor=actor, device=device, now=now, direction=direction, method=method, optimistic=True
        )
    else:
        assert isinstance(actor, User)  # a RememberedTrainer is always a trainer
        event = db.session.get(Event, event_id)
        result = (
            check_in(token, event, actor=actor, device=device, now=now, direction=direction, method=method)
            if event is not None
            else None
        )
    if result is None:
        result = CheckInResult("wrong_event", message=translated("wrong_event"))
    return result


@contextmanager
def _writers_queue():
    """SQLite only: scans wait their turn on a file lock, woken the moment it is released, instead of
    in SQLite's busy handler, which polls with sleeps growing to 100 ms (the p99 of a busy door)."""
    bind = db.engine  # not the session: the optimistic scan never makes one
    database = bind.url.database if bind.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or fcntl is None:
        yield
        return
    with open(f"{database}.checkin-lock", "a") as handle:  # one open file per scan: flock excludes threads too
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def decide_and_record(
    registration,
    bare,
    token,
    event,
    *,
    actor,
    device,
    now,
    direction,
    method,
    allowed: bool = True,
    direct: sa.Connection | None = None,
) -> CheckInResult:
    """rules.decide on what the scan read, and the attempt stored (_finish). `registration`: the live
    ticket's (None: the scanned text matched none — a retired ticket is looked up then); `allowed`: the
    actor may check in for the event (when not, nothing about the ticket is read). `direct`: the optimistic
    scan's autocommit connection (the read was unlocked); None inside the write transaction (the row is
    locked)."""

    def finish(result: CheckInResult, changes: dict | None = None) -> CheckInResult:
        return _finish(result, event, token, actor, device, now, direction, method, changes=changes, direct=direct)

    found = registration if registration is not None or not allowed else find_retired(bare)
    opens, closes = rules.checkin_window(event)
    code = rules.decide(
        allowed=allowed,
        ticket=rules.LIVE if registration is not None else rules.RETIRED if found is not None else rules.UNKNOWN,
        same_event=found is not None and found.event_id == event.id,
        event_status=event.status,
        status=found.status if found is not None else None,
        opens=opens,
        closes=closes,
        checked_in_at=registration.checked_in_at if registration is not None else None,
        checked_out_at=registration.checked_out_at if registration is not None else None,
        direction=direction,
        now=now,
    )
    if code == rules.OK:
        return _accept(
            registration,
            bare,
            token,
            event,
            actor=actor,
            device=device,
            now=now,
            direction=direction,
            method=method,
            direct=direct,
            finish=finish,
        )
    if code == rules.ALREADY_CHECKED_IN:
        return finish(_already(registration, direction))
    if code == rules.TOO_EARLY:
        return finish(
            CheckInResult(
                code, registration, message_key=code, message_time=opens, message_date=date_skeleton(opens, now)
            )
        )
    # The registration the refusal is about; none for a ticket that opens nothing here.
    return finish(
        CheckInResult(code, found if code in (rules.CANCELLED, rules.NOT_CONFIRMED, rules.TOO_LATE) else None)
    )


def _accept(
    registration, bare, token, event, *, actor, device, now, direction, method, direct, finish
) -> CheckInResult:
    """Store an accepted scan and apply it; when the write finds the registration changed since the read
    (another scanner first), decide again on the locked row."""
    if direction == rules.IN:
        changes = {"checked_in_at": now, "checked_in_by_id": actor.id if actor is not None else None}
    else:
        changes = {"checked_out_at": now}
    try:
        return finish(
            CheckInResult(rules.OK, registration, now, message_key="ok" if direction == rules.IN else "ok_out"), changes
        )
    except (IntegrityError, _ReadChanged) as conflict:
        if isinstance(conflict, IntegrityError) and violated_constraint(conflict) != "uq_checkins_accepted":
            raise  # only the accepted-scan index means "another scanner was first"
        db.session.rollback()
        begin_write()
        registration = (
            _locked_for_scan(bare) if isinstance(registration, ScannedRegistration) else find_by_token(bare, lock=True)
        )
        if direct is not None:  # read without a lock: decide again on the locked row, in the transaction
            return decide_and_record(
                registration,
                bare,
                token,
                event,
                actor=actor,
                device=device,
                now=now,
                direction=direction,
                method=method,
            )
        # Belt and braces: the unique index refused a second `ok` that slipped past the lock.
        assert isinstance(conflict, IntegrityError)
        return finish(_already(registration, direction))


def _already(registration: Registration, direction: str) -> CheckInResult:
    if direction == "in":
        first, first_by = registration.checked_in_at, registration.checked_in_by
    else:
        first, first_by = registration.checked_out_at, None
    return CheckInResult(
        "already_checked_in",
        registration,
        first,
        first_by,
        message_key="already_checked_in" if direction == "in" else "already_checked_out",
        message_time=first,
    )


# Built once: the scan path binds parameters into cached statements.
_UPDATE_IN = (
    sa.update(_REGISTRATIONS)
    .where(_REGISTRATIONS.c.id == sa.bindparam("registration_id"))
    .values(
        checked_in_at=sa.bindparam("checked_in_at"),
        checked_in_by_id=sa.bindparam("checked_in_by_id"),
        updated_at=sa.bindparam("updated_at"),
    )
)
_UPDATE_OUT = (
    sa.update(_REGISTRATIONS)
    .where(_REGISTRATIONS.c.id == sa.bindparam("registration_id"))
    .values(checked_out_at=sa.bindparam("checked_out_at"), updated_at=sa.bindparam("updated_at"))
)
_CHECKIN_FIELDS = (
    "event_id",
    "registration_id",
    "token_tried",
    "direction",
    "method",
    "result",
    "actor_id",
    "device",
    "created_at",
)
_INSERT_CHECKIN = DirectStatement(
    sa.insert(_CHECKINS).values({key: sa.bindparam(key) for key in _CHECKIN_FIELDS}).returning(_CHECKINS.c.id)
)


def _insert_applying(update) -> sa.Insert:
    """PostgreSQL: the accepted row's insert and the registration's update as one statement (a
    data-modifying CTE) — one round trip; a refusal by the unique index fails both."""
    return (
        sa.insert(_CHECKINS)
        .values({key: sa.bindparam(f"ci_{key}") for key in _CHECKIN_FIELDS})
        .add_cte(update.cte("applied"))
        .returning(_CHECKINS.c.id)
    )


_INSERT_APPLYING_IN = DirectStatement(_insert_applying(_UPDATE_IN))
_INSERT_APPLYING_OUT = DirectStatement(_insert_applying(_UPDATE_OUT))


class _ReadChanged(Exception):
    """The registration an optimistic scan read has changed since (another trainer, a cancellation, a
    reissued ticket): nothing was written."""


def _insert_if_unchanged(update: sa.Update, still_open) -> sa.Insert:
    """PostgreSQL, autocommit: the registration's update, only while it is as the rules read it (confirmed,
    this ticket, not yet checked in/out), and the accepted row's insert only when the update applied —
    one statement, atomic on its own. No row back: the read is stale."""
    applied = (
        update.where(
            _REGISTRATIONS.c.status == "confirmed",
            _REGISTRATIONS.c.ticket_token == sa.bindparam("read_token"),
            still_open,
        )
        .returning(_REGISTRATIONS.c.id)
        .cte("applied")
    )
    columns = _CHECKINS.c
    values = sa.select(*(sa.bindparam(f"ci_{key}", type_=columns[key].type) for key in _CHECKIN_FIELDS))
    return (
        sa.insert(_CHECKINS)
        .from_select(list(_CHECKIN_FIELDS), values.select_from(applied))
        .add_cte(applied)
        .returning(columns.id)
    )


_INSERT_IF_UNCHANGED_IN = DirectStatement(_insert_if_unchanged(_UPDATE_IN, _REGISTRATIONS.c.checked_in_at.is_(None)))
_INSERT_IF_UNCHANGED_OUT = DirectStatement(_insert_if_unchanged(_UPDATE_OUT, _REGISTRATIONS.c.checked_out_at.is_(None)))


def _finish(
    result: CheckInResult,
    event,
    token,
    actor,
    device,
    now,
    direction,
    method,
    changes: dict | None = None,
    direct: sa.Connection | None = None,
) -> CheckInResult:
    """Store the attempt (accepted or not), apply an accepted one to the registration, commit once.

    Plain statements instead of a unit-of-work flush: the insert first (the unique index refuses a
    second accepted row before anything else is written), then the registration's update — on
    PostgreSQL both in one statement."""
    values = dict(
        event_id=event.id,
        registration_id=result.registration.id if result.registration is not None else None,
        token_tried=short_token(token),
        direction=direction,
        method=method,
        result=result.code,
        actor_id=actor.id if actor is not None else None,
        device=(device or "")[:200],
        created_at=now,
    )
    # Plain Core, no ORM bookkeeping on the hot path: the optimistic scan's autocommit connection, else the
    # session's (the write transaction).
    connection = direct if direct is not None else db.session.connection()
    registration = result.registration
    if changes and connection.dialect.name == "postgresql":
        assert registration is not None  # changes apply an accepted scan to its registration
        checking_in = "checked_in_at" in changes
        parameters = {
            **{f"ci_{key}": value for key, value in values.items()},
            **changes,
            "updated_at": now,
            "registration_id": registration.id,
        }
        if direct is not None:
            statement = _INSERT_IF_UNCHANGED_IN if checking_in else _INSERT_IF_UNCHANGED_OUT
            row = statement.first(connection, {**parameters, "read_token": registration.ticket_token})
            if row is None:
                raise _ReadChanged()
            row_id = row.id
        else:
            statement = _INSERT_APPLYING_IN if checking_in else _INSERT_APPLYING_OUT
            row_id = statement.first(connection, parameters).id
    else:
        row_id = _INSERT_CHECKIN.first(connection, values).id
        if changes:
            assert registration is not None  # as above
            update = _UPDATE_IN if "checked_in_at" in changes else _UPDATE_OUT
            connection.execute(update, {**changes, "updated_at": now, "registration_id": registration.id})
    if changes:
        assert registration is not None  # as above
        plain = isinstance(registration, ScannedRegistration)
        for key, value in changes.items():
            if plain:
                setattr(registration, key, value)
            else:
                set_committed_value(registration, key, value)
        # The same registration loaded as an ORM object in this session (a view's, a test's) shows it too.
        loaded = db.session.identity_map.get(identity_key(Registration, registration.id))
        if loaded is not None and loaded is not registration:
            for key, value in changes.items():
                set_committed_value(loaded, key, value)
    if direct is None:
        _keeping_loaded(db.session.commit)
    result.stored = {"id": row_id, **values}
    return result


def check_in_registration(
    registration: Registration, event: Event, *, actor: User, device: str = "", now: datetime, direction: str = "in"
) -> CheckInResult:
    """The manual fallback (one tap on a search result): the same rules, by the attendee's ticket."""
    return check_in(
        registration.ticket_token or f"registration-{registration.id}",
        event,
        actor=actor,
        device=device,
        now=now,
        direction=direction,
        method="manual",
    )
