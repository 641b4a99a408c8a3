"""`flask send-reminders`: jobs run from cron every few minutes; each sends what is due and never
the same reminder twice (the outbox's unique `dedupe_key`).

Other features add their reminders with `register_reminder_job(fn)`, fn(now) -> int (messages sent).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from trainhub.db import begin_write, use_case, violated_constraint
from trainhub.extensions import db
from trainhub.models import Event, OutboxMessage, Registration
from trainhub.notifications import messages

REMINDER_LEAD = timedelta(days=1)

_JOBS: list[Callable[[datetime], int]] = []


def register_reminder_job(fn: Callable[[datetime], int]) -> Callable[[datetime], int]:
    """Add a job to `send-reminders` (usable as a decorator); registering twice is harmless."""
    if fn not in _JOBS:
        _JOBS.append(fn)
    return fn


def reminder_jobs() -> list[Callable[[datetime], int]]:
    return list(_JOBS)


def reminder_key(registration: Registration) -> str:
    """One reminder per attendee and start time: a rescheduled event reminds again, nothing else does."""
    return f"event-reminder:{registration.id}:{int(registration.event.starts_at.timestamp())}"


@use_case
def send_event_reminders(now: datetime) -> int:
    """The day before: every confirmed attendee of a published event starting within 24 hours."""
    begin_write()
    statement = (
        sa.select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.status == "confirmed",
            Event.status == "published",
            Event.starts_at > now,
            Event.starts_at <= now + REMINDER_LEAD,
        )
        .order_by(Registration.id)
        .options(selectinload(Registration.event), selectinload(Registration.organization))
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # A second cron run at the same moment skips the rows this one holds.
        statement = statement.with_for_update(of=Registration, skip_locked=True)
    registrations = list(db.session.scalars(statement))
    keys = {reminder_key(r): r for r in registrations}
    sent_keys = (
        set(db.session.scalars(sa.select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(list(keys)))))
        if keys
        else set()
    )
    sent = 0
    for key, registration in keys.items():
        if key in sent_keys or not registration.email:
            continue
        if messages.registration_message(registration, "reminder", kind="event_reminder", dedupe_key=key):
            registration.reminder_sent_at = now
            sent += 1
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        if violated_constraint(error) != "uq_outbox_messages_dedupe_key":
            raise
        return 0  # another run wrote the same keys first: they are sent by it
    return sent


register_reminder_job(send_event_reminders)


def run_reminders(now: datetime) -> dict[str, int]:
    """Run every registered job; {job name: messages queued}."""
    return {getattr(job, "__name__", repr(job)): job(now) for job in reminder_jobs()}
