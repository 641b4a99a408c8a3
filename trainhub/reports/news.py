"""日常动态: reporting units post short updates (with an optional photo) during a campaign; the commission
publishes them and they appear on the public campaign page, newest first. The commission's own are
published at once."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from trainhub.access import is_commission, is_reporting_unit
from trainhub.db import begin_write, use_case
from trainhub.errors import Forbidden, NotFound
from trainhub.extensions import db
from trainhub.models import Campaign, NewsItem, User

PHOTO_TYPES = {"jpg", "png"}


def can_post(campaign: Campaign, actor: User | None) -> bool:
    if actor is None or not actor.is_authenticated or not actor.is_organizer:
        return False
    return is_commission(actor) or is_reporting_unit(campaign, actor.unit_id)


@use_case
def post_news(campaign: Campaign, values: dict, photo=None, *, actor: User, now: datetime) -> NewsItem:
    """{title, body} as NewsSchema loads them (campaigns/schemas.py) and an optional photo (jpg/png).
    Pending until published; the commission's is published."""
    if not can_post(campaign, actor):
        raise Forbidden(_l("只有参与本专题活动的单位可以发布日常动态。"), code="news_not_allowed")
    stored_name = None
    if photo is not None and getattr(photo, "filename", None):
        from trainhub.reports.files import store

        stored = store(photo, allowed=PHOTO_TYPES, max_bytes=int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024)
        stored_name = stored["stored_name"]
    begin_write()
    commission = is_commission(actor)
    item = NewsItem(
        campaign_id=campaign.id,
        unit_id=actor.unit_id,
        author_id=actor.id,
        title=values["title"],
        body=values.get("body", ""),
        photo_stored_name=stored_name,
        status="published" if commission else "pending",
        created_at=now,
        published_at=now if commission else None,
    )
    db.session.add(item)
    db.session.commit()
    return item


def load_news(news_id: int) -> NewsItem:
    item = db.session.get(NewsItem, news_id)
    if item is None:
        raise NotFound()
    return item


def can_see(item: NewsItem, actor: User | None) -> bool:
    if item.status == "published":
        return True
    if actor is None or not actor.is_authenticated or not actor.is_organizer:
        return False
    return is_commission(actor) or actor.unit_id == item.unit_id


@use_case
def publish(news_id: int, *, actor: User, now: datetime) -> NewsItem:
    """The commission publishes a unit's news item (publishing twice changes nothing)."""
    if not is_commission(actor):
        raise Forbidden(_l("只有市场监管委可以发布日常动态。"), code="commission_only")
    begin_write()
    item = db.session.scalar(sa.select(NewsItem).where(NewsItem.id == news_id).with_for_update())
    if item is None:
        raise NotFound()
    if item.status != "published":
        item.status = "published"
        item.published_at = now
    db.session.commit()
    return item
