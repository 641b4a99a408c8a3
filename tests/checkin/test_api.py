"""POST /api/v1/checkins and GET /api/v1/events/{id}/checkins: codes, statuses, scope, audit."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import pytest
import sqlalchemy as sa

from trainhub.extensions import db
from trainhub.models import CheckIn, Registration


@pytest.fixture
def clock(at):
    """Freeze the API's clock inside the check-in window."""
    with mock.patch("trainhub.api.checkins.now", return_value=at(-5)):
        yield at(-5)


def scan(api, user, token, event_id, **extra):
    return api(user).post("/api/v1/checkins", json={"token": token, "event_id": event_id, **extra})


def test_ok_then_already_with_first_time_and_who(api, event, attendee, trainer, clock):
    response = scan(api, trainer, attendee.ticket_token, event.id, device="iPhone")
    assert response.status_code == 200
    body = response.get_json()
    assert body["result"] == "ok"
    assert body["registration"]["name"] == "张大伟"
    assert body["registration"]["organization"]["name"] == "华东精密机械有限公司"
    assert body["checked_in_at"] == "2030-10-14T08:55:00+08:00"
    assert body["message"]
    again = scan(api, trainer, f"http://trainhub.test/t/{attendee.ticket_token}", event.id).get_json()
    assert again["result"] == "already_checked_in"
    assert again["first_checked_in_at"] == "2030-10-14T08:55:00+08:00"
    assert again["first_checked_in_by"]["name"] == "李讲师"


def test_the_answer_is_in_the_scanners_language_with_the_first_time_and_who(api, event, attendee, trainer, clock):
    token = attendee.ticket_token
    english = api(trainer, lang="en-US")
    assert (
        english.post("/api/v1/checkins", json={"token": token, "event_id": event.id}).get_json()["message"]
        == "Checked in"
    )
    again = english.post("/api/v1/checkins", json={"token": token, "event_id": event.id}).get_json()
    assert again["message"] == "Already checked in at 08:55 · 李讲师"
    chinese = api(trainer, lang="zh-CN").post("/api/v1/checkins", json={"token": token, "event_id": event.id})
    assert chinese.get_json()["message"] == "已于 08:55 签到 · 李讲师"
    unknown_event = english.post("/api/v1/checkins", json={"token": token, "event_id": event.id + 999}).get_json()
    assert unknown_event["result"] == "wrong_event" and unknown_event["message"] != "这张电子票不属于本场活动"


@pytest.mark.parametrize(
    "mutate, code",
    [
        (lambda t: t[:-1] + ("x" if t[-1] != "x" else "y"), "invalid_token"),
        (lambda t: "garbage", "invalid_token"),
    ],
)
def test_tampered_tokens_are_refused_with_200(api, event, attendee, trainer, clock, mutate, code):
    response = scan(api, trainer, mutate(attendee.ticket_token), event.id)
    assert response.status_code == 200
    assert response.get_json() == {
        "result": code,
        "registration": None,
        "checked_in_at": None,
        "message": response.get_json()["message"],
    }


def test_other_events_ticket_and_unknown_event(api, make, event, trainer, org, clock):
    other = make.event(starts_at=event.starts_at, trainers=[trainer])
    ticket = make.registration(other, org).ticket_token
    assert scan(api, trainer, ticket, event.id).get_json()["result"] == "wrong_event"
    assert scan(api, trainer, ticket, 999999).get_json()["result"] == "wrong_event"


def test_not_allowed_is_200_for_staff_and_403_for_an_enterprise_member(api, make, event, attendee, org, clock):
    other_trainer = make.trainer()
    response = scan(api, other_trainer, attendee.ticket_token, event.id)
    assert response.status_code == 200 and response.get_json()["result"] == "not_allowed"
    member = make.member(organization=org)
    response = scan(api, member, attendee.ticket_token, event.id)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "not_allowed"
    assert response.get_json()["error"]["message"] == "您不是本场活动的签到人员"
    assert db.session.get(Registration, attendee.id).checked_in_at is None
    assert api(None).post("/api/v1/checkins", json={"token": "x", "event_id": event.id}).status_code == 401


def test_invalid_body_is_422_with_fields(api, event, trainer):
    response = api(trainer).post("/api/v1/checkins", json={"token": "", "event_id": "7", "direction": "up"})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"token", "event_id", "direction"}
    assert api(trainer).post("/api/v1/checkins", data="[", content_type="application/json").status_code == 400


def test_the_api_takes_the_directions_the_rules_take(api, event, attendee, trainer, clock):
    # The same table as tests/checkin/test_rules.py: what rules.direction refuses is 422 on `direction`,
    # anything it takes is a scan (200 with a code).
    for case in json.loads(Path(__file__).with_name("rules_cases.json").read_text(encoding="utf-8"))["directions"]:
        response = scan(api, trainer, attendee.ticket_token, event.id, direction=case["given"])
        if case["expect"] == "invalid":
            assert response.status_code == 422, case
            assert response.get_json()["error"]["fields"] == {"direction": ["in | out"]}, case
        else:
            assert response.status_code == 200 and response.get_json()["result"] in ("ok", "already_checked_in"), case
    directions = db.session.scalars(
        sa.select(CheckIn.direction).where(CheckIn.registration_id == attendee.id).order_by(CheckIn.id)
    ).all()
    assert directions == ["in", "in", "in", "out"]


def test_check_out_direction(api, event, attendee, trainer, clock):
    scan(api, trainer, attendee.ticket_token, event.id)
    body = scan(api, trainer, attendee.ticket_token, event.id, direction="out").get_json()
    assert body["result"] == "ok" and body["registration"]["checked_out_at"] == "2030-10-14T08:55:00+08:00"


