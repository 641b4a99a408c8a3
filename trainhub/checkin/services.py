"""Check-in at the door (签到): one service for the console, the API, the CLI and self check-in.

`check_in` answers with a code (API.md): ok, already_checked_in, invalid_token, wrong_event,
cancelled, not_confirmed, too_early, too_late, not_allowed. A refused scan is an answer, not an
error: it is stored like an accepted one (a `CheckIn` row with its result) and costs no more.
The scan path: one indexed lookup by token with the registration locked, one insert, one update,
one commit. A trainer's API scan on PostgreSQL is optimistic instead, on a connection in autocommit
(models.autocommit_connection): an unlocked read and one conditional statement (update and insert),
re-decided under the lock when the registration changed in between. The unique partial index
`uq_checkins_accepted` makes a second `ok` impossible either way.
A trainer remembered by the API (security.RememberedTrainer) is authenticated inside the scan's read,
and the scan's statements run as models.DirectStatement: a door scan is two statements in all.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import secrets

from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from babel.dates import format_skeleton
from flask import current_app
from flask_babel import get_locale, lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.util import identity_key
from sqlalchemy.orm.attributes import set_committed_value

from trainhub import ratelimit
from trainhub.access import can_check_in
from trainhub.errors import DomainError
from trainhub.models import (
    AuditLog,
    CheckIn,
    DirectStatement,
    Event,
    Organization,
    Registration,
    User,
    autocommit_connection,
    begin_write,
    db,
    event_trainers,
)
from trainhub.events.rules import supports_self_checkin
from trainhub.pagination import contains
from trainhub.security import (
    RememberedTrainer,
    StaleBearer,
    bearer_still_live,
    check_bearer_still_live,
    remembered_bearer,
)
from trainhub.tickets.services import find_by_token, find_retired, parse_token
from trainhub.timeutil import to_local

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None

SELF_CODE_WINDOW = 60  # seconds a self check-in code lives (the previous one is still accepted)
SELF_RATE_WINDOW = 300  # wrong self check-in codes are counted per 5 minutes

MESSAGES = {
    "ok": _l("签到成功"),
    "ok_out": _l("签退成功"),
    "already_checked_in": _l("已于 %(time)s 签到"),
    "already_checked_out": _l("已于 %(time)s 签退"),
    "invalid_token": _l("无效的电子票"),
    "wrong_event": _l("这张电子票不属于本场活动"),
    "cancelled": _l("该报名已取消"),
    "not_confirmed": _l("该报名未确认"),
    "too_early": _l("签到尚未开始（%(time)s 开始）"),
    "too_late": _l("签到已结束"),
    "not_allowed": _l("您不是本场活动的签到人员"),
}


@dataclass
class CheckInResult:
    code: str
    registration: Registration | None = None
    checked_in_at: datetime | None = None  # the new time (ok) or the first one (already_checked_in)
    first_by: User | None = None
    message: str = ""
    # Rendered after the commit (translation and time formatting cost more than the SQL): a key of
    # MESSAGES, the instant to show as HH:mm in it, and who did it first.
    message_key: str | None = None
    message_time: datetime | None = None
    message_date: str | None = None  # a date skeleton when the time is on another day than the scan
    stored: dict | None = None  # the audit row as written (with its id)

    @property
    def ok(self) -> bool:
        return self.code == "ok"

    @functools.cached_property
    def checkin(self) -> CheckIn | None:
        """The stored audit row, a detached copy — built on first use: the door's answer never needs it."""
        return CheckIn(**self.stored) if self.stored is not None else None


def checkin_window(event: Event) -> tuple[datetime, datetime]:
    """From `checkin_opens_minutes_before` the start to the end plus `checkin_closes_minutes_after`."""
    opens = event.starts_at - timedelta(minutes=event.checkin_opens_minutes_before or 0)
    closes = event.ends_at + timedelta(minutes=event.checkin_closes_minutes_after or 0)
    return opens, closes


def _hhmm(value: datetime) -> str:
    """A time of day as the door shows it (09:02): the same digits in every language of the platform."""
    return to_local(value).strftime("%H:%M")


def _date_skeleton(value: datetime, now: datetime) -> str | None:
    """How much of the date a time needs beside the scan's: none on the same day, the year only in another."""
    shown, today = to_local(value).date(), to_local(now).date()
    if shown == today:
        return None
    return "MMMd" if shown.year == today.year else "yMMMd"


