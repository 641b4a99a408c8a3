"""The organizers' outbox page: queued, sent and failed messages; retry the failed ones."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trainhub.errors import DomainError
from trainhub.models import OUTBOX_STATUSES
from trainhub.notifications import bp, queries, services
from trainhub.pagination import page_number, paginate
from trainhub.security import roles_required
from trainhub.timeutil import now

STATUS_LABELS = {"queued": _l("待发送"), "sent": _l("已发送"), "failed": _l("发送失败")}


@bp.get("/manage/outbox")
@roles_required("organizer")
def outbox():
    status = request.args.get("status") or None
    if status not in OUTBOX_STATUSES:
        status = None
    page = paginate(queries.outbox_query(current_user, status), page_number(request.args), 50)
    return render_template(
        "notifications/outbox.html",
        messages=page.items,
        page=page,
        status=status,
        counts=queries.status_counts(current_user),
        labels=STATUS_LABELS,
        max_attempts=int(current_app.config.get("MAIL_MAX_ATTEMPTS") or 8),
    )


@bp.post("/manage/outbox/<int:message_id>/retry")
@roles_required("organizer")
def retry(message_id: int):
    try:
        services.retry_message(message_id, actor=current_user, now=now())
    except DomainError as error:
        if error.status == 404:
            from flask import abort

            abort(404)
        flash(str(error.message), "warning")
    else:
        flash(_("已重新加入发送队列。"), "success")
    return redirect(url_for("notifications.outbox", status=request.args.get("status") or None))


@bp.post("/manage/outbox/retry-failed")
@roles_required("organizer")
def retry_failed():
    count = services.retry_all_failed(actor=current_user, now=now())
    flash(_("已将 %(n)s 条失败的消息重新加入发送队列。", n=count), "success")
    return redirect(url_for("notifications.outbox"))
