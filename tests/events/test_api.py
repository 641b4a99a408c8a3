"""/api/v1/events through the client: the contract of API.md, filters, search, scope, query counts."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from tests.factories import local
from trainhub.extensions import db
from trainhub.models import OutboxMessage

EVENT_FIELDS = {
    "id",
    "title",
    "kind",
    "mode",
    "topic",
    "description",
    "venue",
    "online_url",
    "starts_at",
    "ends_at",
    "capacity",
    "seats_left",
    "waitlist_length",
    "registration_opens_at",
    "registration_closes_at",
    "per_enterprise_quota",
    "pilot_reserved_seats",
    "requires_approval",
    "status",
    "trainers",
    "checkin_opens_minutes_before",
    "checkin_closes_minutes_after",
    "certificate_min_minutes",
    "campaign_id",
    "host_unit",
    "co_units",
    "has_online_url",
}


def future(days=7, hour=9):
    day = (datetime.now(UTC) + timedelta(days=days)).astimezone(timezone(timedelta(hours=8)))
    return local(day.year, day.month, day.day, hour)


def body(**overrides):
    start = future(10)
    data = {
        "title": "标准化云课堂：企业标准自我声明",
        "kind": "training",
        "mode": "hybrid",
        "topic": "企业标准",
        "venue": "市标准化研究院",
        "online_url": "https://live.example.cn/room/1",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "capacity": 30,
        "pilot_reserved_seats": 5,
        "status": "published",
    }
    data.update(overrides)
    return data


@contextlib.contextmanager
def count_queries():
    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if not statement.strip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def test_create_answers_201_with_every_field(api, make):
    trainer = make.trainer(name="王教授")
    co = make.unit(name="朝阳区市场监督管理局")
    response = api(make.organizer()).post("/api/v1/events", json=body(trainer_ids=[trainer.id], co_unit_ids=[co.id]))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert set(data) == EVENT_FIELDS
    assert data["trainers"] == [{"id": trainer.id, "name": "王教授"}]
    assert data["co_units"] == [{"id": co.id, "name": "朝阳区市场监督管理局"}]
    assert data["host_unit"]["name"] == "市市场监督管理委员会"
    assert data["starts_at"].endswith("T09:00:00+08:00")
    assert data["seats_left"] == 30 and data["waitlist_length"] == 0
    assert data["checkin_opens_minutes_before"] == 60 and data["checkin_closes_minutes_after"] == 30


def test_invalid_fields_answer_422_by_field(api, make):
    response = api(make.organizer(), lang="en").post(
        "/api/v1/events", json=body(capacity=-1, pilot_reserved_seats=3, ends_at=body()["starts_at"])
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) >= {"capacity", "ends_at"}


@pytest.mark.parametrize("payload", ["[1, 2]", "not json"])
def test_malformed_body_is_400(api, make, payload):
    response = api(make.organizer()).post("/api/v1/events", data=payload, content_type="application/json")
    assert response.status_code == 400


def test_roles_and_scope(api, make):
    host, co, other = make.unit(), make.unit(), make.unit()
    event = make.event(host_unit=host, co_units=[co])
    draft = make.event(host_unit=host, status="draft")
    assert api(None).post("/api/v1/events", json=body()).status_code == 401
    assert api(make.member()).post("/api/v1/events", json=body()).status_code == 403
    assert api(make.trainer()).post("/api/v1/events", json=body()).status_code == 403
    url = f"/api/v1/events/{event.id}"
    assert api(make.organizer(unit=host)).patch(url, json={"title": "新"}).status_code == 200
    response = api(make.organizer(unit=co)).patch(url, json={"title": "协办改"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert api(make.organizer(unit=other)).patch(url, json={"title": "别人改"}).status_code == 404
    assert api(make.organizer(unit=co)).post(url + "/cancel").status_code == 403
    assert api(make.organizer(unit=other)).post(url + "/cancel").status_code == 404
    # drafts: visible in scope only
    assert api(None).get(f"/api/v1/events/{draft.id}").status_code == 404
    assert api(make.organizer(unit=other)).get(f"/api/v1/events/{draft.id}").status_code == 404
    assert api(make.organizer(unit=host)).get(f"/api/v1/events/{draft.id}").status_code == 200
    assert api(None).get(url).get_json()["title"] == "新"
    # creating for another unit
    assert api(make.organizer(unit=host)).post("/api/v1/events", json=body(host_unit_id=other.id)).status_code == 403
    created = api(make.organizer(unit=host)).post("/api/v1/events", json=body())
    assert created.get_json()["host_unit"]["id"] == host.id


def test_patch_time_raises_sequence_and_queues_messages(api, make):
    organizer = make.organizer()
    event = make.event()
    reg = make.registration(event)
    response = api(organizer).patch(f"/api/v1/events/{event.id}", json={"venue": "新会场"})
    assert response.status_code == 200 and response.get_json()["venue"] == "新会场"
    db.session.expire_all()
    assert event.sequence == 1
    assert db.session.scalar(sa.select(OutboxMessage.recipient)) == reg.email


def test_patch_start_into_past_is_422_while_registered(api, make):
    event = make.event()
    make.registration(event)
    past = datetime.now(UTC) - timedelta(days=2)
    response = api(make.organizer()).patch(
        f"/api/v1/events/{event.id}",
        json={
            "starts_at": past.isoformat(),
            "ends_at": (past + timedelta(hours=2)).isoformat(),
            "registration_opens_at": None,
            "registration_closes_at": None,
        },
    )
    assert response.status_code == 422
    assert "starts_at" in response.get_json()["error"]["fields"]
    db.session.expire_all()
    assert event.starts_at > datetime.now(UTC)


def test_status_cancelled_only_through_cancel(api, make):
    organizer = make.organizer()
    event = make.event()
    make.registration(event)
    response = api(organizer).patch(f"/api/v1/events/{event.id}", json={"status": "cancelled"})
    assert response.status_code == 422 and "status" in response.get_json()["error"]["fields"]
    response = api(organizer).post(f"/api/v1/events/{event.id}/cancel")
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled" and response.get_json()["seats_left"] == 30 + 20
    assert api(organizer).post(f"/api/v1/events/{event.id}/cancel").status_code == 409
    # a cancelled event stays readable but leaves the upcoming list
    assert api(None).get(f"/api/v1/events/{event.id}").status_code == 200
    assert api(None).get("/api/v1/events").get_json()["total"] == 0


def test_seats_left_and_waitlist_length(api, make):
    event = make.event(capacity=2)
    make.registration(event)
    make.registration(event)
    make.registration(event, status="waitlisted")
    make.registration(event, status="cancelled")
    data = api(None).get(f"/api/v1/events/{event.id}").get_json()
    assert data["seats_left"] == 0 and data["waitlist_length"] == 1


def test_public_list_is_upcoming_published_and_past_is_archived(client, make):
    upcoming = make.event(title="即将开始")
    make.event(title="草稿", status="draft")
    make.event(title="已取消", status="cancelled")
    old = make.event(title="往期", starts_at=local(2021, 10, 14), registration_opens_at=local(2021, 10, 1))
    data = client.get("/api/v1/events").get_json()
    assert [e["title"] for e in data["items"]] == ["即将开始"] and data["total"] == 1
    archive = client.get("/api/v1/events?past=1").get_json()
    assert [e["id"] for e in archive["items"]] == [old.id]
    assert upcoming.id not in [e["id"] for e in archive["items"]]


def test_chinese_search(client, make):
    make.event(title="标准化云课堂：计量基础", topic="计量", description="")
    make.event(title="质量管理体系", topic="质量", description="介绍标准的作用")
    make.event(title="安全生产", topic="团体标准", description="")
    make.event(title="消防演练", topic="安全", description="无关")
    titles = lambda q: sorted(e["title"] for e in client.get(f"/api/v1/events?q={q}").get_json()["items"])
    assert titles("标准化") == ["标准化云课堂：计量基础"]
    assert titles("标准") == ["安全生产", "标准化云课堂：计量基础", "质量管理体系"]
    assert titles("100%") == []  # LIKE wildcards are taken literally


def test_filters(client, make):
    campaign = make.campaign()
    a = make.event(kind="seminar", mode="online", topic="计量", campaign_id=campaign.id, starts_at=future(3))
    b = make.event(kind="training", mode="offline", topic="标准", starts_at=future(20))
    c = make.event(
        kind="meeting",
        mode="hybrid",
        topic="标准",
        starts_at=future(40),
        registration_opens_at=future(30),
        registration_closes_at=future(39),
    )
    ids = lambda query: [e["id"] for e in client.get("/api/v1/events?" + query).get_json()["items"]]
    assert ids("kind=seminar") == [a.id]
    assert ids("mode=offline") == [b.id]
    assert ids("topic=标准") == [b.id, c.id]
    assert ids(f"campaign_id={campaign.id}") == [a.id]
    assert ids("open=1") == [a.id, b.id]
    assert ids("from=" + future(10).date().isoformat()) == [b.id, c.id]
    assert ids("to=" + future(20).date().isoformat()) == [a.id, b.id]
    assert ids("from=" + future(10).date().isoformat() + "&to=" + future(20).isoformat()) == [b.id]


@pytest.mark.parametrize(
    "query, field",
    [
        ("from=2021-13-45", "from"),
        ("to=yesterday", "to"),
        ("kind=party", "kind"),
        ("mode=tv", "mode"),
        ("open=perhaps", "open"),
        ("campaign_id=x", "campaign_id"),
        ("page=0", "page"),
        ("per_page=abc", "per_page"),
    ],
)
def test_bad_filters_are_422(client, query, field):
    response = client.get("/api/v1/events?" + query)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_pagination(client, make):
    for day in range(1, 8):
        make.event(starts_at=future(day))
    first = client.get("/api/v1/events?per_page=3").get_json()
    assert (first["page"], first["pages"], first["total"], len(first["items"])) == (1, 3, 7, 3)
    last = client.get("/api/v1/events?per_page=3&page=3").get_json()
    assert len(last["items"]) == 1
    assert client.get("/api/v1/events?per_page=1000").get_json()["total"] == 7


def test_organizers_list_drafts_of_their_scope(api, make):
    host, other = make.unit(), make.unit()
    mine = make.event(host_unit=host, status="draft")
    make.event(host_unit=other, status="draft")
    data = api(make.organizer(unit=host)).get("/api/v1/events?status=draft").get_json()
    assert [e["id"] for e in data["items"]] == [mine.id]
    assert api(make.organizer()).get("/api/v1/events?status=all").get_json()["total"] == 2
    assert api(None).get("/api/v1/events?status=draft").status_code == 403
    assert api(make.member()).get("/api/v1/events?status=all").status_code == 403


def _fill(make, n):
    trainer = make.trainer()
    co = make.unit()
    for i in range(n):
        event = make.event(starts_at=future(1 + i % 20), trainers=[trainer], co_units=[co])
        make.registration(event)


@pytest.mark.parametrize("url", ["/api/v1/events?per_page=50", "/events"])
def test_catalogue_queries_do_not_grow_with_events(client, make, url):
    _fill(make, 3)
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _fill(make, 27)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many), (few, many)
    assert len(many) <= 8
