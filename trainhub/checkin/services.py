"""Check-in write use cases other than the scan itself (checkin.scan): undoing a wrong check-in."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from trainhub.db import begin_write, use_case
from trainhub.errors import DomainError
from trainhub.extensions import db
from trainhub.models import AuditLog, CheckIn, Registration, User


def can_undo(row: CheckIn) -> bool:
    """Only an accepted check-in that is not undone yet may be undone (the row stays, marked)."""
    return row.result == "ok" and row.undone_at is None


@use_case
def undo_check_in(checkin: CheckIn, *, actor: User, now: datetime) -> CheckIn:
    """Undo a wrong check-in: the row stays, marked undone; the attendee is expected again."""
    begin_write()
    row = db.session.scalar(
        sa.select(CheckIn).where(CheckIn.id == checkin.id).with_for_update().execution_options(populate_existing=True)
    )
    if row is None:
        raise DomainError("not_found", _l("未找到该对象。"), 404)
    if row.result != "ok" or row.undone_at is not None:
        raise DomainError("not_undoable", _l("只能撤销一次有效的签到。"), 409)
    registration = db.session.scalar(
        sa.select(Registration)
        .where(Registration.id == row.registration_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    row.undone_at = now
    row.undone_by_id = actor.id
    if registration is not None:
        if row.direction == "in":
            registration.checked_in_at = None
            registration.checked_in_by_id = None
            # A check-out without its check-in is no attendance: it goes too (else it survives alone).
            registration.checked_out_at = None
            db.session.execute(
                sa.update(CheckIn)
                .where(
                    CheckIn.registration_id == registration.id,
                    CheckIn.direction == "out",
                    CheckIn.result == "ok",
                    CheckIn.undone_at.is_(None),
                )
                .values(undone_at=now, undone_by_id=actor.id)
            )
        else:
            registration.checked_out_at = None
    db.session.add(
        AuditLog(
            actor_id=actor.id,
            action="checkin.undo",
            object_type="checkin",
            object_id=row.id,
            details={"registration_id": row.registration_id, "direction": row.direction},
            created_at=now,
        )
    )
    db.session.commit()
    return row
