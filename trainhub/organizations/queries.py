"""Reading enterprises (organizations): the organizers' list with its filters, districts, members."""

from __future__ import annotations

import sqlalchemy as sa

from trainhub.access import organization_clause
from trainhub.extensions import db
from trainhub.models import Organization, User
from trainhub.pagination import contains


def organizations_query(
    actor: User,
    *,
    district: str | None = None,
    pilot: str | None = None,
    q: str | None = None,
    active: str | None = None,
):
    """The organizer's list, in its scope (access.organization_clause), with its filters: district,
    pilot ('requested' awaiting confirmation, 'yes', 'no'), active ('yes', 'no'), q (name or code)."""
    statement = (
        sa.select(Organization)
        .where(organization_clause(actor))
        .order_by(Organization.created_at.desc(), Organization.id.desc())
    )
    if district:
        statement = statement.where(Organization.district == district)
    if pilot == "requested":
        statement = statement.where(Organization.pilot_unit_requested.is_(True), Organization.is_pilot_unit.is_(False))
    elif pilot == "yes":
        statement = statement.where(Organization.is_pilot_unit.is_(True))
    elif pilot == "no":
        statement = statement.where(Organization.is_pilot_unit.is_(False))
    if active in ("yes", "no"):
        statement = statement.where(Organization.is_active.is_(active == "yes"))
    if q:
        text = q.strip()
        statement = statement.where(sa.or_(contains(Organization.name, text), contains(Organization.uscc, text)))
    return statement


def districts(actor: User) -> list[str]:
    """The districts of the enterprises in the organizer's scope (the list's filter)."""
    return [
        d
        for d in db.session.scalars(
            sa.select(Organization.district)
            .where(organization_clause(actor))
            .distinct()
            .order_by(Organization.district)
        )
        if d
    ]


def members_of(organization: Organization) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).where(User.organization_id == organization.id).order_by(User.created_at, User.id)
        )
    )
