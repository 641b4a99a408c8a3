"""The generated document is complete enough to generate a client from (issue 13): every operation
declares its success answer (a schema, or the media type of a file), its request body when it reads
one, and its error answers with the error schema; every live GET answer validates against its schema."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from jsonschema import Draft202012Validator

from trainhub.extensions import db
from trainhub.models import User

ERROR_REF = "#/components/schemas/Error"


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation, item.get("parameters", []) + operation.get("parameters", [])


def _resolve(spec: dict, node: dict) -> dict:
    while "$ref" in node:
        kind, name = node["$ref"].split("/")[-2:]
        node = spec["components"][kind][name]
    return node


def incomplete_operations(spec: dict) -> list[str]:
    problems = []
    for path, method, operation, _parameters in _operations(spec):
        label = f"{method.upper()} {path}"
        responses = {code: _resolve(spec, answer) for code, answer in operation["responses"].items()}
        success = {code: answer for code, answer in responses.items() if code.startswith(("2", "3"))}
        if not success:
            problems.append(f"{label}: no success answer")
        for code, answer in success.items():
            content = answer.get("content") or {}
            if code not in ("204", "302", "303", "304") and not any(media.get("schema") for media in content.values()):
                problems.append(f"{label}: answer {code} has no schema or media type")
        for code, answer in responses.items():
            if code.startswith(("4", "5")) or code == "default":
                schema = ((answer.get("content") or {}).get("application/json") or {}).get("schema", {})
                if schema.get("$ref") != ERROR_REF:
                    problems.append(f"{label}: error {code} without the error schema")
        if method in ("post", "put", "patch") and not operation.get("requestBody") and not operation.get("x-no-body"):
            problems.append(f"{label}: no request body declared (or x-no-body for an action without one)")
    return problems


def test_every_operation_declares_its_answers_and_body(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert incomplete_operations(spec) == []


def test_the_ticket_kind_is_a_declared_enum(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    [(path, item)] = [(p, i) for p, i in spec["paths"].items() if p.endswith("/ticket.{kind}")]
    [kind] = [p for p in item.get("parameters", []) + item["get"].get("parameters", []) if p["name"] == "kind"]
    assert sorted(kind["schema"]["enum"]) == ["png", "svg"]


@pytest.fixture
def demo_tokens(runner, make):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    emails = ("admin@trainhub.local", "hr@huabei-jixie.example.cn")
    return {email: make.token(db.session.scalar(sa.select(User).where(User.email == email))) for email in emails}


def test_every_live_get_answer_validates_against_its_documented_schema(client, demo_tokens):
    """Each JSON GET, called with ids of the demo data by the commission's organizer and by an
    enterprise member: every 200 answer is valid by its declared schema (and some answers are 200)."""
    spec = client.get("/api/v1/openapi.json").get_json()
    checked, invalid = 0, []
    for path, method, operation, parameters in _operations(spec):
        if method != "get":
            continue
        answer = _resolve(spec, operation["responses"].get("200", {}))
        schema = ((answer.get("content") or {}).get("application/json") or {}).get("schema")
        if not schema or schema.get("type") == "object" and not schema.get("properties"):
            continue
        validator = Draft202012Validator({**schema, "components": spec["components"]})
        names = [p["name"] for p in parameters if p["in"] == "path"]
        for token in demo_tokens.values():
            for candidate in range(1, 6):
                url = path
                for name in names:
                    url = url.replace("{" + name + "}", str(candidate))
                response = client.get(url, headers={"Authorization": f"Bearer {token}"})
                if response.status_code != 200:
                    continue
                checked += 1
                errors = sorted(validator.iter_errors(response.get_json()), key=lambda e: list(e.path))
                invalid += [f"GET {url}: {list(e.path)} {e.message[:200]}" for e in errors[:3]]
                if not names:
                    break
    assert invalid == []
    assert checked >= 20
