"""`db upgrade` brings an empty database to the head, and the models agree with the migrations."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from tests.conftest import POSTGRES_URL, _test_config
from trainhub import create_app
from trainhub.extensions import db


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL run skipped: TRAINHUB_TEST_POSTGRES_URL is not set")
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS migration_check CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA migration_check"))
    engine.dispose()
    yield POSTGRES_URL + ("&" if "?" in POSTGRES_URL else "?") + "options=-csearch_path%3Dmigration_check"
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS migration_check CASCADE"))
    engine.dispose()


def test_upgrade_reaches_head_and_matches_models(empty_database, tmp_path):
    app = create_app(_test_config(empty_database, tmp_path))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
            commission = connection.execute(sa.text("select count(*) from units where kind = 'commission'")).scalar()
        db.engine.dispose()
    assert diff == [], "models and migrations disagree: run scripts/regen_initial_migration.sh"
    assert commission == 1
