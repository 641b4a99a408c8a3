"""No request answers a 500 for client input: every writing API endpoint gets malformed and
mistyped bodies from each role, on the demo data."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from trainhub.extensions import db
from trainhub.models import Campaign, Event, Registration, Unit, User

BODIES = [
    ("data", "{not json"),
    ("json", []),
    ("json", "text"),
    (
        "json",
        {
            "title": 5,
            "starts_at": "yesterday",
            "capacity": "many",
            "attendees": [{"phone": 13800000000}],
            "token": ["x"],
            "event_id": "7",
            "summary": {"a": 1},
            "organization_ids": "1,2",
            "email": 3,
            "uscc": None,
            "kind": [],
            "status": 7,
            "trainer_ids": ["a"],
            "unit_id": "x",
            "reason": None,
        },
    ),
    (
        "json",
        {
            "attendees": "x",
            "token": "",
            "event_id": None,
            "name": "",
            "is_pilot_unit": "yes",
            "reporting_unit_ids": [None],
            "starts_on": "2021-13-40",
            "report_due_at": 5,
        },
    ),
]


def sample_ids():
    return {
        "event_id": db.session.scalar(sa.select(Event.id).order_by(Event.id.desc())),
        "campaign_id": db.session.scalar(sa.select(Campaign.id)),
        "registration_id": db.session.scalar(sa.select(Registration.id)),
        "unit_id": db.session.scalar(sa.select(Unit.id).where(Unit.kind == "district_bureau")),
    }


def concrete(rule: str, ids: dict) -> str:
    def value(match):
        name = match.group(2)
        if name == "serial":
            return "TH-2021-000001"
        if name == "token":
            return "no-such-token"
        return str(ids.get(name) or ids["event_id"] if name in ("id",) else ids.get(name, ids["event_id"]))

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, rule)


@pytest.mark.parametrize(
    "email",
    ["admin@trainhub.local", "chaoyang@trainhub.local", "trainer1@trainhub.local", "hr@huabei-jixie.example.cn"],
)
def test_malformed_bodies_never_answer_500(app, api, runner, email, dialect):
    if dialect != "sqlite":
        pytest.skip("runs once, on SQLite")
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    caller = api(db.session.scalar(sa.select(User).where(User.email == email)))
    ids = sample_ids()
    failures, seen = [], []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            url = concrete(rule.rule, ids)
            for kind, body in BODIES:
                kwargs = {"data": body, "content_type": "application/json"} if kind == "data" else {"json": body}
                response = getattr(caller, method.lower())(url, **kwargs)
                seen.append(response.status_code)
                if response.status_code >= 500:
                    failures.append((method, url, kind, str(body)[:40], response.status_code))
                elif response.status_code >= 400:
                    assert "error" in response.get_json(), (method, url)
    assert failures == []
    assert 422 in seen and 400 in seen  # the bodies reached validation, not only the door
