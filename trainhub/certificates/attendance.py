"""How long someone attended (出勤时长): shared by certificates, exports and the dashboard."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from trainhub.models import CheckIn, Registration


def attended_minutes(
    starts_at: datetime,
    ends_at: datetime,
    checked_in_at: datetime | None,
    checked_out_at: datetime | None,
    self_checked_in: bool = False,
) -> int | None:
    """Minutes within the event's time window between check-in and check-out.

    Without a check-out, an online self check-in (the attendee typed the rotating code during the
    live session) counts until the event's end; anything else without a check-out is unknown (None).
    """
    if checked_in_at is None:
        return None
    if checked_out_at is None:
        if not self_checked_in:
            return None
        checked_out_at = ends_at
    start = max(checked_in_at, starts_at)
    end = min(checked_out_at, ends_at)
    return max(0, int((end - start).total_seconds() // 60))


def minutes_until_end(
    starts_at: datetime, ends_at: datetime, checked_in_at: datetime | None, checked_out_at: datetime | None
) -> int:
    """The minutes a certificate states (学时): those attended, and without a check-out up to the
    event's end (API.md) — from the attendee's own check-in, never the planned schedule."""
    return attended_minutes(starts_at, ends_at, checked_in_at, checked_out_at or ends_at) or 0


def self_checkin_exists():
    """SQL: the registration has an accepted, not undone self check-in (online events)."""
    return (
        sa.select(CheckIn.id)
        .where(
            CheckIn.registration_id == Registration.id,
            CheckIn.method == "self",
            CheckIn.direction == "in",
            CheckIn.result == "ok",
            CheckIn.undone_at.is_(None),
        )
        .exists()
    )
