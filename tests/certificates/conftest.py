"""An event that took place, with attendees who did (or did not) check in and out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import local
from trainhub.extensions import db
from trainhub.models import CheckIn


@pytest.fixture
def held_event(make):
    """2021-10-14 09:00–12:00, at least 120 minutes for a certificate; returns (event, people)."""

    def _make(**fields):
        start = local(2021, 10, 14, 9)
        fields.setdefault("certificate_min_minutes", 120)
        event = make.event(
            title=fields.pop("title", "标准化法规解读"),
            starts_at=start,
            hours=3,
            registration_opens_at=start - timedelta(days=10),
            **fields,
        )
        return event

    return _make


def attend(registration, *, at=None, minutes=None, self_checkin=False):
    """Mark a registration checked in (and out after `minutes`)."""
    event = registration.event
    at = at or event.starts_at - timedelta(minutes=5)
    registration.checked_in_at = at
    if minutes is not None:
        registration.checked_out_at = at + timedelta(minutes=minutes)
    if self_checkin:
        db.session.add(
            CheckIn(
                event_id=event.id,
                registration_id=registration.id,
                direction="in",
                method="self",
                result="ok",
                created_at=at,
            )
        )
    db.session.commit()
    return registration


@pytest.fixture(autouse=True)
def _request_context(app):
    """Services raise errors with translated messages: give them a request (zh_CN) to translate for."""
    with app.test_request_context("/"):
        yield