def _day_and_time(value: datetime, skeleton: str) -> str:
    """A time on another day, its date in the reader's language (10月14日 08:00 / Oct 14 08:00)."""
    local = to_local(value)
    return f"{format_skeleton(skeleton, local, tzinfo=local.tzinfo, locale=get_locale())} {_hhmm(value)}"


def _short(token) -> str:
    """What the audit log keeps of the scanned text: enough to recognise it, not a working ticket."""
    text = token if isinstance(token, str) else ""
    text = text.strip()
    return text[:12] + "…" if len(text) > 12 else text


_TRAINER_ASSIGNED = sa.select(event_trainers.c.user_id).where(
    event_trainers.c.event_id == sa.bindparam("event_id"), event_trainers.c.user_id == sa.bindparam("user_id"))


def may_check_in(actor: User, event: Event) -> bool:
    """access.can_check_in, with the trainer's assignment read as one small row instead of the trainer list."""
    if actor.is_trainer:
        return db.session.connection().execute(
            _TRAINER_ASSIGNED, {"event_id": event.id, "user_id": actor.id}
        ).first() is not None
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


def check_in(token, event: Event, *, actor: User | None, device: str = "", now: datetime, direction: str = "in",
             method: str = "scan") -> CheckInResult:
    """Check in (or out) the attendee of this ticket for this event; every attempt is recorded."""
    if direction not in ("in", "out"):
        direction = "in"
    allowed = actor is None or may_check_in(actor, event)  # a read: before the write lock is taken
    with _writers_queue():
        _keeping_loaded(begin_write)
        if not allowed:
            result = _finish(CheckInResult("not_allowed"), event, token, actor, device, now, direction, method)
        else:
            bare = parse_token(token)
            registration = _locked_for_scan(bare)
            result = _decide(registration, bare, token, event, actor=actor, device=device, now=now,
                             direction=direction, method=method)
    _render_message(result)
    return result


class ScannedRegistration:
    """The registration a scan found, read as one plain row (no ORM identity, no unit of work): what the
    rules and the answer read of it, its organization and who checked it in first."""

    __slots__ = ("id", "event_id", "name", "phone", "email", "job_title", "status", "rejection_reason",
                 "ticket_token", "created_at", "checked_in_at", "checked_in_by_id", "checked_out_at",
                 "organization", "checked_in_by")

    def __init__(self, row):
        for key in self.__slots__[:13]:
            setattr(self, key, getattr(row, key))
        self.organization = _Named(row.organization_id, row.organization_name, row.is_pilot_unit)
        self.checked_in_by = (_Named(row.checked_in_by_id, row.checked_in_by_name)
                              if row.checked_in_by_id is not None and row.checked_in_by_name is not None else None)


class _Named:
    __slots__ = ("id", "name", "is_pilot_unit")

    def __init__(self, id, name, is_pilot_unit=False):
        self.id, self.name, self.is_pilot_unit = id, name, is_pilot_unit


_REGISTRATIONS = Registration.__table__
_ORGANIZATIONS = Organization.__table__
_USERS = User.__table__
# Built once: the live ticket's registration with its organization and the name of who checked it in
# first — one round trip, bound parameters only; locked (FOR UPDATE OF registrations) for the
# transactional path.
_SCAN_READ = (
    sa.select(
        *(_REGISTRATIONS.c[name] for name in ScannedRegistration.__slots__[:13]),
        _ORGANIZATIONS.c.id.label("organization_id"), _ORGANIZATIONS.c.name.label("organization_name"),
        _ORGANIZATIONS.c.is_pilot_unit, _USERS.c.name.label("checked_in_by_name"),
    )
    .select_from(_REGISTRATIONS.join(_ORGANIZATIONS, _ORGANIZATIONS.c.id == _REGISTRATIONS.c.organization_id)
                 .outerjoin(_USERS, _USERS.c.id == _REGISTRATIONS.c.checked_in_by_id))
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

    __slots__ = ("id", "status", "starts_at", "ends_at", "checkin_opens_minutes_before",
                 "checkin_closes_minutes_after")

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
            sa.exists().where(event_trainers.c.event_id == _EVENTS.c.id,
                              event_trainers.c.user_id == sa.bindparam("user_id")).label("assigned"),
            *extra,
            *scanned.c,
        )
        .select_from(_EVENTS.outerjoin(scanned, sa.true()))
        .where(_EVENTS.c.id == sa.bindparam("event_id"))
    )


