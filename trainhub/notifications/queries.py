"""Reading the outbox: the organizers' page of messages and its counts by status."""

from __future__ import annotations

import sqlalchemy as sa

from trainhub.access import outbox_clause
from trainhub.extensions import db
from trainhub.models import OutboxMessage, User


def outbox_query(user: User, status: str | None = None):
    statement = sa.select(OutboxMessage).where(outbox_clause(user)).order_by(OutboxMessage.id.desc())
    if status:
        statement = statement.where(OutboxMessage.status == status)
    return statement


def status_counts(user: User) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).where(outbox_clause(user)).group_by(OutboxMessage.status)
    ).all()
    counts = {"queued": 0, "sent": 0, "failed": 0}
    counts.update(dict(rows))
    return counts
