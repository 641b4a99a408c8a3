"""Undoing a check-in undoes its check-out too: a check-out must not survive alone."""

from __future__ import annotations

import sqlalchemy as sa

from trainhub.checkin import scan as checkin_scan
from trainhub.checkin import services
from trainhub.extensions import db
from trainhub.models import CheckIn, Registration


def test_undoing_a_check_in_also_undoes_its_check_out(make, event, attendee, trainer, at):
    organizer = make.organizer()
    came = checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at(-5))
    assert checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at(60), direction="out").code == "ok"

    services.undo_check_in(came.checkin, actor=organizer, now=at(61))

    registration = db.session.get(Registration, attendee.id)
    assert (registration.checked_in_at, registration.checked_out_at) == (None, None)
    live = db.session.scalars(
        sa.select(CheckIn.direction).where(
            CheckIn.registration_id == attendee.id, CheckIn.result == "ok", CheckIn.undone_at.is_(None)
        )
    ).all()
    assert live == []
    # Back at the door, the attendee checks in and out again as anyone would.
    assert checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at(62)).code == "ok"
    assert checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at(150), direction="out").code == "ok"
    registration = db.session.get(Registration, attendee.id)
    assert (registration.checked_in_at, registration.checked_out_at) == (at(62), at(150))