# (optimistic, revalidating the bearer token) → the statement
_TRAINER_SCANS = {
    (optimistic, revalidating): DirectStatement(_trainer_scan(_SCAN_READ if optimistic else _SCAN_LOOKUP,
                                                              revalidating_bearer=revalidating))
    for optimistic in (False, True) for revalidating in (False, True)
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


def trainer_check_in(token, event_id: int, *, actor: User | RememberedTrainer, device: str = "", now: datetime,
                     direction: str = "in", method: str = "scan", optimistic: bool = False) -> CheckInResult | None:
    """check_in for a trainer and an event known by its id (the API's scan); None when there is no such event.

    The same rules and the same records as check_in, with the event, the assignment and the registration
    read in one statement: locked, inside the write transaction; or, `optimistic` on PostgreSQL, unlocked
    on a connection in autocommit, for one conditional write after it (re-decided under the lock when the
    registration changed in between). A RememberedTrainer's token is re-checked in that statement;
    StaleBearer before anything is written."""
    if direction not in ("in", "out"):
        direction = "in"
    bare = parse_token(token)
    bearer_hash = remembered_bearer(actor)
    with _writers_queue(), (autocommit_connection() if optimistic else nullcontext()) as direct:
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
        event = _ScanEvent(row)
        if not row.assigned:
            result = _finish(CheckInResult("not_allowed"), event, token, actor, device, now, direction, method,
                             direct=direct)
        else:
            registration = ScannedRegistration(row) if row.id is not None else None
            result = _decide(registration, bare, token, event, actor=actor, device=device, now=now,
                             direction=direction, method=method, direct=direct)
    _render_message(result)
    return result


def scan(token, event_id: int, *, actor: User | RememberedTrainer, device: str = "", now: datetime,
         direction: str = "in", method: str = "scan") -> CheckInResult:
    """A scan at the door for an event known by its id (the API, so the console): a trainer's takes the
    one-statement path, optimistic; an organizer's the event's. An unknown event is answered `wrong_event`
    (the console may hold a stale id) — nothing is stored, there is no event to file it under."""
    options = dict(device=device, now=now, direction=direction, method=method)
    if actor.is_trainer:
        result = trainer_check_in(token, event_id, actor=actor, optimistic=True, **options)
    else:
        event = db.session.get(Event, event_id)
        result = check_in(token, event, actor=actor, **options) if event is not None else None
    if result is None:
        result = CheckInResult("wrong_event", message=_translated("wrong_event"))
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


def _decide(registration, bare, token, event, *, actor, device, now, direction, method,
            direct: sa.Connection | None = None) -> CheckInResult:
    """The rules on what the scan read, and the attempt stored (_finish). `direct`: the optimistic scan's
    autocommit connection (the read was unlocked); None inside the write transaction (the row is locked)."""

    def finish(result: CheckInResult, changes: dict | None = None) -> CheckInResult:
        return _finish(result, event, token, actor, device, now, direction, method, changes=changes, direct=direct)

    if registration is None:
        retired = find_retired(bare)
        if retired is None:
            return finish(CheckInResult("invalid_token"))
        if retired.event_id != event.id:
            return finish(CheckInResult("wrong_event"))
        if retired.status == "cancelled":
            return finish(CheckInResult("cancelled", retired))
        if retired.status == "confirmed":  # reissued: the old code opens nothing
            return finish(CheckInResult("invalid_token"))
        return finish(CheckInResult("not_confirmed", retired))
    if registration.event_id != event.id:
        return finish(CheckInResult("wrong_event"))
    if event.status == "cancelled" or registration.status == "cancelled":
        return finish(CheckInResult("cancelled", registration))
    if registration.status != "confirmed":
        return finish(CheckInResult("not_confirmed", registration))
    opens, closes = checkin_window(event)
    if now < opens:
        return finish(CheckInResult("too_early", registration, message_key="too_early", message_time=opens,
                                    message_date=_date_skeleton(opens, now)))
    if now > closes:
        return finish(CheckInResult("too_late", registration))
    first = registration.checked_in_at if direction == "in" else registration.checked_out_at
    if first is not None:
        return finish(_already(registration, direction))
    if direction == "in":
        changes = {"checked_in_at": now, "checked_in_by_id": actor.id if actor is not None else None}
    else:
        changes = {"checked_out_at": now}
    try:
        return finish(CheckInResult("ok", registration, now, message_key="ok" if direction == "in" else "ok_out"),
                      changes)
    except (IntegrityError, _ReadChanged) as conflict:
        db.session.rollback()
        begin_write()
        registration = (_locked_for_scan(bare) if isinstance(registration, ScannedRegistration)
                        else find_by_token(bare, lock=True))
        if direct is not None:  # read without a lock: decide again on the locked row, in the transaction
            return _decide(registration, bare, token, event, actor=actor, device=device, now=now,
                           direction=direction, method=method)
        # Belt and braces: the unique index refused a second `ok` that slipped past the lock.
        assert isinstance(conflict, IntegrityError)
        return finish(_already(registration, direction))


def _already(registration: Registration, direction: str) -> CheckInResult:
    if direction == "in":
        first, first_by = registration.checked_in_at, registration.checked_in_by
    else:
        first, first_by = registration.checked_out_at, None
    return CheckInResult("already_checked_in", registration, first, first_by,
                         message_key="already_checked_in" if direction == "in" else "already_checked_out",
                         message_time=first)


# Built once: the scan path binds parameters into cached statements.
_UPDATE_IN = (sa.update(_REGISTRATIONS).where(_REGISTRATIONS.c.id == sa.bindparam("registration_id"))
              .values(checked_in_at=sa.bindparam("checked_in_at"), checked_in_by_id=sa.bindparam("checked_in_by_id"),
                      updated_at=sa.bindparam("updated_at")))
_UPDATE_OUT = (sa.update(_REGISTRATIONS).where(_REGISTRATIONS.c.id == sa.bindparam("registration_id"))
               .values(checked_out_at=sa.bindparam("checked_out_at"), updated_at=sa.bindparam("updated_at")))
_CHECKIN_FIELDS = ("event_id", "registration_id", "token_tried", "direction", "method", "result", "actor_id",
                   "device", "created_at")
_INSERT_CHECKIN = DirectStatement(
    sa.insert(CheckIn.__table__).values({key: sa.bindparam(key) for key in _CHECKIN_FIELDS})
    .returning(CheckIn.__table__.c.id))


def _insert_applying(update) -> sa.Insert:
    """PostgreSQL: the accepted row's insert and the registration's update as one statement (a
    data-modifying CTE) — one round trip; a refusal by the unique index fails both."""
    return (sa.insert(CheckIn.__table__)
            .values({key: sa.bindparam(f"ci_{key}") for key in _CHECKIN_FIELDS})
            .add_cte(update.cte("applied"))
            .returning(CheckIn.__table__.c.id))


_INSERT_APPLYING_IN = DirectStatement(_insert_applying(_UPDATE_IN))
_INSERT_APPLYING_OUT = DirectStatement(_insert_applying(_UPDATE_OUT))


class _ReadChanged(Exception):
    """The registration an optimistic scan read has changed since (another trainer, a cancellation, a
    reissued ticket): nothing was written."""


def _insert_if_unchanged(update: sa.Update, still_open) -> sa.Insert:
    """PostgreSQL, autocommit: the registration's update, only while it is as the rules read it (confirmed,
    this ticket, not yet checked in/out), and the accepted row's insert only when the update applied —
    one statement, atomic on its own. No row back: the read is stale."""
    applied = (update.where(_REGISTRATIONS.c.status == "confirmed",
                            _REGISTRATIONS.c.ticket_token == sa.bindparam("read_token"), still_open)
               .returning(_REGISTRATIONS.c.id).cte("applied"))
    columns = CheckIn.__table__.c
    values = sa.select(*(sa.bindparam(f"ci_{key}", type_=columns[key].type) for key in _CHECKIN_FIELDS))
    return (sa.insert(CheckIn.__table__).from_select(list(_CHECKIN_FIELDS), values.select_from(applied))
            .add_cte(applied).returning(columns.id))


_INSERT_IF_UNCHANGED_IN = DirectStatement(_insert_if_unchanged(_UPDATE_IN, _REGISTRATIONS.c.checked_in_at.is_(None)))
_INSERT_IF_UNCHANGED_OUT = DirectStatement(
    _insert_if_unchanged(_UPDATE_OUT, _REGISTRATIONS.c.checked_out_at.is_(None)))


def _finish(result: CheckInResult, event, token, actor, device, now, direction, method,
            changes: dict | None = None, direct: sa.Connection | None = None) -> CheckInResult:
    """Store the attempt (accepted or not), apply an accepted one to the registration, commit once.

    Plain statements instead of a unit-of-work flush: the insert first (the unique index refuses a
    second accepted row before anything else is written), then the registration's update — on
    PostgreSQL both in one statement."""
    values = dict(
        event_id=event.id,
        registration_id=result.registration.id if result.registration is not None else None,
        token_tried=_short(token),
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
    if changes and connection.dialect.name == "postgresql":
        registration = result.registration
        checking_in = "checked_in_at" in changes
        parameters = {**{f"ci_{key}": value for key, value in values.items()}, **changes, "updated_at": now,
                      "registration_id": registration.id}
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
            registration = result.registration
            statement = _UPDATE_IN if "checked_in_at" in changes else _UPDATE_OUT
            connection.execute(statement, {**changes, "updated_at": now, "registration_id": registration.id})
    if changes:
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


def _render_message(result: CheckInResult) -> None:
    """The answer in the actor's language — once the write lock is released."""
    if result.message:
        return
    template = _translated(result.message_key or result.code)
    if result.message_time:
        shown = (_day_and_time(result.message_time, result.message_date) if result.message_date
                 else _hhmm(result.message_time))
        message = template % {"time": shown}
    else:
        message = template
    if result.code == "already_checked_in" and result.first_by is not None:
        message += f" · {result.first_by.name}"
    result.message = message


_TRANSLATED: dict[tuple[str, str], str] = {}


def _translated(key: str) -> str:
    """MESSAGES[key] in the request's language, looked up in the catalog once per language and key (every
    scan answers with one of these few strings)."""
    language = str(get_locale())
    try:
        return _TRANSLATED[language, key]
    except KeyError:
        text = _TRANSLATED[language, key] = str(MESSAGES[key])
        return text


def check_in_registration(registration: Registration, event: Event, *, actor: User, device: str = "",
                          now: datetime, direction: str = "in") -> CheckInResult:
    """The manual fallback (one tap on a search result): the same rules, by the attendee's ticket."""
    return check_in(registration.ticket_token or f"registration-{registration.id}", event, actor=actor,
                    device=device, now=now, direction=direction, method="manual")


def can_undo(row: CheckIn) -> bool:
    """Only an accepted check-in that is not undone yet may be undone (the row stays, marked)."""
    return row.result == "ok" and row.undone_at is None


def undo_check_in(checkin: CheckIn, *, actor: User, now: datetime) -> CheckIn:
    """Undo a wrong check-in: the row stays, marked undone; the attendee is expected again."""
    begin_write()
    row = db.session.scalar(sa.select(CheckIn).where(CheckIn.id == checkin.id).with_for_update()
                            .execution_options(populate_existing=True))
    if row is None:
        raise DomainError("not_found", _l("未找到该对象。"), 404)
    if not can_undo(row):
        raise DomainError("not_undoable", _l("只能撤销一次有效的签到。"), 409)
    registration = db.session.scalar(sa.select(Registration).where(Registration.id == row.registration_id)
                                     .with_for_update().execution_options(populate_existing=True))
    row.undone_at = now
    row.undone_by_id = actor.id
    if registration is not None:
        if row.direction == "in":
            registration.checked_in_at = None
            registration.checked_in_by_id = None
            # A check-out without its check-in is no attendance: it goes too (else it survives alone).
            registration.checked_out_at = None
            db.session.execute(sa.update(CheckIn).where(
                CheckIn.registration_id == registration.id, CheckIn.direction == "out", CheckIn.result == "ok",
                CheckIn.undone_at.is_(None)).values(undone_at=now, undone_by_id=actor.id))
        else:
            registration.checked_out_at = None
    db.session.add(AuditLog(actor_id=actor.id, action="checkin.undo", object_type="checkin", object_id=row.id,
                            details={"registration_id": row.registration_id, "direction": row.direction},
                            created_at=now))
    db.session.commit()
    return row


# -- self check-in (online and hybrid events) --------------------------------------------------

def ensure_self_checkin_secret(event: Event) -> Event:
    """Give the event its secret for rotating codes (once)."""
    if event.self_checkin_secret:
        return event
    begin_write()
    locked = db.session.scalar(sa.select(Event).where(Event.id == event.id).with_for_update()
                               .execution_options(populate_existing=True))
    if not locked.self_checkin_secret:
        locked.self_checkin_secret = secrets.token_hex(32)
    db.session.commit()
    return locked


def _code_for(secret: str, window: int) -> str:
    digest = hmac.new(secret.encode(), str(window).encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def current_self_checkin_code(event: Event, now: datetime) -> tuple[str, int]:
    """The 6-digit code shown now and the seconds it has left (HMAC of the secret and the 60-s window)."""
    if not event.self_checkin_secret:
        raise DomainError("self_checkin_unavailable", _l("本场活动不支持自助签到。"), 409)
    stamp = int(now.timestamp())
    return _code_for(event.self_checkin_secret, stamp // SELF_CODE_WINDOW), SELF_CODE_WINDOW - stamp % SELF_CODE_WINDOW


def self_code_valid(event: Event, code: str, now: datetime) -> bool:
    if not event.self_checkin_secret or not isinstance(code, str):
        return False
    code = code.strip()
    window = int(now.timestamp()) // SELF_CODE_WINDOW
    return any(hmac.compare_digest(code, _code_for(event.self_checkin_secret, w)) for w in (window, window - 1))


def self_check_in(ticket_token: str, code: str, *, now: datetime, ip: str = "") -> CheckInResult:
    """The attendee enters (or scans) the presenter's code on their ticket page."""
    registration = find_by_token(parse_token(ticket_token))
    if registration is None:
        raise DomainError("invalid_token", MESSAGES["invalid_token"], 404)
    event = registration.event
    if not supports_self_checkin(event):
        raise DomainError("self_checkin_unavailable", _l("本场活动不支持自助签到。"), 409)
    limit = current_app.config.get("SELF_CHECKIN_RATE_LIMIT", 10)
    keys = [f"selfcheckin:reg:{registration.id}"] + ([f"selfcheckin:ip:{ip}"] if ip else [])
    limits = [limit] + [limit * 5] * (len(keys) - 1)
    if any(ratelimit.is_limited(k, limit=n, window_seconds=SELF_RATE_WINDOW, now=now) for k, n in zip(keys, limits)):
        raise DomainError("rate_limited", _l("尝试次数过多，请稍后再试。"), 429)
    if not self_code_valid(event, code, now):
        begin_write()
        db.session.add(CheckIn(event_id=event.id, registration_id=registration.id, token_tried=_short(code),
                               direction="in", method="self", result="invalid_token", device=(ip or "")[:200],
                               created_at=now))
        db.session.commit()
        for key in keys:
            ratelimit.record(key, window_seconds=SELF_RATE_WINDOW, now=now)
        raise DomainError("invalid_code", _l("签到码错误或已过期。"), 422)
    begin_write()
    locked = find_by_token(registration.ticket_token, lock=True)
    result = _decide(locked, locked.ticket_token if locked else None, ticket_token, event, actor=None,
                     device=ip, now=now, direction="in", method="self")
    _render_message(result)
    return result


# -- figures for the console and the attendance page -------------------------------------------

def counters(event: Event) -> dict:
    """Confirmed, checked in, still expected — one query."""
    confirmed, checked_in = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count(Registration.checked_in_at),
        ).where(Registration.event_id == event.id, Registration.status == "confirmed")
    ).one()
    return {"confirmed": confirmed, "checked_in": checked_in, "expected": confirmed - checked_in,
            "rate": round(checked_in * 100 / confirmed, 1) if confirmed else 0.0}


def by_organization(event: Event) -> list[dict]:
    rows = db.session.execute(
        sa.select(Organization.id, Organization.name, sa.func.count(), sa.func.count(Registration.checked_in_at))
        .join(Organization, Organization.id == Registration.organization_id)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
        .group_by(Organization.id, Organization.name)
        .order_by(Organization.name)
    ).all()
    return [{"id": i, "name": n, "confirmed": c, "checked_in": k,
             "rate": round(k * 100 / c, 1) if c else 0.0} for i, n, c, k in rows]


def latest_scans(event: Event, limit: int = 20) -> list[CheckIn]:
    from sqlalchemy.orm import selectinload

    return list(db.session.scalars(
        sa.select(CheckIn).where(CheckIn.event_id == event.id)
        .options(selectinload(CheckIn.registration).selectinload(Registration.organization),
                 selectinload(CheckIn.actor))
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc()).limit(limit)
    ))


def search_attendees(event: Event, q: str, limit: int = 20) -> list[Registration]:
    """Manual fallback: by name, the last four digits of the phone, or the enterprise."""
    q = (q or "").strip()
    if not q:
        return []
    conditions = [contains(Registration.name, q), contains(Organization.name, q)]
    if q.isdigit() and len(q) <= 4:
        conditions.append(Registration.phone.like(f"%{q}"))
    return list(db.session.scalars(
        sa.select(Registration).join(Organization, Organization.id == Registration.organization_id)
        .where(Registration.event_id == event.id, Registration.status == "confirmed", sa.or_(*conditions))
        .options(sa.orm.contains_eager(Registration.organization))
        .order_by(Registration.name).limit(limit)
    ))
