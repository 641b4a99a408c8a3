"""The check-in rules (签到规则), on plain values: no session, no SQL, no Flask — the standard library only.

`decide(...)` answers a scan with its code (API.md "Check-in"); the scan engine (checkin.scan), self
check-in, the API and the CLI all go through it, and tests/checkin/rules_cases.json holds a table of
cases that any other runner (a console deciding offline) can load and check itself against.

Codes: ok, already_checked_in, invalid_token, wrong_event, cancelled, not_confirmed, too_early, too_late,
not_allowed. Checking out has no codes of its own: a second check-out is `already_checked_in` (its
message says 签退), and an `out` is decided by the same rules as an `in`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

OK = "ok"
ALREADY_CHECKED_IN = "already_checked_in"
INVALID_TOKEN = "invalid_token"
WRONG_EVENT = "wrong_event"
CANCELLED = "cancelled"
NOT_CONFIRMED = "not_confirmed"
TOO_EARLY = "too_early"
TOO_LATE = "too_late"
NOT_ALLOWED = "not_allowed"
CODES = (OK, ALREADY_CHECKED_IN, INVALID_TOKEN, WRONG_EVENT, CANCELLED, NOT_CONFIRMED, TOO_EARLY, TOO_LATE, NOT_ALLOWED)

IN, OUT = "in", "out"
DIRECTIONS = (IN, OUT)

# What the scan found for the scanned text: a live ticket, a retired one (reissued, or its registration
# cancelled or withdrawn), or nothing.
LIVE, RETIRED, UNKNOWN = "live", "retired", "unknown"
TICKETS = (LIVE, RETIRED, UNKNOWN)


class InvalidDirection(ValueError):
    """A direction other than `in` or `out` (the API answers it 422 on the field `direction`)."""


def direction(value) -> str:
    """The direction a request asks for: `in` when it says nothing (absent, null, empty), else `in` or
    `out` exactly; anything else raises InvalidDirection."""
    if value is None or value == "":
        return IN
    if isinstance(value, str) and value in DIRECTIONS:
        return value
    raise InvalidDirection(value)


def window(
    starts_at: datetime, ends_at: datetime, opens_minutes_before: int | None, closes_minutes_after: int | None
) -> tuple[datetime, datetime]:
    """The check-in window: from `opens_minutes_before` the start to `closes_minutes_after` the end (none
    given: the start and the end themselves). Both edges are inside."""
    return (
        starts_at - timedelta(minutes=opens_minutes_before or 0),
        ends_at + timedelta(minutes=closes_minutes_after or 0),
    )


def checkin_window(event) -> tuple[datetime, datetime]:
    """window(...) of anything holding an event's schedule (an Event, the scan's plain row)."""
    return window(
        event.starts_at, event.ends_at, event.checkin_opens_minutes_before, event.checkin_closes_minutes_after
    )


def decide(
    *,
    allowed: bool,
    ticket: str,
    same_event: bool,
    event_status: str,
    status: str | None,
    opens: datetime,
    closes: datetime,
    checked_in_at: datetime | None,
    checked_out_at: datetime | None,
    direction: str,
    now: datetime,
) -> str:
    """The code of one scan.

    allowed         the actor may check in for this event (an attendee's own self check-in is allowed)
    ticket          LIVE, RETIRED or UNKNOWN: what the scanned text matched
    same_event      the matched registration is for the event being scanned (ignored for UNKNOWN)
    event_status    the scanned event's status (draft, published, cancelled …)
    status          the matched registration's status (pending, confirmed, waitlisted, cancelled, rejected)
    opens, closes   the event's check-in window (window()); both edges are inside
    checked_in_at, checked_out_at   the registration's check-in state before this scan
    direction       IN or OUT
    now             the instant of the scan
    """
    if direction not in DIRECTIONS:
        raise InvalidDirection(direction)
    if not allowed:  # before anything about the ticket: a scanner who may not scan learns nothing of it
        return NOT_ALLOWED
    if ticket == UNKNOWN:
        return INVALID_TOKEN
    if not same_event:
        return WRONG_EVENT
    if ticket == RETIRED:
        # An old code: it says what became of the registration, never more (no window, no state).
        if status == "cancelled":
            return CANCELLED
        if status == "confirmed":  # reissued: the old code opens nothing
            return INVALID_TOKEN
        return NOT_CONFIRMED
    if ticket != LIVE:
        raise ValueError(f"ticket: {ticket!r}")
    if event_status == "cancelled" or status == "cancelled":
        return CANCELLED
    if status != "confirmed":
        return NOT_CONFIRMED
    if now < opens:
        return TOO_EARLY
    if now > closes:
        return TOO_LATE
    # Each direction is accepted once; an `out` does not need an `in` before it (a check-in missed at a
    # busy door still gets its leaving time recorded — without the check-in it counts no attendance).
    if (checked_in_at if direction == IN else checked_out_at) is not None:
        return ALREADY_CHECKED_IN
    return OK
