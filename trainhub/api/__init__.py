"""/api/v1: thin adapters over the same services as the pages. One module per resource.

Requests are validated and answers serialised by each resource's declared schema (marshmallow,
through flask-smorest and webargs), which also generates /api/v1/openapi.json (trainhub.api.spec).
"""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user
from flask_smorest import Blueprint

from trainhub.api.spec import ApiSpec, Parser
from trainhub.extensions import csrf
from trainhub.inputs import read_json_object
from trainhub.security import has_valid_bearer_token


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = Parser()


bp = ApiBlueprint("api", __name__, url_prefix="/api/v1")
api = ApiSpec()
csrf.exempt(bp)


@bp.before_request
def _csrf_for_browser_sessions():
    # Bearer-token clients are not exposed to CSRF; cookie sessions calling the API are, whatever
    # else they send in Authorization.
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and current_user.is_authenticated:
        if current_app.config.get("WTF_CSRF_ENABLED", True) and not has_valid_bearer_token():
            csrf.protect()


@bp.before_request
def _parse_json_body():
    # Every writing request's body is parsed before the view, whether the view reads it or not: a body
    # that is not JSON is a 400 everywhere, never silently ignored. Uploads are multipart.
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype != "multipart/form-data":
        read_json_object()


# The resources, each adding its routes to `bp` (imported for that effect, in the order of API.md).
from trainhub.api import (  # noqa: E402
    accounts,
    calendar,
    campaigns,
    certificates,
    checkins,
    events,
    exports,
    invitations,
    news,
    openapi,
    organizations,
    registrations,
    reports,
    tickets,
    units,
)


def init_app(app) -> None:
    """Register the API blueprint and its generated document."""
    api.init_app(app)
    api.register_blueprint(bp)
