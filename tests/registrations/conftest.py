"""Helpers for the registration tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

_phones = itertools.count(1)


def phone() -> str:
    return f"137{next(_phones):08d}"


def attendee(name="张伟", **fields) -> dict:
    number = fields.pop("phone", None) or phone()
    return {
        "name": name,
        "phone": number,
        "email": fields.pop("email", f"a{number}@example.cn"),
        "job_title": fields.pop("job_title", "标准化专员"),
        **fields,
    }


def attendees(n: int) -> list[dict]:
    return [attendee(f"参训人{i}") for i in range(n)]


@pytest.fixture
def now():
    return datetime.now(UTC)


@pytest.fixture
def open_event(make, now):
    """A published event whose registration is open now (capacity 3 by default)."""

    def _make(**fields):
        fields.setdefault("capacity", 3)
        fields.setdefault("registration_opens_at", now - timedelta(days=1))
        fields.setdefault("registration_closes_at", now + timedelta(days=5))
        return make.event(**fields)

    return _make
