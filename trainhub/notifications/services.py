"""The outbox's use cases: deliver what is due (safe with several workers), retry, list.

Delivery claims a batch of due rows in one short locked transaction (PostgreSQL: FOR UPDATE SKIP
LOCKED; SQLite: an immediate transaction) by moving their `next_attempt_at` a lease ahead and
counting the attempt — another worker then does not see them. Each row is sent outside any lock
and its result written in its own short transaction: sent, or the error kept and the next
attempt due after a growing delay (30 s, 60 s, 2 min … at most an hour), or `failed` after
MAIL_MAX_ATTEMPTS tries. The lease is short (LEASE) and renewed for the rest of the batch while the
batch is being sent, so a worker that dies mid-batch leaves its rows to be picked up within LEASE, not
after the slowest batch imaginable (the Message-ID is stable per row, so a receiving server can
recognise a repeat).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from trainhub.access import outbox_clause
from trainhub.db import begin_write, use_case
from trainhub.errors import DomainError, Forbidden
from trainhub.extensions import db
from trainhub.models import OutboxMessage, User
from trainhub.notifications.channels import DeliveryError, channel_class

log = logging.getLogger("trainhub.mail")

BATCH_SIZE = 20
LEASE = timedelta(seconds=90)  # how long a dead worker's claimed messages wait before another sends them
# Renewed when less than this remains: more than one message's slowest send (a few SMTP timeouts).
RENEW_BEFORE = timedelta(seconds=60)
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 30 s, 60 s, 120 s … capped at an hour."""
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS))


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed


@use_case
def claim_due(now: datetime, *, limit: int = BATCH_SIZE) -> list[OutboxMessage]:
    """Take up to `limit` due messages for this worker (committed), detached from the session."""
    begin_write()
    statement = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    messages = list(db.session.scalars(statement))
    for message in messages:
        message.attempts = (message.attempts or 0) + 1
        message.next_attempt_at = now + LEASE
    db.session.flush()
    for message in messages:
        db.session.expunge(message)  # keep the loaded state: no reload per row after the commit
    db.session.commit()
    return messages


@use_case
def _renew_lease(message_ids: list[int], *, now: datetime) -> None:
    """The rest of this worker's batch stays claimed for another LEASE from `now`."""
    begin_write()
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.status == "queued")
        .values(next_attempt_at=now + LEASE)
    )
    db.session.commit()


@use_case
def _record(message_id: int, *, now: datetime, error: str | None, max_attempts: int) -> str:
    begin_write()
    message = db.session.scalar(
        sa.select(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if message is None or message.status != "queued":
        db.session.commit()
        return "gone"
    if error is None:
        message.status = "sent"
        message.sent_at = now
        message.last_error = ""
        outcome = "sent"
    else:
        message.last_error = error[:2000]
        if message.attempts >= max_attempts:
            message.status = "failed"
            outcome = "failed"
            log.warning(
                "mail %s to %s failed for good after %s attempts: %s",
                message.id,
                message.recipient,
                message.attempts,
                error,
            )
        else:
            message.next_attempt_at = now + retry_delay(message.attempts)
            outcome = "retrying"
    db.session.commit()
    return outcome


def deliver_due(*, now: datetime, clock=None, limit: int | None = None) -> DeliveryReport:
    """Deliver every message due at `now` (batch after batch; each row at most once per run).
    `clock()` stamps results (defaults to `now`). Never raises for a delivery failure."""
    config = current_app.config
    max_attempts = int(config.get("MAIL_MAX_ATTEMPTS") or 8)
    report = DeliveryReport()
    channels: dict = {}
    started = time.monotonic()

    def moment() -> datetime:  # the lease runs on real time, whatever `now` the caller gave
        return now + timedelta(seconds=time.monotonic() - started)

    try:
        while limit is None or report.handled < limit:
            batch = claim_due(now, limit=BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - report.handled))
            if not batch:
                break
            lease_ends = moment() + LEASE
            broken: dict[str, str] = {}  # channel → connection error: the rest of the batch waits too
            for index, message in enumerate(batch):
                if lease_ends - moment() < RENEW_BEFORE:
                    lease_ends = moment() + LEASE
                    _renew_lease([m.id for m in batch[index:]], now=moment())
                stamp = clock() if clock else now
                error = broken.get(message.channel)
                if error is None:
                    error = _send(message, channels, config, broken)
                outcome = _record(message.id, now=stamp, error=error, max_attempts=max_attempts)
                if outcome in ("sent", "retrying", "failed"):
                    setattr(report, outcome, getattr(report, outcome) + 1)
                if error:
                    report.errors.append(error)
    finally:
        for channel in channels.values():
            channel.close()
    return report


def _send(message, channels: dict, config, broken: dict) -> str | None:
    cls = channel_class(message.channel)
    if cls is None:
        return f"unknown channel {message.channel!r}"
    channel = channels.get(message.channel)
    if channel is None:
        channel = channels[message.channel] = cls(config, current_app.instance_path)
    try:
        channel.send(message)
    except DeliveryError as error:
        if error.connection:
            broken[message.channel] = str(error)
        return str(error)
    except Exception as error:
        log.exception("mail %s: channel %s raised", message.id, message.channel)
        return f"{type(error).__name__}: {error}"
    return None


# -- organizers' outbox page --------------------------------------------------------------------------


@use_case
def retry_message(message_id: int, *, actor: User, now: datetime) -> OutboxMessage:
    """A failed message goes back to the queue, due now, with its attempts counted afresh."""
    if actor is None or not actor.is_organizer:
        raise Forbidden()
    begin_write()
    message = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.id == message_id, outbox_clause(actor)).with_for_update()
    )
    if message is None:
        raise DomainError("not_found", _l("未找到该消息。"), 404)
    if message.status != "failed":
        raise DomainError("not_failed", _l("只能重试发送失败的消息。"), 409)
    message.status = "queued"
    message.attempts = 0
    message.next_attempt_at = now
    db.session.commit()
    return message


@use_case
def retry_all_failed(*, actor: User, now: datetime) -> int:
    if actor is None or not actor.is_organizer:
        raise Forbidden()
    begin_write()
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == "failed", outbox_clause(actor))
        .values(status="queued", attempts=0, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount or 0  # type: ignore[attr-defined]  # an UPDATE's CursorResult
