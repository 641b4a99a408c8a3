"""GET /api/v1/openapi.json: generated from the URL map, so it cannot drift from the routes.

A view may carry `view.openapi = {...}` (an OpenAPI operation fragment) for a request body or a
response description; its docstring's first line is the summary.
"""
from __future__ import annotations

import re

from flask import current_app, jsonify
from werkzeug.routing import AnyConverter, IntegerConverter, PathConverter

from trainhub.api import bp
from trainhub.inputs import ID_MAX

# `<name>`, `<int:name>`, `<any(png, svg):name>`: a converter may carry arguments.
_CONVERTER = re.compile(r"<(?:([^<>:]+):)?(\w+)>")


def openapi_path(rule: str) -> str:
    return _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", rule)


def parameter_schema(converter) -> dict:
    """What a path argument's converter accepts, as a JSON schema."""
    if isinstance(converter, IntegerConverter):
        return {"type": "integer", "minimum": 0, "maximum": ID_MAX}
    if isinstance(converter, AnyConverter):
        return {"type": "string", "enum": sorted(converter.items)}
    return {"type": "string", "pattern": "^[^/]+$" if not isinstance(converter, PathConverter) else "^.+$"}


_PAGES = ("page", "per_page")
_DATES = ("from", "to")
# The query arguments each list or export reads (what a client may filter by).
QUERY = {
    "api.list_users": (*_PAGES, "role", "q"),
    "api.campaigns_list": (*_PAGES, "status"),
    "api.campaign_news": _PAGES,
    "api.event_checkins": (*_PAGES, "result"),
    "api.events_list": (*_PAGES, "q", "kind", "mode", "topic", "campaign_id", *_DATES, "open", "past", "status"),
    "api.list_organizations": (*_PAGES, "district", "pilot", "q", "active"),
    "api.event_registrations": (*_PAGES, "status"),
    "api.list_registrations": (*_PAGES, "status", "event_id"),
    "api.list_my_certificates": ("event_id",),
    "api.my_certificates_zip": ("event_id",),
    "api.attendance_xlsx": (*_DATES, "campaign_id", "organization_id", "district", "pilot_only"),
    "api.attendance_csv": (*_DATES, "campaign_id", "organization_id", "district", "pilot_only"),
}
_QUERY_SCHEMAS = {
    "page": {"type": "integer", "minimum": 1, "maximum": ID_MAX},
    "per_page": {"type": "integer", "minimum": 1, "maximum": 500},
    "from": {"type": "string", "format": "date"},
    "to": {"type": "string", "format": "date"},
}


def query_parameters(endpoint: str) -> list[dict]:
    def schema(name: str) -> dict:
        if name.endswith("_id"):
            return {"type": "integer", "minimum": 1, "maximum": ID_MAX}
        return _QUERY_SCHEMAS.get(name, {"type": "string"})

    return [{"name": name, "in": "query", "required": False, "schema": schema(name)} for name in QUERY.get(endpoint, ())]


def build_spec(app) -> dict:
    paths: dict = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(bp.url_prefix) or rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        path = openapi_path(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            doc = (view.__doc__ or rule.endpoint).strip().splitlines()[0]
            operation = {
                "operationId": f"{rule.endpoint}.{method.lower()}",
                "summary": doc,
                "parameters": [
                    {"name": arg, "in": "path", "required": True, "schema": parameter_schema(rule._converters[arg])}
                    for arg in sorted(rule.arguments)
                ],
                "responses": {"200": {"description": "OK"}, "default": {"$ref": "#/components/responses/Error"}},
            }
            operation["parameters"] += query_parameters(rule.endpoint) if method == "GET" else []
            extra = getattr(view, "openapi", {}) or {}
            extra = extra.get(method.lower(), extra if "responses" in extra or "requestBody" in extra else {})
            # A view's own responses come beside the error answer every operation may give.
            operation.update({**extra, "responses": {**operation["responses"], **extra.get("responses", {})}})
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "TrainHub API", "version": "1"},
        "servers": [{"url": current_app.config["BASE_URL"]}],  # paths carry /api/v1 themselves
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": {
                    "description": "Error",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                            },
                        }
                    },
                }
            },
        },
        "security": [{"bearer": []}, {}],
        "paths": {path: ops for path, ops in paths.items()},
    }


@bp.get("/openapi.json")
def openapi_json():
    """This document: every /api/v1 endpoint."""
    return jsonify(build_spec(current_app))
