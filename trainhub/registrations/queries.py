"""Reading registrations: an enterprise's own, an event's list for its organizers, the API's lists.

Each returns a select (ordered, relations loaded up front) for trainhub.pagination, or a list.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from trainhub.access import registration_clause
from trainhub.extensions import db
from trainhub.models import Event, Organization, Registration, User
from trainhub.pagination import contains


def of_organization(event: Event, organization: Organization) -> list[Registration]:
    """An enterprise's registrations for one event (the register page's list)."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.organization_id == organization.id)
            .order_by(Registration.id)
        )
    )


def mine_query(user: User, *, status: str | None = None):
    """The registrations an enterprise member may read, newest event first (my registrations)."""
    statement = (
        sa.select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(registration_clause(user))
        .options(selectinload(Registration.event))
        .order_by(Event.starts_at.desc(), Registration.id)
    )
    if status:
        statement = statement.where(Registration.status == status)
    return statement


def event_admin_query(
    event: Event, *, status: str | None = None, organization: str = "", name: str = "", phone: str = ""
):
    """An event's registrations for its organizers, filtered by status and by text in the enterprise's
    name, the attendee's name or phone (taken literally: % and _ are not wildcards)."""
    statement = (
        sa.select(Registration)
        .join(Organization, Organization.id == Registration.organization_id)
        .where(Registration.event_id == event.id)
        .options(selectinload(Registration.organization))
        .order_by(Registration.id)
    )
    if status:
        statement = statement.where(Registration.status == status)
    for text, column in ((organization, Organization.name), (name, Registration.name), (phone, Registration.phone)):
        if text:
            statement = statement.where(contains(column, text))
    return statement


def readable_query(user: User, *, event_id: int | None = None, status: str | None = None):
    """The registrations `user` may read (access.registration_clause), by id, organizations loaded:
    an event's (`event_id`) or across events."""
    statement = (
        sa.select(Registration)
        .where(registration_clause(user))
        .options(selectinload(Registration.organization))
        .order_by(Registration.id)
    )
    if event_id is not None:
        statement = statement.where(Registration.event_id == event_id)
    if status:
        statement = statement.where(Registration.status == status)
    return statement
