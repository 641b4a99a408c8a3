"""Event pages through the client: catalogue, event page, organizer forms, the hub, cancel."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from tests.factories import local
from trainhub.extensions import db
from trainhub.models import Event


def future_local(days: int, hour: int = 9) -> str:
    day = (datetime.now(UTC) + timedelta(days=days)).astimezone(timezone(timedelta(hours=8))).date()
    return f"{day.isoformat()}T{hour:02d}:00"


def form(**overrides):
    data = {
        "title": "标准化云课堂：标准化法律法规",
        "kind": "training",
        "mode": "offline",
        "topic": "法规",
        "description": "课程介绍",
        "venue": "报告厅",
        "online_url": "",
        "starts_at": future_local(10, 9),
        "ends_at": future_local(10, 12),
        "registration_opens_at": "",
        "registration_closes_at": "",
        "capacity": "40",
        "pilot_reserved_seats": "5",
        "per_enterprise_quota": "",
        "checkin_opens_minutes_before": "60",
        "checkin_closes_minutes_after": "30",
        "certificate_min_minutes": "",
        "status": "published",
        "campaign_id": "0",
    }
    data.update(overrides)
    return data


def test_catalogue_is_public_and_mobile_friendly(client, make):
    make.event(title="标准化云课堂：计量基础")
    make.event(title="草稿活动", status="draft")
    page = client.get("/events")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "标准化云课堂：计量基础" in html and "草稿活动" not in html
    assert 'name="viewport"' in html and "width=device-width" in html
    assert "row-cols-1" in html  # one card per row on a phone
    assert "cdn" not in html.lower()


def test_catalogue_search_filters_and_archive(client, make):
    make.event(title="标准化云课堂：计量基础", kind="training")
    make.event(title="质量研讨", kind="seminar", topic="质量", description="")
    make.event(title="往期讲座", starts_at=local(2021, 10, 14), registration_opens_at=local(2021, 10, 1))
    html = client.get("/events?q=标准化").get_data(as_text=True)
    assert "计量基础" in html and "质量研讨" not in html
    html = client.get("/events?kind=seminar").get_data(as_text=True)
    assert "质量研讨" in html and "计量基础" not in html
    html = client.get("/events?past=1").get_data(as_text=True)
    assert "往期讲座" in html and "计量基础" not in html and "往期活动" in html
    assert client.get("/events?from=garbage").status_code == 200  # a bad filter is ignored, not a 500


def test_catalogue_paginates(client, make):
    for day in range(1, 15):
        make.event(title=f"第{day}讲", starts_at=local(2030, 1, day))
    first = client.get("/events").get_data(as_text=True)
    assert "第1讲" in first and "第13讲" not in first and "page=2" in first
    second = client.get("/events?page=2").get_data(as_text=True)
    assert "第13讲" in second


def test_event_page_shows_seats_waitlist_window_and_trainers(client, make, login):
    trainer = make.trainer(name="王教授")
    event = make.event(title="计量基础", capacity=2, trainers=[trainer], venue="一号报告厅")
    make.registration(event)
    make.registration(event)
    make.registration(event, status="waitlisted")
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "王教授" in html and "一号报告厅" in html
    assert "剩余名额 0" in html and "候补人数：1" in html and "报名中" in html
    later = make.event(registration_opens_at=datetime.now(UTC) + timedelta(days=1))
    assert "报名未开始" in client.get(f"/events/{later.id}").get_data(as_text=True)
    closed = make.event(
        registration_closes_at=datetime.now(UTC) - timedelta(minutes=1),
        registration_opens_at=datetime.now(UTC) - timedelta(days=2),
    )
    assert "报名已截止" in client.get(f"/events/{closed.id}").get_data(as_text=True)
    online = make.event(mode="online", online_url="https://live.example.cn/1", venue="")
    public = client.get(f"/events/{online.id}").get_data(as_text=True)
    assert "https://live.example.cn/1" not in public and "参会链接见电子票和确认邮件" in public  # API.md


def test_event_page_of_a_draft_is_404_to_the_public(client, make):
    draft = make.event(status="draft")
    assert client.get(f"/events/{draft.id}").status_code == 404
    assert client.get("/events/99999").status_code == 404


def test_event_page_in_english(client, make):
    event = make.event(title="计量基础")
    html = client.get(f"/events/{event.id}?lang=en").get_data(as_text=True)
    assert "Seats left" in html


def test_organizer_creates_and_edits_an_event(client, make, login):
    organizer = login(make.organizer())
    trainer = make.trainer()
    response = client.post("/manage/events/new", data={**form(), "trainer_ids": [str(trainer.id)]})
    assert response.status_code == 302
    event = db.session.scalar(sa.select(Event))
    assert event.starts_at.astimezone(timezone(timedelta(hours=8))).hour == 9
    assert [t.id for t in event.trainers] == [trainer.id] and event.created_by_id == organizer.id
    page = client.get(f"/manage/events/{event.id}/edit")
    assert page.status_code == 200 and future_local(10, 9) in page.get_data(as_text=True)
    response = client.post(
        f"/manage/events/{event.id}/edit",
        data={**form(title="改名了", capacity="60"), "trainer_ids": [str(trainer.id)]},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert event.title == "改名了" and event.capacity == 60 and event.sequence == 0


def test_form_shows_the_services_errors_by_field(client, make, login):
    login(make.organizer())
    response = client.post("/manage/events/new", data=form(ends_at=future_local(9), capacity="-4"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "结束时间必须晚于开始时间" in html and "不能为负数" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_forms_need_csrf(client, make, login):
    login(make.organizer())
    assert client.post("/manage/events/new", data=form()).status_code == 400
    page = client.get("/manage/events/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/manage/events/new", data={**form(), "csrf_token": token}).status_code == 302


def test_hub_links_and_cancel(client, make, login):
    login(make.organizer())
    event = make.event()
    reg = make.registration(event)
    html = client.get(f"/manage/events/{event.id}").get_data(as_text=True)
    assert "取消活动" in html and f"/manage/events/{event.id}/edit" in html
    # without the confirmation box nothing happens
    client.post(f"/manage/events/{event.id}/cancel")
    db.session.expire_all()
    assert event.status == "published"
    client.post(f"/manage/events/{event.id}/cancel", data={"confirm": "yes"})
    db.session.expire_all()
    assert event.status == "cancelled" and reg.status == "cancelled"
    assert "本活动已取消" in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_manage_pages_scope(client, make, login):
    host, co, other = make.unit(), make.unit(), make.unit()
    event = make.event(title="朝阳区培训", host_unit=host, co_units=[co])
    login(make.organizer(unit=co))
    assert client.get(f"/manage/events/{event.id}").status_code == 200
    assert client.get(f"/manage/events/{event.id}/edit").status_code == 403
    assert client.post(f"/manage/events/{event.id}/cancel", data={"confirm": "yes"}).status_code == 403
    assert "朝阳区培训" in client.get("/manage/events").get_data(as_text=True)
    login(make.organizer(unit=other))
    assert client.get(f"/manage/events/{event.id}").status_code == 404
    assert "朝阳区培训" not in client.get("/manage/events").get_data(as_text=True)
    login(make.member())
    assert client.get("/manage/events").status_code == 403


def test_manage_pages_need_login(client, make):
    event = make.event()
    response = client.get(f"/manage/events/{event.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
