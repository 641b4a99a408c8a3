"""Campaign pages: the public list and page, the commission's forms, attachment downloads."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from trainhub.access import is_commission, load_campaign, load_campaign_attachment
from trainhub.campaigns import bp, queries, services
from trainhub.campaigns.forms import STATUS_LABELS, AttachmentForm, CampaignChangesForm, CampaignForm
from trainhub.errors import ValidationError
from trainhub.events.forms import KIND_LABELS, MODE_LABELS
from trainhub.events.queries import registration_counts
from trainhub.forms import show_service_errors
from trainhub.security import commission_required
from trainhub.timeutil import now, to_local
from trainhub.units import queries as unit_queries
from trainhub.uploads import upload_path


@bp.get("/campaigns")
def index():
    """Published campaigns, newest first (the commission sees drafts too)."""
    campaigns = queries.campaigns(include_drafts=is_commission(current_user))
    return render_template("campaigns/index.html", campaigns=campaigns, statuses=STATUS_LABELS)


@bp.get("/campaigns/<int:campaign_id>")
def detail(campaign_id: int):
    """The campaign: theme, notice, attachments, its events (and its news when that feature exists)."""
    campaign = load_campaign(campaign_id, current_user)
    events = queries.campaign_events(campaign)
    return render_template(
        "campaigns/detail.html",
        campaign=campaign,
        events=events,
        counts=registration_counts(e.id for e in events),
        kinds=KIND_LABELS,
        modes=MODE_LABELS,
        statuses=STATUS_LABELS,
        can_edit=is_commission(current_user),
        upload_form=AttachmentForm(),
    )


@bp.get("/campaigns/<int:campaign_id>/attachments/<int:attachment_id>/<path:filename>")
def attachment(campaign_id: int, attachment_id: int, filename: str):
    """Download an attachment (its own name in the URL, for people and browsers)."""
    campaign = load_campaign(campaign_id, current_user)
    item = load_campaign_attachment(campaign, attachment_id)
    path = upload_path(item.stored_name)
    if not path.exists():
        abort(404)
    inline = item.content_type in ("application/pdf", "image/jpeg", "image/png")
    response = send_file(
        path, mimetype=item.content_type, download_name=item.filename, as_attachment=not inline, max_age=3600
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _choices(form: CampaignForm) -> None:
    form.reporting_unit_ids.choices = [SelectChoice(str(u.id), u.name) for u in unit_queries.reporting_units()]


@bp.route("/manage/campaigns/new", methods=["GET", "POST"])
@commission_required
def new():
    """Create a campaign (commission)."""
    form = CampaignForm()
    _choices(form)
    if request.method == "POST" and form.validate_on_submit():
        try:
            campaign = services.create_campaign(form.cleaned, actor=current_user, now=now())
        except ValidationError as error:
            show_service_errors(form, error, fallback=form.title, summary=True)
        else:
            flash(_("专题活动已创建。"), "success")
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=None), 422 if form.errors else 200


@bp.route("/manage/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@commission_required
def edit(campaign_id: int):
    """Edit a campaign (commission)."""
    campaign = load_campaign(campaign_id, current_user)
    if request.method == "GET":
        form = CampaignChangesForm(
            data={
                "title": campaign.title,
                "theme": campaign.theme,
                "description": campaign.description,
                "starts_on": campaign.starts_on.isoformat(),
                "ends_on": campaign.ends_on.isoformat(),
                "report_due_at": to_local(campaign.report_due_at).strftime("%Y-%m-%dT%H:%M")
                if campaign.report_due_at
                else "",
                "reporting_unit_ids": [str(u.id) for u in campaign.reporting_units],
                "status": campaign.status,
            }
        )
    else:
        form = CampaignChangesForm()
    _choices(form)
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.update_campaign(campaign, form.cleaned, actor=current_user, now=now())
        except ValidationError as error:
            show_service_errors(form, error, fallback=form.title, summary=True)
        else:
            flash(_("专题活动已保存。"), "success")
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=campaign), 422 if form.errors else 200


@bp.post("/manage/campaigns/<int:campaign_id>/attachments")
@commission_required
def upload(campaign_id: int):
    """Upload an attachment from the campaign page (commission)."""
    campaign = load_campaign(campaign_id, current_user)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            services.add_attachment(campaign, request.files.get("file"), actor=current_user, now=now())
        except ValidationError as error:
            flash("；".join(str(m) for ms in error.fields.values() for m in ms), "danger")
        else:
            flash(_("附件已上传。"), "success")
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id))


@bp.post("/manage/campaigns/<int:campaign_id>/attachments/<int:attachment_id>/delete")
@commission_required
def delete_attachment(campaign_id: int, attachment_id: int):
    """Remove an attachment (commission)."""
    campaign = load_campaign(campaign_id, current_user)
    item = load_campaign_attachment(campaign, attachment_id)
    services.delete_attachment(item, actor=current_user, now=now())
    flash(_("附件已删除。"), "success")
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
