"""Pages: the organizer's certificate list per event, the enterprise's certificates, /verify/<code>."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainhub.access import load_certificate, load_event
from trainhub.certificates import bp, queries, services
from trainhub.certificates.schemas import ReissueSchema, RevokeSchema
from trainhub.certificates.services import SKIP_REASONS
from trainhub.errors import NotFound, streamed
from trainhub.schemas import load
from trainhub.security import roles_required
from trainhub.timeutil import now


def pdf_response(certificate) -> Response:
    body = services.certificate_pdf(certificate)
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{certificate.serial}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


def zip_response(items, filename: str) -> Response:
    return streamed(
        services.zip_stream(items),
        content_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
    )


@bp.get("/manage/events/<int:event_id>/certificates")
@roles_required("organizer", "trainer")
def event_admin(event_id: int):
    event = load_event(event_id, current_user, need="view")
    rows = services.candidates(event)
    history = queries.event_certificates(event)
    from trainhub.access import can_manage_event

    return render_template(
        "certificates/event_admin.html",
        event=event,
        rows=rows,
        history=history,
        reasons=SKIP_REASONS,
        can_manage=can_manage_event(current_user, event),
    )


@bp.post("/manage/events/<int:event_id>/certificates/issue")
@roles_required("organizer")
def issue(event_id: int):
    event = load_event(event_id, current_user, need="manage")
    result = services.issue_certificates(event, actor=current_user, now=now())
    skipped = sum(len(v) for v in result["skipped"].values())
    flash(
        _(
            "已发放 %(issued)d 份参训证明，%(skipped)d 人未发放（原因见下表）。",
            issued=result["issued"],
            skipped=skipped,
        ),
        "success",
    )
    return redirect(url_for("certificates.event_admin", event_id=event.id))


@bp.post("/manage/certificates/<serial>/revoke")
@roles_required("organizer")
def revoke(serial: str):
    certificate = load_certificate(serial, current_user, need="manage")
    values = load(RevokeSchema(), request.form)
    services.revoke(certificate, values["reason"], actor=current_user, now=now())
    flash(_("证书 %(serial)s 已撤销。", serial=serial), "success")
    return redirect(url_for("certificates.event_admin", event_id=certificate.registration.event_id))


@bp.post("/manage/certificates/<serial>/reissue")
@roles_required("organizer")
def reissue(serial: str):
    certificate = load_certificate(serial, current_user, need="manage")
    event_id = certificate.registration.event_id
    values = load(ReissueSchema(), request.form)
    new = services.reissue(certificate, actor=current_user, now=now(), reason=values["reason"])
    flash(_("已补发新证书 %(serial)s。", serial=new.serial), "success")
    return redirect(url_for("certificates.event_admin", event_id=event_id))


@bp.get("/manage/events/<int:event_id>/certificates.zip")
@roles_required("organizer")
def event_zip(event_id: int):
    event = load_event(event_id, current_user, need="view")
    items = services.event_certificates_for_download(event, actor=current_user, now=now())
    if not items:
        flash(_("该活动还没有可下载的参训证明。"), "info")
        return redirect(url_for("certificates.event_admin", event_id=event.id))
    return zip_response(items, f"certificates-event-{event.id}.zip")


@bp.get("/certificates/<serial>.pdf")
@login_required
def download(serial: str):
    return pdf_response(load_certificate(serial, current_user))


@bp.get("/my/certificates")
@roles_required("enterprise")
def mine():
    certificates = services.enterprise_certificates(current_user.organization_id)
    return render_template("certificates/mine.html", certificates=certificates)


@bp.get("/my/certificates.zip")
@roles_required("enterprise")
def mine_zip():
    event_id = request.args.get("event_id", type=int)
    items = services.enterprise_certificates_for_download(
        current_user.organization_id, actor=current_user, now=now(), event_id=event_id
    )
    if not items:
        flash(_("暂无可下载的参训证明。"), "info")
        return redirect(url_for("certificates.mine"))
    return zip_response(items, f"certificates-{current_user.organization_id}.zip")


@bp.get("/verify/<code>")
def verify(code: str):
    """The page a certificate's QR code opens (by its random code; a typed serial works too)."""
    try:
        certificate = queries.get_for_verification(code)
    except NotFound:
        return render_template("certificates/verify.html", info=None), 404
    return render_template("certificates/verify.html", info=services.verification(certificate), certificate=certificate)
