"""Reading certificates (参训证明): an event's, an enterprise's, relations loaded up front."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from trainhub.errors import NotFound
from trainhub.extensions import db
from trainhub.models import Certificate, Event, Registration


def certificates_query(*, event: Event | None = None, organization_id: int | None = None, live_only: bool = True):
    statement = (
        sa.select(Certificate)
        .join(Certificate.registration)
        .options(
            selectinload(Certificate.registration).selectinload(Registration.organization),
            selectinload(Certificate.registration).selectinload(Registration.event).selectinload(Event.host_unit),
        )
        .order_by(Certificate.serial)
    )
    if event is not None:
        statement = statement.where(Registration.event_id == event.id)
    if organization_id is not None:
        statement = statement.where(Registration.organization_id == organization_id)
    if live_only:
        statement = statement.where(Certificate.revoked_at.is_(None))
    return statement


def event_certificates(event: Event) -> list[Certificate]:
    """Every certificate of an event, revoked ones too, by serial (the organizers' history)."""
    return list(db.session.scalars(certificates_query(event=event, live_only=False)))


def _certificate_where(condition) -> Certificate:
    certificate = db.session.scalar(
        sa.select(Certificate)
        .where(condition)
        .options(
            selectinload(Certificate.registration).selectinload(Registration.event),
            selectinload(Certificate.registration).selectinload(Registration.organization),
        )
    )
    if certificate is None:
        raise NotFound(_l("未找到该证书编号。"))
    return certificate


def get_by_serial(serial: str) -> Certificate:
    return _certificate_where(Certificate.serial == serial)


def get_for_verification(key: str) -> Certificate:
    """Public verification: by the random code the QR carries, or by the printed serial (API.md keeps
    `/certificates/{serial}`). Either way the answer holds only what `verification` shows."""
    return _certificate_where(sa.or_(Certificate.verify_code == key, Certificate.serial == key))
