"""/api/v1: thin adapters over the same services as the pages. One module per resource.

Every module in this package is imported here and adds routes to `bp`.
"""
from __future__ import annotations

import importlib
import pkgutil

from flask import Blueprint, current_app, request
from flask_login import current_user

from trainhub.extensions import csrf
from trainhub.security import uses_bearer_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.before_request
def _csrf_for_browser_sessions():
    # Bearer-token clients are not exposed to CSRF; cookie sessions calling the API are.
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and not uses_bearer_token():
        if current_user.is_authenticated and current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()


for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")
