"""/api/v1/campaigns/{id}/news and /api/v1/news/{id}: 日常动态."""
from __future__ import annotations

from flask import request, send_file, url_for
from flask_login import current_user

from trainhub.access import load_campaign
from trainhub.api import bp
from trainhub.api._helpers import api_roles, created, json_body, legacy_paginate as paginate
from trainhub.errors import NotFound
from trainhub.reports import news, queries
from trainhub.reports.files import stored_path
from trainhub.timeutil import iso, now


def news_json(item) -> dict:
    return {
        "id": item.id, "campaign_id": item.campaign_id, "title": item.title, "body": item.body,
        "unit": {"id": item.unit.id, "name": item.unit.name},
        "photo_url": url_for("api.news_photo", news_id=item.id, _external=False) if item.photo_stored_name else None,
        "status": item.status, "created_at": iso(item.created_at), "published_at": iso(item.published_at),
    }


@bp.get("/campaigns/<int:campaign_id>/news")
def campaign_news(campaign_id: int):
    """A campaign's news (日常动态), newest first: published ones (organizers also see pending ones in scope)."""
    campaign = load_campaign(campaign_id, current_user)  # an unpublished campaign is not public yet: 404
    return paginate(queries.news_query(campaign, current_user), news_json)


@bp.post("/campaigns/<int:campaign_id>/news")
@api_roles("organizer")
def campaign_news_post(campaign_id: int):
    """Post a news item {title, body} (JSON, or multipart with an optional `photo`)."""
    campaign = load_campaign(campaign_id, current_user)
    if request.mimetype == "multipart/form-data":
        data, photo = request.form.to_dict(), request.files.get("photo")
    else:
        data, photo = json_body(), None
    return created(news_json(news.post_news(campaign, data, photo, actor=current_user, now=now())))


@bp.post("/news/<int:news_id>/publish")
@api_roles("organizer")
def news_publish(news_id: int):
    """Publish a unit's news item on the public campaign page (commission)."""
    return news_json(news.publish(news_id, actor=current_user, now=now()))


@bp.get("/news/<int:news_id>/photo")
def news_photo(news_id: int):
    """The photo of a news item."""
    item = news.load_news(news_id)
    if not item.photo_stored_name or not news.can_see(item, current_user):
        raise NotFound()
    return send_file(stored_path(item.photo_stored_name), max_age=3600)
