"""/readyz tells the truth: the database and Redis (when configured) checked, 503 naming what failed."""

from __future__ import annotations

import os

import pytest

from tests.conftest import _test_config
from trainhub import create_app

REDIS_URL = os.environ.get("TRAINHUB_TEST_REDIS_URL")
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def test_ready_with_the_database_and_no_redis(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "redis": "absent"}


@pytest.mark.skipif(not REDIS_URL, reason="TRAINHUB_TEST_REDIS_URL is not set")
@pytest.mark.parametrize("app", [{"REDIS_URL": REDIS_URL}], indirect=True)
def test_ready_with_redis(client):
    assert client.get("/readyz").get_json() == {"database": "ok", "redis": "ok"}


@pytest.mark.parametrize("app", [{"REDIS_URL": UNREACHABLE_REDIS}], indirect=True)
def test_an_unreachable_redis_makes_it_not_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"database": "ok", "redis": "failed", "failed": ["redis"]}
    assert client.get("/healthz").status_code == 200  # the trivial endpoint stays trivial


@pytest.mark.parametrize(
    "url", ["sqlite:////nonexistent-directory/trainhub.sqlite3", "postgresql+psycopg://postgres@127.0.0.1:1/trainhub"]
)
def test_an_unreachable_database_makes_it_not_ready(url, tmp_path):
    app = create_app(_test_config(url, tmp_path))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"database": "failed", "redis": "absent", "failed": ["database"]}
    assert app.test_client().get("/healthz").status_code == 200