def test_audit_log_lists_every_scan_newest_first_in_scope(api, make, event, attendee, trainer, org, clock):
    scan(api, trainer, attendee.ticket_token, event.id, device="phone-A")
    scan(api, trainer, "bogus-token-1234567890", event.id, device="phone-B")
    body = api(trainer).get(f"/api/v1/events/{event.id}/checkins").get_json()
    assert body["total"] == 2
    assert [(i["result"], i["device"], i["actor"]["name"]) for i in body["items"]] == [
        ("invalid_token", "phone-B", "李讲师"),
        ("ok", "phone-A", "李讲师"),
    ]
    assert body["items"][1]["registration"]["name"] == "张大伟"
    assert api(make.organizer()).get(f"/api/v1/events/{event.id}/checkins").status_code == 200
    assert api(make.organizer(unit=make.unit())).get(f"/api/v1/events/{event.id}/checkins").status_code == 404
    assert api(make.trainer()).get(f"/api/v1/events/{event.id}/checkins").status_code == 404
    assert api(make.member(organization=org)).get(f"/api/v1/events/{event.id}/checkins").status_code == 403


def test_the_console_session_needs_the_csrf_header(app, client, login, event, attendee, trainer, clock):
    import re

    login(trainer)
    page = client.get(f"/checkin/{event.id}").get_data(as_text=True)
    csrf_token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post(
        "/api/v1/checkins",
        json={"token": attendee.ticket_token, "event_id": event.id},
        headers={"X-CSRFToken": csrf_token},
    )
    assert response.status_code == 200 and response.get_json()["result"] == "ok"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_a_session_post_without_csrf_is_refused(client, login, event, attendee, trainer):
    login(trainer)
    response = client.post("/api/v1/checkins", json={"token": attendee.ticket_token, "event_id": event.id})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf_failed"


# -- the declared scan (trainhub/checkin/schemas.py): the fast path and the hand-built answer agree with it --

SCAN_BODIES = [
    {"token": "abc", "event_id": 7},
    {"token": "  abc  ", "event_id": 7, "direction": "out", "device": " 手机 ", "method": "api"},
    {"token": "abc", "event_id": 7, "direction": None, "device": "", "method": "scan", "extra": [1]},
    {"token": "abc", "event_id": 7, "direction": ""},
    {"token": "abc", "event_id": -3},
    {"token": "abc", "event_id": 2**31},
    {"token": "abc", "event_id": "7"},
    {"token": "abc", "event_id": 7.0},
    {"token": "abc", "event_id": True},
    {"token": "   ", "event_id": 7},
    {"token": None, "event_id": 7},
    {"token": ["abc"], "event_id": 7},
    {"event_id": 7},
    {"token": "abc"},
    {"token": "abc", "event_id": 7, "direction": "up"},
    {"token": "abc", "event_id": 7, "direction": 1},
    {"token": "abc", "event_id": 7, "device": None},
    {"token": "abc", "event_id": 7, "device": 5},
    {"token": "abc", "event_id": 7, "method": "manual"},
    {"token": "abc", "event_id": 7, "method": None},
    {},
]


@pytest.mark.parametrize("body", SCAN_BODIES, ids=[str(b) for b in SCAN_BODIES])
def test_the_scans_fast_path_loads_what_the_schema_loads(app, body):
    import marshmallow as ma

    from trainhub.checkin.schemas import ScanSchema, load_scan
    from trainhub.errors import ValidationError
    from trainhub.schemas import field_errors

    with app.test_request_context():
        try:
            expected = ScanSchema().load(body)
        except ma.ValidationError as error:
            with pytest.raises(ValidationError) as refused:
                load_scan(body)
            assert refused.value.fields == field_errors(error.messages)
        else:
            assert load_scan(body) == expected


def test_scan_answers_validate_against_the_documented_schema(api, client, make, event, attendee, trainer, clock):
    """The scan's answer is built by hand (the hot path): each kind of it is what ScanResultSchema declares."""
    from jsonschema import Draft202012Validator

    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/checkins"]["post"]
    validator = Draft202012Validator(
        {**operation["responses"]["200"]["content"]["application/json"]["schema"], "components": spec["components"]}
    )
    answers = [
        scan(api, trainer, attendee.ticket_token, event.id, device="iPhone"),
        scan(api, trainer, attendee.ticket_token, event.id),
        scan(api, trainer, attendee.ticket_token, event.id, direction="out"),
        scan(api, trainer, "bogus-token-1234567890", event.id),
        scan(api, make.trainer(), attendee.ticket_token, event.id),
        scan(api, trainer, attendee.ticket_token, event.id + 999),
    ]
    assert [a.get_json()["result"] for a in answers] == [
        "ok",
        "already_checked_in",
        "ok",
        "invalid_token",
        "not_allowed",
        "wrong_event",
    ]
    for answer in answers:
        assert list(validator.iter_errors(answer.get_json())) == []
    scan_schema = spec["components"]["schemas"]["ScanResult"]
    assert set(answers[1].get_json()) <= set(scan_schema["properties"])
    assert set(answers[0].get_json()["registration"]) == set(
        spec["components"]["schemas"]["Registration"]["properties"]
    )


def test_the_audit_log_filters_by_result_and_refuses_an_unknown_one(api, event, attendee, trainer, clock):
    scan(api, trainer, attendee.ticket_token, event.id)
    scan(api, trainer, "bogus-token-1234567890", event.id)
    url = f"/api/v1/events/{event.id}/checkins"
    assert [i["result"] for i in api(trainer).get(url + "?result=invalid_token").get_json()["items"]] == [
        "invalid_token"
    ]
    refused = api(trainer).get(url + "?result=maybe")
    assert refused.status_code == 422 and list(refused.get_json()["error"]["fields"]) == ["result"]
