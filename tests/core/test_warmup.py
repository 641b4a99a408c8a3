"""A new gunicorn worker warms up before its first request (trainhub.warmup), writing nothing."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa

from tests.conftest import _test_config
from trainhub import create_app
from trainhub.db import DirectStatement, autocommit_engine
from trainhub.extensions import db
from trainhub.models import ApiToken, AuditLog, CheckIn
from trainhub.warmup import warm_up

ROOT = Path(__file__).resolve().parents[2]


def _counts():
    return [db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in (CheckIn, AuditLog, ApiToken)]


def test_the_workers_hook_warms_the_scan_and_writes_nothing(app, monkeypatch):
    for statement in DirectStatement._all:
        monkeypatch.setattr(statement, "_compiled", {})
    before = _counts()
    db.session.remove()
    engines = [db.engine] + ([autocommit_engine()] if autocommit_engine() is not None else [])
    for engine in engines:
        engine.dispose()

    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    try:
        settings["post_worker_init"](SimpleNamespace(wsgi=app))
    finally:
        gc.unfreeze()

    assert all(db.engine.dialect.name in statement._compiled for statement in DirectStatement._all)
    assert all(engine.pool.checkedin() >= 1 for engine in engines)  # connected before the first request
    db.session.remove()
    assert _counts() == before


def test_a_database_that_is_down_does_not_stop_the_worker(tmp_path, caplog):
    app = create_app(_test_config("postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2", tmp_path))
    warm_up(app)  # no exception: the first request meets the database as it would have
    assert "warm-up skipped the database" in caplog.text
