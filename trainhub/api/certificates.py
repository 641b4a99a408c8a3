"""Certificates: issue for an event, download a PDF or ZIP, public verification, revoke, reissue."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from trainhub.access import load_certificate, load_event
from trainhub.api import bp
from trainhub.api._helpers import api_login_required, api_roles, json_body
from trainhub.certificates import queries, services
from trainhub.certificates.views import pdf_response, zip_response
from trainhub.timeutil import iso, now


def _certificate_json(certificate) -> dict:
    registration = certificate.registration
    return {
        "serial": certificate.serial,
        "registration_id": registration.id,
        "event_id": registration.event_id,
        "name": registration.name,
        "organization": {"id": registration.organization_id, "name": registration.organization.name},
        "minutes_attended": certificate.minutes_attended,
        "issued_at": iso(certificate.issued_at),
        "revoked_at": iso(certificate.revoked_at),
        "revoked_reason": certificate.revoked_reason or None,
        "certificate_url": services.certificate_url(certificate.serial),
        "verify_url": services.verify_url(certificate),
    }


@bp.post("/events/<int:event_id>/certificates")
@api_roles("organizer")
def issue_event_certificates(event_id: int):
    """Issue certificates to every eligible attendee of an event."""
    event = load_event(event_id, current_user, need="manage")
    return jsonify(services.issue_certificates(event, actor=current_user, now=now()))


@bp.get("/events/<int:event_id>/certificates")
@api_roles("organizer", "trainer")
def list_event_certificates(event_id: int):
    """The certificates of an event (revoked ones too)."""
    event = load_event(event_id, current_user, need="view")
    items = queries.event_certificates(event)
    return jsonify({"items": [_certificate_json(c) for c in items]})


@bp.get("/events/<int:event_id>/certificates.zip")
@api_roles("organizer")
def event_certificates_zip(event_id: int):
    """All live certificates of an event as one ZIP (logged)."""
    event = load_event(event_id, current_user, need="view")
    certificates = services.event_certificates_for_download(event, actor=current_user, now=now())
    return zip_response(certificates, f"certificates-event-{event.id}.zip")


@bp.get("/certificates")
@api_roles("enterprise")
def list_my_certificates():
    """The enterprise's own people's live certificates."""
    items = services.enterprise_certificates(current_user.organization_id)
    return jsonify({"items": [_certificate_json(c) for c in items]})


@bp.get("/certificates.zip")
@api_roles("enterprise")
def my_certificates_zip():
    """The enterprise's own people's live certificates as one ZIP (logged)."""
    certificates = services.enterprise_certificates_for_download(
        current_user.organization_id, actor=current_user, now=now(), event_id=request.args.get("event_id", type=int))
    return zip_response(certificates, f"certificates-{current_user.organization_id}.zip")


@bp.get("/certificates/<serial>.pdf")
@api_login_required
def certificate_pdf(serial: str):
    """A certificate's PDF (the attendee's enterprise, or organizers in scope)."""
    return pdf_response(load_certificate(serial, current_user))


@bp.get("/certificates/<serial>")
def verify_certificate(serial: str):
    """Public verification by the printed serial or the QR's code: valid, masked name, event, dates, hours."""
    return jsonify(services.verification(queries.get_for_verification(serial)))


def _reason() -> str:
    reason = json_body().get("reason")
    return reason if isinstance(reason, str) else ""


@bp.post("/certificates/<serial>/revoke")
@api_roles("organizer")
def revoke_certificate(serial: str):
    """Revoke a certificate (reason required)."""
    certificate = load_certificate(serial, current_user, need="manage")
    certificate = services.revoke(certificate, _reason(), actor=current_user, now=now())
    return jsonify(_certificate_json(certificate))


@bp.post("/certificates/<serial>/reissue")
@api_roles("organizer")
def reissue_certificate(serial: str):
    """Reissue: a new serial for the same attendee; the live one is revoked."""
    certificate = load_certificate(serial, current_user, need="manage")
    new = services.reissue(certificate, actor=current_user, now=now(), reason=_reason())
    return jsonify(_certificate_json(new)), 201
