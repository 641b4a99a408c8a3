"""The JSON contract of ../shared/API.md: every endpoint it names exists, and openapi.json describes
every /api/v1 route (it is generated from the URL map, so it cannot drift)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from werkzeug.exceptions import MethodNotAllowed, NotFound

API_MD = Path(__file__).resolve().parents[3] / "shared" / "API.md"

# Every endpoint API.md names (method, path); kept by hand and checked against API.md below.
CONTRACT = [
    ("GET", "/api/v1/me"),
    ("POST", "/api/v1/users"),
    ("GET", "/api/v1/organizations"),
    ("POST", "/api/v1/organizations"),
    ("GET", "/api/v1/organizations/{id}"),
    ("PATCH", "/api/v1/organizations/{id}"),
    ("POST", "/api/v1/organizations/{id}/members"),
    ("GET", "/api/v1/units"),
    ("POST", "/api/v1/units"),
    ("PATCH", "/api/v1/units/{id}"),
    ("GET", "/api/v1/campaigns"),
    ("POST", "/api/v1/campaigns"),
    ("GET", "/api/v1/campaigns/{id}"),
    ("PATCH", "/api/v1/campaigns/{id}"),
    ("POST", "/api/v1/campaigns/{id}/attachments"),
    ("GET", "/api/v1/campaigns/{id}/reports"),
    ("GET", "/api/v1/campaigns/{id}/reports/{unit_id}"),
    ("PUT", "/api/v1/campaigns/{id}/reports/{unit_id}"),
    ("POST", "/api/v1/campaigns/{id}/reports/{unit_id}/submit"),
    ("POST", "/api/v1/campaigns/{id}/reports/{unit_id}/return"),
    ("POST", "/api/v1/campaigns/{id}/reports/{unit_id}/accept"),
    ("POST", "/api/v1/campaigns/{id}/reports/{unit_id}/attachments"),
    ("GET", "/api/v1/campaigns/{id}/reports.xlsx"),
    ("GET", "/api/v1/campaigns/{id}/reports.zip"),
    ("GET", "/api/v1/campaigns/{id}/news"),
    ("POST", "/api/v1/campaigns/{id}/news"),
    ("POST", "/api/v1/news/{id}/publish"),
    ("POST", "/api/v1/events/{id}/invitations"),
    ("GET", "/api/v1/events/{id}/invitations"),
    ("GET", "/api/v1/events"),
    ("POST", "/api/v1/events"),
    ("GET", "/api/v1/events/{id}"),
    ("PATCH", "/api/v1/events/{id}"),
    ("POST", "/api/v1/events/{id}/cancel"),
    ("POST", "/api/v1/events/{id}/registrations"),
    ("GET", "/api/v1/events/{id}/registrations"),
    ("GET", "/api/v1/registrations"),
    ("GET", "/api/v1/registrations/{id}"),
    ("DELETE", "/api/v1/registrations/{id}"),
    ("GET", "/api/v1/registrations/{id}/ticket.svg"),
    ("GET", "/api/v1/registrations/{id}/ticket.png"),
    ("GET", "/api/v1/registrations/{id}/invite.ics"),
    ("POST", "/api/v1/checkins"),
    ("GET", "/api/v1/events/{id}/checkins"),
    ("POST", "/api/v1/events/{id}/certificates"),
    ("GET", "/api/v1/certificates/{serial}.pdf"),
    ("GET", "/api/v1/certificates/{serial}"),
    ("GET", "/api/v1/events/{id}/attendance.csv"),
    ("GET", "/api/v1/events/{id}/attendance.xlsx"),
    ("GET", "/api/v1/attendance.xlsx"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/calendar/public.ics"),
    ("GET", "/calendar/org/{token}.ics"),
    ("GET", "/calendar/trainer/{token}.ics"),
]

# Endpoints API.md already names for open issues, not built yet: each moves into CONTRACT when its issue
# lands (a test below fails once one of them is routed while still listed here).
PENDING = {
    ("POST", "/api/v1/registrations/{id}/excuses"): "issue 14 (sessions and leave)",
    ("GET", "/api/v1/events/{id}/signin-sheet.pdf"): "issue 14 (sessions: the sign-in sheet)",
    ("GET", "/api/v1/support-requests"): "issue 15 (technical-support services)",
    ("POST", "/api/v1/support-requests"): "issue 15 (technical-support services)",
    ("POST", "/api/v1/jobs"): "issue 16 (long work on Celery)",
    ("GET", "/api/v1/jobs/{id}"): "issue 16 (long work on Celery)",
    ("GET", "/api/v1/events/{id}/checkin-roster"): "issue 17 (offline check-in)",
    ("POST", "/api/v1/checkins/batch"): "issue 17 (offline check-in)",
}

SAMPLE = {"{id}": "7", "{unit_id}": "3", "{serial}": "TH-2021-000123", "{token}": "abcDEF123_-xyz"}


def concrete(path: str) -> str:
    for placeholder, value in SAMPLE.items():
        path = path.replace(placeholder, value)
    return path


@pytest.mark.parametrize("method, path", CONTRACT, ids=[f"{m} {p}" for m, p in CONTRACT])
def test_every_contract_endpoint_is_routed(app, method, path):
    adapter = app.url_map.bind("trainhub.test")
    try:
        endpoint, _args = adapter.match(concrete(path), method=method)
    except (NotFound, MethodNotAllowed) as error:
        pytest.fail(f"{method} {path} is not routed: {error}")
    assert endpoint != "static"


@pytest.mark.skipif(not API_MD.exists(), reason="../shared/API.md is not beside the repository")
def test_the_contract_list_covers_api_md():
    text = API_MD.read_text(encoding="utf-8")
    named = set()
    for methods, path in re.findall(
        r"((?:GET|POST|PUT|PATCH|DELETE)(?:/(?:GET|POST|PUT|PATCH|DELETE))*) (/[a-z][^\s`,)]*)", text
    ):
        path = path.split("?")[0].removesuffix("[")  # "….pdf[?session_id=]": an optional query
        if not path.startswith(("/api/v1", "/calendar")):
            continue
        for method in methods.split("/"):
            if "[/{id}]" in path:  # "POST/PATCH /campaigns[/{id}]": create on the list, change the item
                base = path.replace("[/{id}]", "")
                named.add((method, base if method == "POST" else base + "/{id}"))
            else:
                named.add((method, path))
    assert named - set(CONTRACT) - set(PENDING) == set()


@pytest.mark.parametrize("method, path", list(PENDING), ids=[f"{m} {p}" for m, p in PENDING])
def test_a_pending_endpoint_leaves_the_pending_list_once_routed(app, method, path):
    adapter = app.url_map.bind("trainhub.test")
    try:
        adapter.match(concrete(path), method=method)
    except (NotFound, MethodNotAllowed):
        return
    pytest.fail(f"{method} {path} is routed now: move it from PENDING ({PENDING[(method, path)]}) to CONTRACT")


def _sample(schema: dict) -> str:
    if "enum" in schema:
        return schema["enum"][-1]
    return "7" if schema["type"] == "integer" else "TH-2021-000123"


def test_openapi_is_a_valid_document(app, client):
    validate(client.get("/api/v1/openapi.json").get_json())  # raises, naming the invalid part


def test_openapi_describes_every_api_route(app, client):
    """Each documented operation, its path filled from its parameters' schemas, is routed to the view it
    names; every routed API endpoint and method is documented."""
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    adapter = app.url_map.bind("trainhub.test")
    documented = set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            parameters = operations.get("parameters", []) + operation.get("parameters", [])
            samples = {p["name"]: _sample(p["schema"]) for p in parameters if p["in"] == "path"}
            url = re.sub(r"\{(\w+)\}", lambda m: samples[m.group(1)], path)
            endpoint, _args = adapter.match(url, method=method.upper())
            assert operation["operationId"] == f"{endpoint}.{method}", (path, method)
            documented.add((endpoint, method.upper()))
    routed = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed == documented
    operations = [op for ops in spec["paths"].values() for method, op in ops.items() if method != "parameters"]
    operation_ids = [op["operationId"] for op in operations]
    assert len(operation_ids) == len(set(operation_ids))
    assert all(op["summary"] and op["responses"] for op in operations)
    assert spec["servers"][0]["url"] == "http://trainhub.test"
