"""Input that no client should send still gets a 4xx, on SQLite and PostgreSQL alike (API.md):
ids past the id columns' range, page numbers past `bigint`, NUL and lone surrogates, dates outside
1900–2100, JSON nested too deep, bodies that are not JSON whatever their transfer encoding, bodies
over the upload limit. Parametrised over the URL map, so a new route is covered when it is added."""

from __future__ import annotations

import io
import json
import re
import tempfile

import pytest
import sqlalchemy as sa

from trainhub import create_app
from trainhub.extensions import db
from trainhub.inputs import ID_MAX
from trainhub.models import Event, Registration

PAST_ID = ID_MAX + 1  # 2147483648: one past an `integer` column
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def _url_map_rules():
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "DATABASE_URL": f"sqlite:///{folder}/map.sqlite3",
                "BASE_URL": "http://trainhub.test",
                "REDIS_URL": None,
            }
        )
        rules = [
            (rule.rule, sorted(rule.methods - {"HEAD", "OPTIONS"}), rule.endpoint)
            for rule in app.url_map.iter_rules()
            if rule.endpoint != "static"
        ]
        with app.app_context():
            db.engine.dispose()
    return rules


RULES = _url_map_rules()
INT_ARG = re.compile(r"<int:(\w+)>")
ARG = re.compile(r"<(?:([^:>]+):)?(\w+)>")
ROUTES_WITH_IDS = [(rule, method) for rule, methods, _ in RULES if INT_ARG.search(rule) for method in methods]
API_GET_LISTS = [
    rule
    for rule, methods, _ in RULES
    if rule.startswith("/api/v1/")
    and "GET" in methods
    and not ARG.search(rule)
    and not rule.endswith((".json", ".xlsx", ".csv", ".zip"))
]
API_WRITES = [
    (rule, method)
    for rule, methods, _ in RULES
    if rule.startswith("/api/v1/")
    for method in methods
    if method in WRITES
]


def concrete(rule: str, values: dict, *, past_range: bool = False) -> str:
    def value(match):
        converter, name = match.groups()
        if converter == "int":
            return str(PAST_ID if past_range else values.get(name, values["event_id"]))
        if converter and converter.startswith("any("):
            return converter[4:].split(",")[0].strip()
        return str(values.get(name, "x"))

    return ARG.sub(value, rule)


@pytest.fixture
def world(make):
    organizer = make.organizer()
    org = make.organization()
    member = make.member(organization=org)
    event = make.event(status="published")
    registration = make.registration(event, org)
    return dict(
        organizer=organizer,
        member=member,
        event=event,
        registration=registration,
        values=dict(event_id=event.id, registration_id=registration.id, token=registration.ticket_token),
    )


# The route-wide checks loop inside one test per database (one app each) and name every route that fails:
# a test per route made ~500 apps and most of the suite's time.
def test_an_id_past_the_column_range_is_unknown(app, api, login, client, world):
    """Every `<int:…>` in every URL (API and pages): 2147483648 is a 404, as any unknown id."""
    caller = api(world["organizer"])
    login(world["organizer"])
    failures = []
    for rule, method in ROUTES_WITH_IDS:
        url = concrete(rule, world["values"], past_range=True)
        if rule.startswith("/api/"):
            response = getattr(caller, method.lower())(url, json={})
            ok = response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
        else:
            response = client.open(url, method=method, data={})
            ok = response.status_code == 404
        if not ok:
            failures.append((method, rule, response.status_code, response.get_data(as_text=True)[:200]))
    assert failures == []


BAD_QUERIES = [
    ("page=9223372036854775808", "page"),
    ("page=2147483648", "page"),
    ("per_page=99999999999999999999", "per_page"),
    ("q=%00", "q"),
    ("status=a%00b", "status"),
    ("event_id=2147483648", "event_id"),
    ("campaign_id=99999999999", "campaign_id"),
    ("organization_id=2147483648", "organization_id"),
]


def test_query_arguments_no_column_takes_are_422_with_the_field(app, api, world):
    caller = api(world["organizer"])
    failures = []
    for rule in API_GET_LISTS:
        for query, field in BAD_QUERIES:
            response = caller.get(f"{rule}?{query}")
            if response.status_code != 422 or field not in response.get_json()["error"].get("fields", {}):
                failures.append((rule, query, response.status_code, response.get_data(as_text=True)[:200]))
    assert failures == []


