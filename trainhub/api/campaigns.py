"""/api/v1/campaigns: campaigns (专题活动) and their attachments. Reports and news live elsewhere."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from trainhub.access import load_campaign
from trainhub.api import bp
from trainhub.api._helpers import api_roles, created, json_body, legacy_paginate as paginate
from trainhub.campaigns import queries, services
from trainhub.campaigns.serializers import attachment_to_dict, campaign_to_dict
from trainhub.events.serializers import events_to_dicts
from trainhub.models import Campaign
from trainhub.timeutil import now


def _load(campaign_id: int) -> Campaign:
    return load_campaign(campaign_id, current_user)


def _detail(campaign: Campaign) -> dict:
    return campaign_to_dict(campaign, events=events_to_dicts(queries.campaign_events(campaign), viewer=current_user))


@bp.get("/campaigns")
def campaigns_list():
    """List published campaigns (organizers may pass status=all to include drafts)."""
    include_drafts = request.args.get("status") == "all" and current_user.is_authenticated and current_user.is_organizer
    return paginate(queries.campaigns_query(include_drafts=include_drafts), campaign_to_dict)


@bp.post("/campaigns")
@api_roles("organizer")
def campaigns_create():
    """Create a campaign (commission organizers only)."""
    campaign = services.create_campaign(json_body(), actor=current_user, now=now())
    return created(_detail(campaign))


@bp.get("/campaigns/<int:campaign_id>")
def campaigns_get(campaign_id: int):
    """One campaign with its events, reporting units and attachments."""
    return jsonify(_detail(_load(campaign_id)))


@bp.patch("/campaigns/<int:campaign_id>")
@api_roles("organizer")
def campaigns_update(campaign_id: int):
    """Edit a campaign (commission organizers only)."""
    campaign = _load(campaign_id)
    campaign = services.update_campaign(campaign, json_body(), actor=current_user, now=now())
    return jsonify(_detail(campaign))


@bp.post("/campaigns/<int:campaign_id>/attachments")
@api_roles("organizer")
def campaigns_attach(campaign_id: int):
    """Upload an attachment (multipart `file`: pdf, jpg, png, docx, xlsx, zip)."""
    campaign = _load(campaign_id)
    attachment = services.add_attachment(campaign, request.files.get("file"), actor=current_user, now=now())
    return created(attachment_to_dict(attachment))


_CREATED = {"201": {"description": "Created"}, "default": {"$ref": "#/components/responses/Error"}}
campaigns_create.openapi = {"responses": _CREATED}
campaigns_attach.openapi = {
    "requestBody": {"content": {"multipart/form-data": {"schema": {
        "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}},
    "responses": {**_CREATED, "413": {"description": "File too large"}},
}
