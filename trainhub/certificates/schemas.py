"""Certificates (参训证明) as the API reads and writes them (API.md "Certificates and exports"): declared once."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from trainhub.certificates import services
from trainhub.schemas import Id, Instant, Ref, Schema, Text


class CertificateSchema(Schema):
    """A certificate as its event's managers and the attendee's enterprise read it."""

    serial = ma.fields.String(required=True, metadata={"example": "TH-2021-000123"})
    registration_id = ma.fields.Integer(required=True)
    event_id = ma.fields.Integer(required=True, attribute="registration.event_id")
    name = ma.fields.String(required=True, attribute="registration.name")
    organization = ma.fields.Nested(Ref, required=True, attribute="registration.organization")
    minutes_attended = ma.fields.Integer(required=True, allow_none=True)
    issued_at = Instant(required=True)
    revoked_at = Instant(required=True, allow_none=True)
    revoked_reason = ma.fields.Function(
        lambda certificate: certificate.revoked_reason or None, required=True, metadata={"type": ["string", "null"]}
    )
    certificate_url = ma.fields.Function(
        lambda certificate: services.certificate_url(certificate.serial),
        required=True,
        metadata={"type": "string", "format": "uri"},
    )
    verify_url = ma.fields.Function(
        services.verify_url,
        required=True,
        metadata={"type": "string", "format": "uri", "description": "what the printed QR code carries"},
    )


class CertificateListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(CertificateSchema), required=True)


class SkippedSchema(Schema):
    registration_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    organization = ma.fields.String(required=True)


class IssueResultSchema(Schema):
    """What issuing did: how many were issued, and who was skipped for which reason."""

    issued = ma.fields.Integer(required=True)
    skipped = ma.fields.Dict(
        keys=ma.fields.String(metadata={"enum": ["already_issued", *services.SKIP_REASONS]}),
        values=ma.fields.List(ma.fields.Nested(SkippedSchema)),
        required=True,
        metadata={"description": "by reason: already_issued, " + ", ".join(services.SKIP_REASONS)},
    )


class VerificationSchema(Schema):
    """What anyone may learn from a certificate (services.verification): no employer, no full name."""

    valid = ma.fields.Boolean(required=True)
    name = ma.fields.String(required=True, metadata={"description": "masked: 张*伟"})
    event = ma.fields.String(required=True, metadata={"description": "the event's title"})
    hours = ma.fields.Float(required=True, metadata={"description": "学时 from the attended minutes"})
    issued_at = Instant(required=True)
    revoked_at = Instant(required=True, allow_none=True)


class RevokeSchema(Schema):
    reason = Text(
        required=True,
        max_length=500,
        error_messages={key: _l("请填写撤销原因。") for key in ("required", "null", "blank")},
    )


class ReissueSchema(Schema):
    reason = Text(
        max_length=500,
        load_default="",
        metadata={"description": "why the live certificate is revoked (default 重新签发)"},
    )


class ZipArgs(Schema):
    """`?event_id=`: the enterprise's certificates of one event only."""

    event_id = Id()
