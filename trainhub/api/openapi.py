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
            extra = getattr(view, "openapi", {}) or {}
            operation.update(extra.get(method.lower(), extra if "responses" in extra or "requestBody" in extra else {}))
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
