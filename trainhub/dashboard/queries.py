"""Reading what the dashboard's filters offer."""

from __future__ import annotations

import sqlalchemy as sa

from trainhub.access import organizer_event_clause
from trainhub.extensions import db
from trainhub.models import Event, User


def filter_events(user: User, limit: int = 300) -> list[Event]:
    """The organizer's events that are not drafts (hosted or co-organized), newest first."""
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(organizer_event_clause(user), Event.status != "draft")
            .order_by(Event.starts_at.desc())
            .limit(limit)
        )
    )
