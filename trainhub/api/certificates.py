"""Certificates: issue for an event, download a PDF or ZIP, public verification, revoke, reissue."""

from __future__ import annotations

from flask_login import current_user

from trainhub.access import load_certificate, load_event
from trainhub.api import bp
from trainhub.api._helpers import api_login_required, api_roles, errors, file_response, no_body
from trainhub.certificates import queries, services
from trainhub.certificates.schemas import (
    CertificateListSchema,
    CertificateSchema,
    IssueResultSchema,
    ReissueSchema,
    RevokeSchema,
    VerificationSchema,
    ZipArgs,
)
from trainhub.certificates.views import pdf_response, zip_response
from trainhub.timeutil import now


@bp.post("/events/<int:event_id>/certificates")
@api_roles("organizer")
@errors(409)
@no_body
@bp.response(200, IssueResultSchema)
def issue_event_certificates(event_id: int):
    """Issue certificates to every eligible attendee of an event (409 `event_not_published`, `event_not_ended`)."""
    event = load_event(event_id, current_user, need="manage")
    return services.issue_certificates(event, actor=current_user, now=now())


@bp.get("/events/<int:event_id>/certificates")
@api_roles("organizer", "trainer")
@bp.response(200, CertificateListSchema)
def list_event_certificates(event_id: int):
    """The certificates of an event (revoked ones too)."""
    event = load_event(event_id, current_user, need="view")
    return {"items": queries.event_certificates(event)}


@bp.get("/events/<int:event_id>/certificates.zip")
@api_roles("organizer")
@file_response("application/zip", description="Every live certificate of the event, one PDF each")
def event_certificates_zip(event_id: int):
    """All live certificates of an event as one ZIP (logged)."""
    event = load_event(event_id, current_user, need="view")
    certificates = services.event_certificates_for_download(event, actor=current_user, now=now())
    return zip_response(certificates, f"certificates-event-{event.id}.zip")


@bp.get("/certificates")
@api_roles("enterprise")
@bp.response(200, CertificateListSchema)
def list_my_certificates():
    """The enterprise's own people's live certificates."""
    return {"items": services.enterprise_certificates(current_user.organization_id)}


@bp.get("/certificates.zip")
@api_roles("enterprise")
@bp.arguments(ZipArgs, location="query")
@file_response("application/zip", description="The enterprise's people's live certificates, one PDF each")
def my_certificates_zip(args: dict):
    """The enterprise's own people's live certificates as one ZIP (logged); `event_id` narrows it to one event."""
    certificates = services.enterprise_certificates_for_download(
        current_user.organization_id, actor=current_user, now=now(), event_id=args.get("event_id")
    )
    return zip_response(certificates, f"certificates-{current_user.organization_id}.zip")


@bp.get("/certificates/<serial>.pdf")
@api_login_required
@file_response("application/pdf", description="The certificate")
def certificate_pdf(serial: str):
    """A certificate's PDF (the attendee's enterprise, or organizers in scope)."""
    return pdf_response(load_certificate(serial, current_user))


@bp.get("/certificates/<serial>")
@bp.response(200, VerificationSchema)
def verify_certificate(serial: str):
    """Public verification by the printed serial or the QR's code: valid, masked name, event, dates, hours."""
    return services.verification(queries.get_for_verification(serial))


@bp.post("/certificates/<serial>/revoke")
@api_roles("organizer")
@errors(409)
@bp.arguments(RevokeSchema)
@bp.response(200, CertificateSchema)
def revoke_certificate(body: dict, serial: str):
    """Revoke a certificate (reason required; 409 `already_revoked`)."""
    certificate = load_certificate(serial, current_user, need="manage")
    return services.revoke(certificate, body["reason"], actor=current_user, now=now())


@bp.post("/certificates/<serial>/reissue")
@api_roles("organizer")
@errors(409)
@bp.arguments(ReissueSchema)
@bp.response(201, CertificateSchema)
def reissue_certificate(body: dict, serial: str):
    """Reissue: a new serial for the same attendee; the live one is revoked (409 `not_confirmed`)."""
    certificate = load_certificate(serial, current_user, need="manage")
    return services.reissue(certificate, actor=current_user, now=now(), reason=body["reason"])
