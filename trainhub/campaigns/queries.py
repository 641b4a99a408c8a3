"""Reading campaigns: the public list and one campaign's events (relations loaded up front)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from trainhub.extensions import db
from trainhub.models import Campaign, Event


def campaigns_query(*, include_drafts: bool = False):
    statement = sa.select(Campaign).options(selectinload(Campaign.reporting_units))
    if not include_drafts:
        statement = statement.where(Campaign.status == "published")
    return statement.order_by(Campaign.starts_on.desc(), Campaign.id.desc())


def campaign_events(campaign: Campaign) -> list[Event]:
    """The campaign's events people may see (published or cancelled, not drafts), by start."""
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(Event.campaign_id == campaign.id, Event.status != "draft")
            .options(selectinload(Event.trainers), selectinload(Event.co_units), selectinload(Event.host_unit))
            .order_by(Event.starts_at, Event.id)
        )
    )


def published_campaigns() -> list[Campaign]:
    """Published campaigns, newest first (the catalogue's filter)."""
    return list(
        db.session.scalars(
            sa.select(Campaign).where(Campaign.status == "published").order_by(Campaign.starts_on.desc())
        )
    )


def all_campaigns() -> list[Campaign]:
    """Every campaign, newest first (the event form's choice)."""
    return list(db.session.scalars(sa.select(Campaign).order_by(Campaign.starts_on.desc())))


def campaigns(*, include_drafts: bool = False) -> list[Campaign]:
    """The campaigns page's list (campaigns_query, read)."""
    return list(db.session.scalars(campaigns_query(include_drafts=include_drafts)))
