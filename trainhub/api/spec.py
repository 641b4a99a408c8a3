"""The API's schema machinery: flask-smorest generates /api/v1/openapi.json from the declared schemas,
webargs parses requests through them, and every refusal is answered in API.md's error format.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from apispec import BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask_smorest import Api
from webargs.flaskparser import FlaskParser

from trainhub.errors import ValidationError
from trainhub.inputs import ID_MAX, IdConverter, read_json_object
from trainhub.schemas import Error, field_errors

WRITES = ("post", "put", "patch", "delete")


class Parser(FlaskParser):
    """webargs' parser on the one JSON body parser (trainhub.inputs) and the one 422 answer."""

    DEFAULT_VALIDATION_STATUS = 422

    def _raw_load_json(self, req: Any) -> Any:
        return read_json_object()  # already parsed and checked before the view (depth, size, text)

    def handle_error(
        self,
        error: ma.ValidationError,
        req: Any,
        schema: ma.Schema,
        *,
        error_status_code: int | None,
        error_headers: Any,
    ) -> Any:
        messages = error.messages
        if isinstance(messages, dict) and len(messages) == 1:
            ((location, inner),) = messages.items()
            if location in ("json", "query", "querystring", "form", "files", "view_args", "headers"):
                messages = inner
        raise ValidationError(field_errors(messages))


class OperationDefaults(BasePlugin):
    """Every operation has an operationId and documents the errors it may answer, with the error schema: a path with an id
    may be 404, input may be 422 (a body also 400 malformed), and anything may be the default error."""

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **kwargs: Any) -> None:
        rule = kwargs.get("rule")
        for method, operation in (operations or {}).items():
            if rule is not None:  # a stable name for generated clients: the endpoint and the method
                operation.setdefault("operationId", f"{rule.endpoint}.{method}")
            responses = operation.setdefault("responses", {})
            if "{" in (path or ""):
                responses.setdefault("404", "NOT_FOUND")
            if method in WRITES:
                responses.setdefault("400", "BAD_REQUEST")
                responses.setdefault("422", "UNPROCESSABLE_ENTITY")
            elif any(p.get("in") == "query" for p in operation.get("parameters", []) if isinstance(p, dict)):
                responses.setdefault("422", "UNPROCESSABLE_ENTITY")
            responses.setdefault("default", "DEFAULT_ERROR")


def schema_name(schema: Any) -> str:
    """A component's name: the class without "Schema"; a partial load (PATCH) is its own component."""
    cls = resolve_schema_cls(schema)
    assert isinstance(cls, type)  # a list only for an ambiguous class name, which get_class refuses
    name = cls.__name__.removesuffix("Schema")
    if not isinstance(schema, type):
        if schema.partial:
            name += "Changes"
        if schema.only or schema.exclude:
            name += "".join(part.title().replace("_", "") for part in sorted(schema.only or schema.exclude))
        if schema.many:
            name += "List"
    return name


class ApiSpec(Api):
    """flask-smorest's Api with TrainHub's error format (errors.py answers every error; smorest's own
    handler is not installed) and the document at /api/v1/openapi.json (a route of the API itself)."""

    ERROR_SCHEMA = Error

    def init_app(self, app: Any, *, spec_kwargs: dict | None = None) -> None:
        app.config.setdefault("API_TITLE", "TrainHub API")
        app.config.setdefault("API_VERSION", "1")
        app.config.setdefault("OPENAPI_VERSION", "3.1.0")
        app.config.setdefault("OPENAPI_URL_PREFIX", None)  # served by trainhub.api.openapi
        app.config["API_SPEC_OPTIONS"] = {
            "servers": [{"url": app.config["BASE_URL"]}],  # paths carry /api/v1 themselves
            "security": [{"bearer": []}, {}],
            "info": {
                "description": "TrainHub's JSON API (../shared/API.md). Errors: {error: {code, message, fields}}."
            },
        }
        super().init_app(
            app,
            spec_kwargs={
                "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name),
                "extra_plugins": [OperationDefaults()],
                **(spec_kwargs or {}),
            },
        )
        self.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
        self.register_converter(IdConverter, lambda converter: {"type": "integer", "minimum": 0, "maximum": ID_MAX})

    def _register_error_handlers(self) -> None:
        pass  # trainhub.errors answers every error in API.md's format
