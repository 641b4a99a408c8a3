"""/api/v1/campaigns/{id}/news and /api/v1/news/{id}: 日常动态."""

from __future__ import annotations

from flask import request, send_file
from flask_login import current_user

from trainhub.access import load_campaign
from trainhub.api import bp
from trainhub.api._helpers import api_roles, errors, file_response, no_body
from trainhub.campaigns.schemas import NewsSchema, NewsUploadSchema
from trainhub.errors import NotFound
from trainhub.pagination import paginate
from trainhub.reports import news, queries
from trainhub.reports.files import stored_path
from trainhub.schemas import PageArgs, page_of
from trainhub.timeutil import now


@bp.get("/campaigns/<int:campaign_id>/news")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(NewsSchema))
def campaign_news(args: dict, campaign_id: int):
    """A campaign's news (日常动态), newest first: published ones (organizers also see pending ones in scope)."""
    campaign = load_campaign(campaign_id, current_user)  # an unpublished campaign is not public yet: 404
    return paginate(queries.news_query(campaign, current_user), args["page"], args["per_page"])


@bp.post("/campaigns/<int:campaign_id>/news")
@api_roles("organizer")
@errors(413)
@bp.doc(
    requestBody={
        "required": True,
        "content": {"application/json": {"schema": NewsSchema}, "multipart/form-data": {"schema": NewsUploadSchema}},
    }
)
@bp.response(201, NewsSchema)
def campaign_news_post(campaign_id: int):
    """Post a news item {title, body} (JSON, or multipart with an optional `photo`)."""
    campaign = load_campaign(campaign_id, current_user)
    if request.mimetype == "multipart/form-data":
        values, photo = bp.ARGUMENTS_PARSER.parse(NewsSchema, location="form"), request.files.get("photo")
    else:
        values, photo = bp.ARGUMENTS_PARSER.parse(NewsSchema), None
    return news.post_news(campaign, values, photo, actor=current_user, now=now())


@bp.post("/news/<int:news_id>/publish")
@api_roles("organizer")
@no_body
@bp.response(200, NewsSchema)
def news_publish(news_id: int):
    """Publish a unit's news item on the public campaign page (commission)."""
    return news.publish(news_id, actor=current_user, now=now())


@bp.get("/news/<int:news_id>/photo")
@file_response("image/jpeg", "image/png", description="The photo")
def news_photo(news_id: int):
    """The photo of a news item."""
    item = news.load_news(news_id)
    if not item.photo_stored_name or not news.can_see(item, current_user):
        raise NotFound()
    return send_file(stored_path(item.photo_stored_name), max_age=3600)
