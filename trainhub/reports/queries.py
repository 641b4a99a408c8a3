"""Reading campaign reports and news: the campaigns a unit reports on, a campaign's news (日常动态)."""

from __future__ import annotations

import sqlalchemy as sa

from trainhub.access import is_commission
from trainhub.extensions import db
from trainhub.models import Campaign, NewsItem, User, campaign_reporting_units


def campaigns_with_reporting_units() -> list[Campaign]:
    """Every campaign some unit reports on, newest first (the commission's list)."""
    return list(
        db.session.scalars(
            sa.select(Campaign)
            .where(Campaign.id.in_(sa.select(campaign_reporting_units.c.campaign_id)))
            .order_by(Campaign.starts_on.desc(), Campaign.id.desc())
        )
    )


def campaigns_reported_by(unit_id: int | None) -> list[Campaign]:
    if unit_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Campaign)
            .join(campaign_reporting_units, campaign_reporting_units.c.campaign_id == Campaign.id)
            .where(campaign_reporting_units.c.unit_id == unit_id)
            .order_by(Campaign.starts_on.desc(), Campaign.id.desc())
        )
    )


def news_query(campaign: Campaign, actor: User | None = None):
    """Published items for everyone; the commission also sees pending ones, a unit its own pending ones."""
    query = sa.select(NewsItem).where(NewsItem.campaign_id == campaign.id).options(sa.orm.selectinload(NewsItem.unit))
    published = NewsItem.status == "published"
    if actor is not None and actor.is_authenticated and actor.is_organizer:
        if not is_commission(actor):
            query = query.where(sa.or_(published, NewsItem.unit_id == actor.unit_id))
    else:
        query = query.where(published)
    return query.order_by(sa.func.coalesce(NewsItem.published_at, NewsItem.created_at).desc(), NewsItem.id.desc())


def published_news(campaign: Campaign, limit: int | None = None) -> list[NewsItem]:
    query = news_query(campaign)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def news_items(campaign: Campaign, actor: User | None) -> list[NewsItem]:
    """The news of a campaign the actor may see (news_query), newest first."""
    return list(db.session.scalars(news_query(campaign, actor)))
