"""Reading user accounts: the organizers' list of users, the trainers and organizers forms offer."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from trainhub.access import user_clause
from trainhub.extensions import db
from trainhub.models import User
from trainhub.pagination import contains


def users_query(*, actor: User, role: str | None = None, q: str | None = None):
    """The accounts `actor` may see (access.user_clause), newest first."""
    statement = (
        sa.select(User)
        .where(user_clause(actor))
        .options(selectinload(User.unit), selectinload(User.organization))
        .order_by(User.created_at.desc(), User.id.desc())
    )
    if role:
        statement = statement.where(User.role == role)
    if q:
        statement = statement.where(sa.or_(contains(User.name, q.strip()), contains(User.email, q.strip())))
    return statement


def trainers() -> list[User]:
    """Every trainer account by name (the pool an event's trainers are picked from)."""
    return list(db.session.scalars(sa.select(User).where(User.role == "trainer").order_by(User.name)))


def organizers_by_unit() -> dict[int, list[User]]:
    """{unit id: its organizers by name}."""
    organizers: dict[int, list[User]] = {}
    for user in db.session.scalars(
        sa.select(User).where(User.role == "organizer", User.unit_id.is_not(None)).order_by(User.name)
    ):
        assert user.unit_id is not None  # selected with a unit
        organizers.setdefault(user.unit_id, []).append(user)
    return organizers
