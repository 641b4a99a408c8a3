"""Report pages: the unit's campaigns, the report editor, the commission's tracker, news."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainhub.access import is_commission, is_reporting_unit, load_campaign, load_report_scope
from trainhub.errors import DomainError
from trainhub.models import Campaign
from trainhub.reports import bp, news, queries, services
from trainhub.reports.forms import AttachmentForm, NewsForm, ReportForm, ReturnForm
from trainhub.security import roles_required
from trainhub.timeutil import now


def _flash_error(error: DomainError) -> None:
    if error.status in (401, 403, 404):
        abort(error.status)
    messages = [str(error.message)]
    for problems in (error.fields or {}).values():
        messages += [str(p) for p in problems]
    flash(" ".join(messages), "danger")


def _scope(campaign_id: int, unit_id: int):
    try:
        return load_report_scope(campaign_id, unit_id, current_user)
    except DomainError as error:
        abort(error.status)


def _campaign(campaign_id: int) -> Campaign:
    """Any campaign (organizers only reach these pages, and they see drafts too)."""
    return load_campaign(campaign_id, current_user)


@bp.get("/manage/reports")
@roles_required("organizer")
def index():
    """The campaigns the unit reports on (the commission: every campaign with reporting units)."""
    moment = now()
    if is_commission(current_user):
        campaigns = queries.campaigns_with_reporting_units()
        rows = [{"campaign": c, "views": services.reports_for(c, actor=current_user, now=moment)} for c in campaigns]
    else:
        campaigns = queries.campaigns_reported_by(current_user.unit_id)
        rows = [{"campaign": c, "views": services.reports_for(c, actor=current_user, now=moment)} for c in campaigns]
    return render_template("reports/index.html", rows=rows, commission=is_commission(current_user))


@bp.get("/manage/reports/<int:campaign_id>")
@roles_required("organizer")
def tracker(campaign_id: int):
    """The commission's tracker; a unit goes straight to its own report."""
    campaign = _campaign(campaign_id)
    if not is_commission(current_user):
        if not is_reporting_unit(campaign, current_user.unit_id):
            abort(404)
        return redirect(url_for("reports.edit", campaign_id=campaign.id, unit_id=current_user.unit_id))
    views = services.reports_for(campaign, actor=current_user, now=now())
    return render_template("reports/tracker.html", campaign=campaign, views=views)


@bp.route("/manage/reports/<int:campaign_id>/<int:unit_id>", methods=["GET", "POST"])
@roles_required("organizer")
def edit(campaign_id: int, unit_id: int):
    """The unit's report: save a draft or submit; the commission reads it and returns or accepts it."""
    campaign, unit = _scope(campaign_id, unit_id)
    moment = now()
    form = ReportForm()
    if request.method == "POST":
        if form.validate():
            try:
                if request.form.get("action") == "submit":
                    services.submit(campaign, unit, form.cleaned, actor=current_user, now=moment)
                    flash(_("活动总结已提交。"), "success")
                else:
                    services.save_draft(campaign, unit, form.cleaned, actor=current_user, now=moment)
                    flash(_("草稿已保存。"), "success")
                return redirect(url_for("reports.edit", campaign_id=campaign.id, unit_id=unit.id))
            except DomainError as error:
                _flash_error(error)
                form.add_errors(error.fields or {})
    view = services.report_for(campaign, unit, now=moment)
    if request.method == "GET":
        form.summary.data, form.outcomes.data = view.summary, view.outcomes
    is_author = current_user.unit_id == unit.id
    return render_template(
        "reports/edit.html",
        view=view,
        form=form,
        attachment_form=AttachmentForm(),
        events=services.unit_events(campaign, unit),
        return_form=ReturnForm(formdata=None),
        is_author=is_author,
        commission=is_commission(current_user),
    )


@bp.post("/manage/reports/<int:campaign_id>/<int:unit_id>/attachments")
@roles_required("organizer")
def attach(campaign_id: int, unit_id: int):
    campaign, unit = _scope(campaign_id, unit_id)
    try:
        attachment = services.add_attachment(campaign, unit, request.files.get("file"), actor=current_user, now=now())
    except DomainError as error:
        _flash_error(error)
    else:
        flash(_("已上传：%(name)s", name=attachment.filename), "success")
    return redirect(url_for("reports.edit", campaign_id=campaign_id, unit_id=unit_id))


@bp.post("/manage/reports/<int:campaign_id>/<int:unit_id>/attachments/<int:attachment_id>/delete")
@roles_required("organizer")
def detach(campaign_id: int, unit_id: int, attachment_id: int):
    campaign, unit = _scope(campaign_id, unit_id)
    try:
        services.delete_attachment(campaign, unit, attachment_id, actor=current_user, now=now())
    except DomainError as error:
        _flash_error(error)
    return redirect(url_for("reports.edit", campaign_id=campaign_id, unit_id=unit_id))


@bp.post("/manage/reports/<int:campaign_id>/<int:unit_id>/review")
@roles_required("organizer")
def review(campaign_id: int, unit_id: int):
    """The commission returns (with a comment) or accepts a submitted report."""
    campaign, unit = _scope(campaign_id, unit_id)
    try:
        if request.form.get("action") == "accept":
            services.accept(campaign, unit, actor=current_user, now=now())
            flash(_("已通过该活动总结。"), "success")
        else:
            form = ReturnForm()
            if not form.validate():
                flash(_("退回时请填写退回意见。"), "danger")
                return redirect(url_for("reports.edit", campaign_id=campaign_id, unit_id=unit_id))
            services.return_report(campaign, unit, form.cleaned["comment"], actor=current_user, now=now())
            flash(_("已退回，并已通知该单位。"), "success")
    except DomainError as error:
        _flash_error(error)
    return redirect(url_for("reports.edit", campaign_id=campaign_id, unit_id=unit_id))


@bp.route("/manage/campaigns/<int:campaign_id>/news", methods=["GET", "POST"])
@roles_required("organizer")
def news_admin(campaign_id: int):
    """日常动态: reporting units post; the commission publishes."""
    campaign = _campaign(campaign_id)
    form = NewsForm()
    may_post = news.can_post(campaign, current_user)
    if request.method == "POST":
        if not may_post:
            abort(403)
        if form.validate():
            try:
                item = news.post_news(campaign, form.cleaned, request.files.get("photo"), actor=current_user, now=now())
            except DomainError as error:
                _flash_error(error)
            else:
                flash(_("已发布。") if item.status == "published" else _("已提交，待市场监管委发布。"), "success")
                return redirect(url_for("reports.news_admin", campaign_id=campaign.id))
    if not may_post and not is_commission(current_user):
        abort(404)
    items = queries.news_items(campaign, current_user)
    return render_template(
        "reports/news.html",
        campaign=campaign,
        items=items,
        form=form,
        may_post=may_post,
        commission=is_commission(current_user),
    )


@bp.post("/manage/news/<int:news_id>/publish")
@roles_required("organizer")
def publish_news(news_id: int):
    try:
        item = news.publish(news_id, actor=current_user, now=now())
    except DomainError as error:
        _flash_error(error)
        return redirect(url_for("reports.index"))
    flash(_("已发布到专题活动页面。"), "success")
    return redirect(url_for("reports.news_admin", campaign_id=item.campaign_id))
