"""The organizing unit as written and read (API.md "Organizing units"), and a unit's invitations of
enterprises to an event (API.md "Invitations"): declared once."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from trainhub.models import UNIT_KINDS
from trainhub.schemas import Choice, Id, Instant, List, Ref, Schema, Text


class UnitSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    name = Text(required=True, max_length=200)
    kind = Choice(UNIT_KINDS, required=True)
    district = Text(max_length=50, load_default="", metadata={"description": "required for a district_bureau"})


class OrganizationRef(Ref):
    district = ma.fields.String()


class InvitationRequest(Schema):
    """Invite enterprises to an event (a district bureau: the active enterprises of its district).
    Its own schema: the ids are required here and never read back."""

    organization_ids = List(Id(), required=True, validate=ma.validate.Length(min=1, error=_l("请选择要邀请的企业。")))


class InvitationSchema(Schema):
    """An enterprise's invitation to an event, as read: one per invited organization."""

    organization = ma.fields.Nested(OrganizationRef, dump_only=True)
    invited_at = Instant(dump_only=True)
    registered = ma.fields.Boolean(
        dump_only=True, metadata={"description": "someone of it is registered (not cancelled or rejected)"}
    )


class InvitationsSent(Schema):
    sent = ma.fields.Integer(required=True, metadata={"description": "newly invited (never twice)"})
