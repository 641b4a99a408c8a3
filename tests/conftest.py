"""Fixtures as in flaskr: `app`, `client`, `runner`, factories, a login helper.

Every test that takes `app` runs on SQLite and, where TRAINHUB_TEST_POSTGRES_URL is set, PostgreSQL.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests import factories
from trainhub import create_app
from trainhub.db import autocommit_engine
from trainhub.extensions import db
from trainhub.models import Unit


def _per_worker(url: str | None) -> str | None:
    """Under pytest-xdist each worker has its own database (`test_gw0`, …): every test truncates the
    tables, which workers sharing one database would fight over (deadlocks)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    parsed = sa.engine.make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


POSTGRES_URL = _per_worker(os.environ.get("TRAINHUB_TEST_POSTGRES_URL"))
REDIS_URL = os.environ.get("TRAINHUB_TEST_REDIS_URL")
BASE_URL = "http://trainhub.test"

_pg_schema_ready = False


def _test_config(database_url: str, tmp_path) -> dict:
    return {
        "ENV_NAME": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": database_url,
        "BASE_URL": BASE_URL,
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "MAIL_OUTBOX_DIR": str(tmp_path / "mail"),
        "REDIS_URL": None,
        "MAIL_SERVER": None,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # scrypt costs ~0.5 s a login on this machine
    }


def _seed_commission() -> None:
    """What migration 0002 does: the commission unit exists from the start."""
    db.session.add(Unit(name="市市场监督管理委员会", kind="commission", district=""))
    db.session.commit()


def terminate_app_connections() -> int:
    """PostgreSQL: end every connection the app holds to its test database, as a database restart would;
    → how many were ended."""
    killer = sa.create_engine(POSTGRES_URL)
    try:
        with killer.begin() as conn:
            return conn.execute(
                sa.text(
                    "select count(pg_terminate_backend(pid)) from pg_stat_activity "
                    "where datname = current_database() and pid <> pg_backend_pid() and application_name = ''"
                )
            ).scalar()
    finally:
        killer.dispose()


@pytest.fixture(scope="session", autouse=True)
def _worker_database():
    """This worker's PostgreSQL database exists (made on first use, kept for later runs)."""
    if not POSTGRES_URL or os.environ.get("TRAINHUB_TEST_POSTGRES_URL") == POSTGRES_URL:
        return
    name = sa.engine.make_url(POSTGRES_URL).database
    engine = sa.create_engine(os.environ["TRAINHUB_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first() is None:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL run skipped: TRAINHUB_TEST_POSTGRES_URL is not set")
    return POSTGRES_URL


@pytest.fixture
def app(database_url, tmp_path, request):
    global _pg_schema_ready
    extra = getattr(request, "param", None) or {}
    application = create_app({**_test_config(database_url, tmp_path), **extra})
    with application.app_context():
        if database_url.startswith("postgresql"):
            if not _pg_schema_ready:
                db.drop_all()
                with db.engine.begin() as conn:
                    conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
                db.create_all()
                _pg_schema_ready = True
            tables = ", ".join(t.name for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            db.create_all()
        _seed_commission()
        yield application
        db.session.remove()
        for engine in (db.engine, autocommit_engine()):  # on PostgreSQL, the scan's autocommit engine too
            if engine is not None:
                engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Factories bound to the app: make.user(...), make.organization(...), make.event(...)…"""
    return factories.Factory(app)


@pytest.fixture
def login(client):
    """login(user): the test client acts as that user (a real session cookie)."""

    def _login(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return _login


@pytest.fixture
def api(client, make):
    """api(user).get/post/...: JSON calls with a bearer token of that user."""
    return factories.ApiCaller(client, make)


@pytest.fixture
def dialect(app):
    with app.app_context():
        return db.engine.dialect.name


@pytest.fixture
def one_day():
    return timedelta(days=1)


def pytest_report_header(config):
    pg = "PostgreSQL: " + (POSTGRES_URL if POSTGRES_URL else "skipped (TRAINHUB_TEST_POSTGRES_URL is not set)")
    redis = "Redis: " + (REDIS_URL if REDIS_URL else "skipped (TRAINHUB_TEST_REDIS_URL is not set)")
    return [pg, redis]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A skip raised by a fixture of this file (no PostgreSQL) is reported where it is raised, not at each test:
    `-rs` then folds the ~440 PostgreSQL variants of a run without it into one summary line with their count."""
    report = yield
    if report.skipped and call.excinfo is not None and isinstance(report.longrepr, tuple):
        here = [entry for entry in call.excinfo.traceback if str(entry.path) == __file__]
        if here:
            report.longrepr = (__file__, here[-1].lineno + 1, report.longrepr[2])
    return report
