"""/api/v1: thin adapters over the same services as the pages. One module per resource.

Every module in this package is imported here and adds routes to `bp`.
"""
from __future__ import annotations

import importlib
import pkgutil

from flask import Blueprint, current_app, request
from flask_login import current_user

from trainhub.extensions import csrf
from trainhub.inputs import read_json_object
from trainhub.security import has_valid_bearer_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")
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


for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")
