"""/api/v1/campaigns: campaigns (专题活动) and their attachments. Reports and news live elsewhere."""

from __future__ import annotations

from flask_login import current_user

from trainhub.access import load_campaign
from trainhub.api import bp
from trainhub.api._helpers import api_roles, errors
from trainhub.campaigns import queries, services
from trainhub.campaigns.schemas import (
    AttachmentSchema,
    AttachmentUploadSchema,
    CampaignDetailSchema,
    CampaignFilters,
    CampaignSchema,
)
from trainhub.events.serializers import event_answers
from trainhub.models import Campaign
from trainhub.pagination import paginate
from trainhub.schemas import page_of
from trainhub.timeutil import now


def _load(campaign_id: int) -> Campaign:
    return load_campaign(campaign_id, current_user)


class _Detail:
    """The campaign with the events people may see, as this viewer reads them (and its attachments)."""

    def __init__(self, campaign: Campaign):
        self._campaign = campaign
        self.events = event_answers(queries.campaign_events(campaign), viewer=current_user)

    def __getattr__(self, name: str):
        return getattr(self._campaign, name)


@bp.get("/campaigns")
@bp.arguments(CampaignFilters, location="query")
@bp.response(200, page_of(CampaignSchema))
def campaigns_list(args: dict):
    """List published campaigns (organizers may pass status=all to include drafts)."""
    include_drafts = args.get("status") == "all" and current_user.is_authenticated and current_user.is_organizer
    return paginate(queries.campaigns_query(include_drafts=include_drafts), args["page"], args["per_page"])


@bp.post("/campaigns")
@api_roles("organizer")
@bp.arguments(CampaignSchema)
@bp.response(201, CampaignDetailSchema)
def campaigns_create(values: dict):
    """Create a campaign (commission organizers only)."""
    return _Detail(services.create_campaign(values, actor=current_user, now=now()))


@bp.get("/campaigns/<int:campaign_id>")
@bp.response(200, CampaignDetailSchema)
def campaigns_get(campaign_id: int):
    """One campaign with its events, reporting units and attachments."""
    return _Detail(_load(campaign_id))


@bp.patch("/campaigns/<int:campaign_id>")
@api_roles("organizer")
@bp.arguments(CampaignSchema(partial=True))
@bp.response(200, CampaignDetailSchema)
def campaigns_update(values: dict, campaign_id: int):
    """Edit a campaign (commission organizers only)."""
    campaign = services.update_campaign(_load(campaign_id), values, actor=current_user, now=now())
    return _Detail(campaign)


@bp.post("/campaigns/<int:campaign_id>/attachments")
@api_roles("organizer")
@errors(413)
@bp.arguments(AttachmentUploadSchema, location="files")
@bp.response(201, AttachmentSchema)
def campaigns_attach(upload: dict, campaign_id: int):
    """Upload an attachment (multipart `file`: pdf, jpg, png, docx, xlsx, zip)."""
    campaign = _load(campaign_id)
    return services.add_attachment(campaign, upload["file"], actor=current_user, now=now())
