"""Warm a freshly started worker before it takes requests (gunicorn.conf.py calls warm_up).

Without it the first door scan a worker answers paid for everything done once per process — the mappers
configured, the scan's statements compiled, the catalogs and locale data loaded, the database connections
opened and the database's own caches for the scan's tables filled: 50–250 ms, against a few ms after.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask

log = logging.getLogger(__name__)


def warm_up(app: Flask) -> None:
    """Do the once-per-process work now. Never fatal: a database that is down is the first request's
    problem, as it would have been."""
    from flask_babel import get_locale, get_translations

    from trainhub.checkin import scan as checkin
    from trainhub.db import autocommit_engine
    from trainhub.extensions import db

    with app.app_context():
        sa.orm.configure_mappers()
        for language in app.config["LANGUAGES"]:
            with app.test_request_context("/api/v1/checkins", headers={"Accept-Language": language.replace("_", "-")}):
                get_translations()
                get_locale().time_formats  # noqa: B018 - loads the locale's CLDR data
        try:
            checkin.warm_up(db.engine, autocommit_engine())
            # The API's way in (routing, authentication, the error answer) with a token that matches
            # nothing: a 401, nothing written.
            app.test_client().post("/api/v1/checkins", json={}, headers={"Authorization": "Bearer warm-up"})
        except sa.exc.SQLAlchemyError as error:
            log.warning("warm-up skipped the database: %s", error)
        finally:
            db.session.remove()
