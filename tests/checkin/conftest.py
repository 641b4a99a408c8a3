"""A live offline event (doors open), its trainer, and a clock inside the check-in window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

STARTS = datetime(2030, 10, 14, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


@pytest.fixture
def at():
    """at(minutes): an instant relative to the event's start."""
    return lambda minutes=0: STARTS + timedelta(minutes=minutes)


@pytest.fixture
def trainer(make):
    return make.trainer(name="李讲师")


@pytest.fixture
def event(make, trainer):
    return make.event(
        title="标准化法律法规培训",
        starts_at=STARTS,
        hours=3,
        trainers=[trainer],
        registration_opens_at=STARTS - timedelta(days=20),
        registration_closes_at=STARTS,
    )


@pytest.fixture
def org(make):
    return make.organization(name="华东精密机械有限公司")


@pytest.fixture
def attendee(make, event, org):
    return make.registration(event, org, status="confirmed", name="张大伟", phone="13912345678")