@pytest.mark.parametrize(
    "query",
    ["q=%00", "q=%ED%A0%80", "page=9223372036854775808", "campaign_id=2147483648", "from=0001-01-01", "to=9999-12-31"],
)
def test_the_public_catalogue_page_answers_bad_queries_with_a_message(app, client, world, query):
    response = client.get(f"/events?{query}")
    assert response.status_code in (200, 422), response.status_code
    if response.status_code == 422:
        assert (
            "请检查" in response.get_data(as_text=True)
            or "超出" in response.get_data(as_text=True)
            or "不允许" in response.get_data(as_text=True)
            or "日期" in response.get_data(as_text=True)
        )


@pytest.mark.parametrize("text", ["a\x00b", "\ud800", "x\udfffy", "\x1b[31m"])
@pytest.mark.parametrize("lang, word", [("zh-CN", "不允许的字符"), ("en", "not allowed")])
def test_nul_and_lone_surrogates_in_a_body_are_422_with_the_field(app, api, world, text, lang, word):
    response = api(world["organizer"], lang=lang).patch(
        f"/api/v1/events/{world['event'].id}",
        data=json.dumps({"title": text, "venue": "会议室"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert list(error["fields"]) == ["title"]
    assert word in error["fields"]["title"][0]
    db.session.expire_all()
    assert db.session.get(Event, world["event"].id).title != text


def test_a_bad_attendee_field_is_named_by_its_path(app, api, world):
    response = api(world["member"]).post(
        f"/api/v1/events/{world['event'].id}/registrations",
        json={"attendees": [{"name": "张伟", "phone": "13800000001"}, {"name": "李\x00娜", "phone": "13800000002"}]},
    )
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["attendees.1.name"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"host_unit_id": PAST_ID},
        {"campaign_id": 99999999999},
        {"capacity": 10**30},
        {"trainer_ids": [PAST_ID]},
        {"trainer_ids": ["99999999999"]},
        {"campaign_id": "2147483648"},
        {"capacity": 1e300},
    ],
)
def test_numbers_past_any_column_in_a_body_are_422_with_the_field(app, api, world, body):
    response = api(world["organizer"]).patch(f"/api/v1/events/{world['event'].id}", json=body)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    (name,) = body
    assert [field.split(".")[0] for field in response.get_json()["error"]["fields"]] == [name]


@pytest.mark.parametrize("depth", [65, 200, 1000, 100_000])
def test_json_nested_too_deep_is_malformed(app, api, world, depth):
    body = '{"title": ' + "[" * depth + "]" * depth + "}"
    response = api(world["organizer"]).patch(
        f"/api/v1/events/{world['event'].id}", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_json"


def test_json_nested_64_deep_is_read(app, api, world):
    body = '{"title": "新标题", "x": ' + "[" * 63 + "]" * 63 + "}"
    response = api(world["organizer"]).patch(
        f"/api/v1/events/{world['event'].id}", data=body, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.get_json()["title"] == "新标题"


def _chunked(caller, method, url, payload: bytes, content_type="application/json", *, terminated=True):
    """As gunicorn hands a chunked body to the app: no Content-Length, the input marked terminated."""
    return caller._call(
        method,
        url,
        input_stream=io.BytesIO(payload),
        headers={"Transfer-Encoding": "chunked", "Content-Type": content_type},
        environ_overrides={"wsgi.input_terminated": terminated},
    )


def test_a_body_that_is_not_json_is_400_on_every_writing_endpoint(app, api, world):
    """Chunked or not, whether or not the endpoint has anything to read: nothing is done."""
    caller = api(world["organizer"])
    before = db.session.scalar(sa.select(Event.status).where(Event.id == world["event"].id))
    failures = []
    for rule, method in API_WRITES:
        url = concrete(rule, world["values"])
        for response in (
            _chunked(caller, method.lower(), url, b"not json"),
            caller._call(method.lower(), url, data=b"{not json", content_type="application/json"),
            caller._call(method.lower(), url, data=b"title=x", content_type="text/plain"),
        ):
            body = response.get_json(silent=True) or {}
            if response.status_code != 400 or body.get("error", {}).get("code") != "malformed_json":
                failures.append((method, rule, response.status_code, response.get_data(as_text=True)[:200]))
    assert failures == []
    db.session.expire_all()
    assert db.session.scalar(sa.select(Event.status).where(Event.id == world["event"].id)) == before


def test_a_chunked_body_the_server_did_not_terminate_is_refused(app, api, world):
    response = _chunked(
        api(world["organizer"]),
        "patch",
        f"/api/v1/events/{world['event'].id}",
        json.dumps({"title": "分块传输的标题"}).encode(),
        terminated=False,
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_json"


def test_a_chunked_json_body_is_read(app, api, world):
    response = _chunked(
        api(world["organizer"]),
        "patch",
        f"/api/v1/events/{world['event'].id}",
        json.dumps({"title": "分块传输的标题"}).encode(),
    )
    assert response.status_code == 200
    assert response.get_json()["title"] == "分块传输的标题"


@pytest.mark.parametrize("app", [{"MAX_UPLOAD_MB": 1}], indirect=True)
@pytest.mark.parametrize("chunked", [True, False])
def test_a_body_over_the_upload_limit_is_413(app, api, world, chunked):
    payload = json.dumps({"title": "x", "description": "长" * 600_000}).encode()  # 1.8 MB
    caller = api(world["organizer"])
    url = f"/api/v1/events/{world['event'].id}"
    if chunked:
        response = _chunked(caller, "patch", url, payload)
    else:
        response = caller.patch(url, data=payload, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "file_too_large"


@pytest.mark.parametrize(
    "value", ["0001-01-01T09:00", "1899-12-31T23:00", "2101-01-01T00:00", "9999-12-31T23:59", "0001-01-01T00:00+14:00"]
)
def test_instants_outside_1900_to_2100_are_422(app, api, world, value):
    response = api(world["organizer"]).patch(f"/api/v1/events/{world['event'].id}", json={"starts_at": value})
    assert response.status_code == 422
    assert "starts_at" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("query", ["from=0001-01-01", "to=9999-12-31", "from=1899-12-31"])
def test_dates_outside_1900_to_2100_in_queries_are_422(app, api, world, query):
    response = api(world["organizer"]).get(f"/api/v1/events?{query}")
    assert response.status_code == 422
    assert query.split("=")[0] in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_campaign_dates_outside_1900_to_2100_are_422(app, api, make, value):
    response = api(make.organizer()).post(
        "/api/v1/campaigns", json={"title": "专题", "starts_on": value, "ends_on": "2030-01-01"}
    )
    assert response.status_code == 422
    assert "starts_on" in response.get_json()["error"]["fields"]


def test_a_string_path_argument_with_nul_is_unknown(app, api, world):
    assert api(None).get("/api/v1/certificates/TH%00").status_code == 404
    assert api(None).get("/t/abc%00def").status_code == 404


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", "第一讲\r\nBcc: x@example.cn"),
        ("venue", "报告厅\n二楼"),
        ("online_url", "https://meet.example.cn/a\nb"),
        ("topic", "法规\t标准"),
        ("title", "标题\u2028第二行"),
    ],
)
@pytest.mark.parametrize("lang, word", [("zh-CN", "换行"), ("en", "line break")])
def test_line_breaks_in_single_line_fields_are_422_with_the_field(app, api, world, field, value, lang, word):
    response = api(world["organizer"], lang=lang).patch(f"/api/v1/events/{world['event'].id}", json={field: value})
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [field]
    assert word in response.get_json()["error"]["fields"][field][0]


def test_line_breaks_in_attendee_names_are_refused(app, api, world):
    response = api(world["member"]).post(
        f"/api/v1/events/{world['event'].id}/registrations",
        json={"attendees": [{"name": "张\n伟", "phone": "13800000009"}]},
    )
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["attendees.0.name"]


def test_multi_line_fields_keep_their_lines(app, api, world):
    response = api(world["organizer"]).patch(
        f"/api/v1/events/{world['event'].id}", json={"description": "第一段\r\n\r\n第二段\t缩进"}
    )
    assert response.status_code == 200
    assert response.get_json()["description"] == "第一段\r\n\r\n第二段\t缩进"


def test_the_event_form_refuses_a_title_with_a_line_break(app, client, login, world):
    login(world["organizer"])
    response = client.post(
        f"/manage/events/{world['event'].id}/edit",
        data={"title": "第一讲\r\nBcc: x@example.cn", "venue": "报告厅"},
        follow_redirects=True,
    )
    assert "不能包含换行" in response.get_data(as_text=True)
    db.session.expire_all()
    assert "\n" not in db.session.get(Event, world["event"].id).title


@pytest.mark.parametrize("body", [{"registration_id": PAST_ID}, {"registration_id": "99999999999"}])
def test_a_page_json_call_takes_the_same_rules(app, client, login, world, body):
    """The check-in console's manual check-in posts JSON to a page URL: ids past the range are 422 too."""
    login(world["organizer"])
    response = client.post(f"/checkin/{world['event'].id}/manual", json=body, headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert "registration_id" in response.get_json()["error"]["fields"]


def test_a_multipart_part_without_a_name_is_422_not_a_500(app, api, make):
    """Found by the fuzzer once uploads were declared: a part whose Content-Disposition names no field."""
    campaign = make.campaign(status="published")
    body = b'--b\r\nContent-Disposition: form-data\r\n\r\n15\r\n--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--b--\r\n'
    response = api(make.organizer()).post(
        f"/api/v1/campaigns/{campaign.id}/news", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["_form"]
