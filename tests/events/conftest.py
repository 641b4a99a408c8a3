"""Helpers for the events tests: a valid event payload in the platform's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

NOW = datetime(2021, 10, 1, 2, 0, tzinfo=UTC)  # 2021-10-01 10:00 in Shanghai


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def payload():
    def _payload(**overrides):
        data = {
            "title": "标准化云课堂：标准化法律法规",
            "kind": "training",
            "mode": "offline",
            "topic": "标准化法律法规",
            "description": "介绍《标准化法》",
            "venue": "市标准化研究院报告厅",
            "starts_at": "2021-10-14T09:00",
            "ends_at": "2021-10-14T12:00",
            "capacity": 50,
            "registration_opens_at": "2021-10-01T09:00",
            "registration_closes_at": "2021-10-13T17:00",
            "per_enterprise_quota": 3,
            "pilot_reserved_seats": 10,
            "requires_approval": False,
            "status": "published",
        }
        data.update(overrides)
        return data

    return _payload
