"""Campaign JSON: the list item and the detail (with events, reporting units and attachments)."""
from __future__ import annotations

from flask import current_app, url_for

from trainhub.timeutil import iso


def attachment_url(attachment) -> str:
    """Absolute download URL (the base URL is configured, never taken from the request)."""
    path = url_for("campaigns.attachment", campaign_id=attachment.campaign_id, attachment_id=attachment.id,
                   filename=attachment.filename)
    return current_app.config["BASE_URL"] + path


def attachment_to_dict(attachment) -> dict:
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "url": attachment_url(attachment),
    }


def campaign_to_dict(campaign, *, events: list | None = None) -> dict:
    """`events` (already serialized) makes it the detail form, with attachments too."""
    data = {
        "id": campaign.id,
        "title": campaign.title,
        "theme": campaign.theme,
        "description": campaign.description,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "status": campaign.status,
        "report_due_at": iso(campaign.report_due_at),
        "reporting_units": [{"id": u.id, "name": u.name} for u in campaign.reporting_units],
    }
    if events is not None:
        data["events"] = events
        data["attachments"] = [attachment_to_dict(a) for a in campaign.attachments]
    return data
