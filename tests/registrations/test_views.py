"""Registration pages: the enterprise's form and list, the organizer's list, and who sees what."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.registrations.conftest import attendee, attendees
from trainhub.extensions import db
from trainhub.models import Registration
from trainhub.registrations import services


def rows(*people) -> dict:
    data = {}
    for i, person in enumerate(people):
        for key, value in person.items():
            data[f"attendees-{i}-{key}"] = value
    return data


def test_register_page_shows_form_quota_and_own_registrations(client, login, make, open_event, now):
    event = open_event(per_enterprise_quota=5)
    member = make.member()
    services.register_attendees(
        event, member.organization, [attendee("王芳", phone="13500000001")], actor=None, now=now
    )
    services.register_attendees(event, make.organization(), [attendee("外企人员")], actor=None, now=now)
    login(member)
    page = client.get(f"/events/{event.id}/register")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="attendees-0-phone"' in html and "添加一行" in html and "js/registrations.js" in html
    assert "王芳" in html and "外企人员" not in html
    assert "本企业还可报名 4 人" in html


def test_register_several_rows_in_one_form(client, login, make, open_event):
    event = open_event(capacity=1)
    member = make.member()
    login(member)
    response = client.post(
        f"/events/{event.id}/register",
        data=rows(attendee("甲", phone="13500000011"), {"name": "", "phone": ""}, attendee("乙", phone="13500000012")),
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "已提交 2 人" in html
    assert "候补第 1 位" in html
    statuses = db.session.scalars(sa.select(Registration.status).order_by(Registration.id)).all()
    assert statuses == ["confirmed", "waitlisted"]


def test_register_errors_are_shown_on_their_row(client, login, make, open_event):
    event = open_event()
    login(make.member())
    response = client.post(f"/events/{event.id}/register", data=rows(attendee("甲"), attendee("乙", phone="999")))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "手机号码格式不正确" in html and 'value="999"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


def test_register_refusal_is_flashed(client, login, make, open_event, now):
    event = open_event(per_enterprise_quota=1)
    login(make.member())
    response = client.post(f"/events/{event.id}/register", data=rows(*attendees(2)))
    assert response.status_code == 409 and "还可报名 1 人" in response.get_data(as_text=True)


def test_closed_window_shows_no_form(client, login, make, open_event, now):
    event = open_event(registration_closes_at=now - timedelta(minutes=1))
    login(make.member())
    html = client.get(f"/events/{event.id}/register").get_data(as_text=True)
    assert "报名已截止" in html and 'name="attendees-0-name"' not in html


def test_english_page(client, login, make, open_event):
    event = open_event()
    login(make.member())
    html = client.get(f"/events/{event.id}/register?lang=en").get_data(as_text=True)
    assert "Add a row" in html and "Submit registration" in html


def test_my_registrations_show_status_position_reason_and_cancel(client, login, make, open_event, now):
    event = open_event(capacity=1)
    member = make.member()
    confirmed, waiting, rejected = services.register_attendees(
        event, member.organization, attendees(3), actor=None, now=now
    )
    services.reject_registration(rejected, "非本行业企业", actor=make.organizer(), now=now)
    login(member)
    html = client.get("/my/registrations").get_data(as_text=True)
    assert event.title in html and "候补第 1 位" in html and "非本行业企业" in html
    response = client.post(f"/registrations/{confirmed.id}/cancel", follow_redirects=True)
    assert response.status_code == 200 and "已取消" in response.get_data(as_text=True)
    db.session.refresh(waiting)
    assert waiting.status == "confirmed"
    only_confirmed = client.get("/my/registrations?status=confirmed").get_data(as_text=True)
    assert waiting.name in only_confirmed and confirmed.name not in only_confirmed


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_cancel_needs_csrf(client, login, make, open_event, now):
    member = make.member()
    (reg,) = services.register_attendees(open_event(), member.organization, [attendee()], actor=None, now=now)
    login(member)
    assert client.post(f"/registrations/{reg.id}/cancel").status_code == 400
    db.session.refresh(reg)
    assert reg.status == "confirmed"
    assert 'name="csrf_token"' in client.get("/my/registrations").get_data(as_text=True)


def test_organizer_list_filters_and_actions(client, login, make, open_event, now):
    unit = make.unit()
    event = open_event(capacity=2, requires_approval=True, host_unit=unit)
    acme = make.organization(name="甲方科技有限公司")
    services.register_attendees(
        event, acme, [attendee("赵一", phone="13300000001"), attendee("钱二")], actor=None, now=now
    )
    services.register_attendees(
        event, make.organization(name="乙方实业有限公司"), [attendee("孙三")], actor=None, now=now
    )
    organizer = make.organizer(unit=unit)
    login(organizer)
    url = f"/manage/events/{event.id}/registrations"
    html = client.get(url).get_data(as_text=True)
    assert all(name in html for name in ("赵一", "钱二", "孙三")) and "13300000001" in html
    assert "通过" in html
    assert "孙三" not in client.get(url + "?organization=甲方").get_data(as_text=True)
    filtered = client.get(url + "?phone=13300000001").get_data(as_text=True)
    assert "赵一" in filtered and "钱二" not in filtered
    assert "赵一" in client.get(url + "?name=赵&status=pending").get_data(as_text=True)
    assert "赵一" not in client.get(url + "?status=confirmed").get_data(as_text=True)

    first, second, third = db.session.scalars(sa.select(Registration).order_by(Registration.id)).all()
    client.post(f"/manage/registrations/{first.id}/approve")
    client.post(f"/manage/registrations/{second.id}/reject", data={"reason": "重复报名"})
    client.post(f"/manage/registrations/{third.id}/reject", data={"reason": ""})
    client.post(f"/registrations/{third.id}/cancel")
    statuses = db.session.scalars(sa.select(Registration.status).order_by(Registration.id)).all()
    assert statuses == ["confirmed", "rejected", "cancelled"]


def test_co_organizers_and_trainers_read_only(client, login, make, open_event, now):
    co_unit = make.unit()
    trainer = make.trainer()
    event = open_event(requires_approval=True, host_unit=make.unit(), co_units=[co_unit], trainers=[trainer])
    (reg,) = services.register_attendees(
        event, make.organization(), [attendee("周五", phone="13300000005")], actor=None, now=now
    )
    url = f"/manage/events/{event.id}/registrations"
    login(make.organizer(unit=co_unit))
    html = client.get(url).get_data(as_text=True)
    assert "周五" in html and f"/manage/registrations/{reg.id}/approve" not in html
    assert client.post(f"/manage/registrations/{reg.id}/approve").status_code == 403
    assert client.post(f"/registrations/{reg.id}/cancel").status_code == 403
    login(trainer)
    html = client.get(url).get_data(as_text=True)
    assert "周五" in html and "133****0005" in html and "13300000005" not in html
    assert client.post(f"/manage/registrations/{reg.id}/approve").status_code == 403
    db.session.refresh(reg)
    assert reg.status == "pending"


@pytest.fixture
def two_enterprises(make, open_event, now):
    """Enterprise A's registration and event; B is another enterprise."""
    event = open_event(requires_approval=False)
    a, b = make.member(), make.member()
    (reg,) = services.register_attendees(event, a.organization, [attendee()], actor=None, now=now)
    return {"event": event, "a": a, "b": b, "reg": reg}


@pytest.mark.parametrize(
    "method, url, expected",
    [
        ("post", "/registrations/{reg}/cancel", 404),
        ("get", "/api/v1/registrations/{reg}", 404),
        ("delete", "/api/v1/registrations/{reg}", 404),
        ("get", "/manage/events/{event}/registrations", 403),
        ("post", "/manage/registrations/{reg}/approve", 403),
        ("post", "/manage/registrations/{reg}/reject", 403),
        ("post", "/api/v1/registrations/{reg}/approve", 403),
        ("post", "/api/v1/registrations/{reg}/reject", 403),
    ],
)
def test_another_enterprise_gets_404_for_ids_and_403_for_organizer_pages(
    client, login, api, two_enterprises, method, url, expected
):
    target = url.format(reg=two_enterprises["reg"].id, event=two_enterprises["event"].id)
    if "/api/" in target:
        response = getattr(api(two_enterprises["b"]), method)(target, json={})
    else:
        login(two_enterprises["b"])
        response = getattr(client, method)(target)
    assert response.status_code == expected
    db.session.refresh(two_enterprises["reg"])
    assert two_enterprises["reg"].status == "confirmed"
    login(two_enterprises["b"])
    html = client.get("/my/registrations").get_data(as_text=True)
    assert two_enterprises["reg"].name not in html


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 302),
        ("enterprise_a", 200),
        ("enterprise_b", 403),
        ("trainer", 200),
        ("other_trainer", 404),
        ("organizer", 200),
        ("other_unit_organizer", 404),
    ],
)
def test_access_matrix_of_the_organizer_list(client, login, make, open_event, now, who, status):
    unit, trainer = make.unit(), make.trainer()
    event = open_event(host_unit=unit, trainers=[trainer])
    a = make.member()
    services.register_attendees(event, a.organization, [attendee()], actor=None, now=now)
    users = {
        "enterprise_a": a,
        "enterprise_b": make.member(),
        "trainer": trainer,
        "other_trainer": make.trainer(),
        "organizer": make.organizer(unit=unit),
        "other_unit_organizer": make.organizer(unit=make.unit()),
    }
    if who != "anonymous":
        login(users[who])
    url = f"/manage/events/{event.id}/registrations"
    expected = 403 if who == "enterprise_a" else status
    assert client.get(url).status_code == expected
    register = client.get(f"/events/{event.id}/register").status_code
    assert register == (200 if who.startswith("enterprise") else 302 if who == "anonymous" else 403)


def test_register_page_of_a_draft_is_404(client, login, make, open_event):
    login(make.member())
    assert client.get(f"/events/{open_event(status='draft').id}/register").status_code == 404


def test_cli_register(runner, make, open_event):
    event = open_event(capacity=1)
    org = make.organization()
    result = runner.invoke(
        args=["register", str(event.id), "--organization-id", str(org.id), "--name", "吴六", "--phone", "13300000006"]
    )
    assert result.exit_code == 0, result.output
    assert "confirmed" in result.output
    again = runner.invoke(
        args=["register", str(event.id), "--organization-id", str(org.id), "--name", "吴六", "--phone", "13300000006"]
    )
    assert again.exit_code != 0 and "duplicate_phone" in again.output
    bad = runner.invoke(
        args=["register", str(event.id), "--organization-id", str(org.id), "--name", "吴六", "--phone", "1"]
    )
    assert bad.exit_code != 0 and "attendees.0.phone" in bad.output


def test_ticket_link_for_confirmed_attendees(client, login, make, open_event, now):
    member = make.member()
    confirmed, waiting = services.register_attendees(
        open_event(capacity=1), member.organization, attendees(2), actor=None, now=now
    )
    login(member)
    html = client.get("/my/registrations").get_data(as_text=True)
    assert f"/t/{confirmed.ticket_token}" in html and html.count('href="/t/') == 1


def test_organizer_page_query_count_does_not_grow(client, login, make, open_event, now):
    event = open_event(capacity=2)
    event_id = event.id
    login(make.organizer())

    def statements_for_page() -> int:
        db.session.remove()
        seen = []
        listener = lambda *args: seen.append(args[2])
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/manage/events/{event_id}/registrations").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    for _ in range(3):
        services.register_attendees(
            db.session.get(type(event), event_id), make.organization(), attendees(1), actor=None, now=now
        )
    statements_for_page()
    few = statements_for_page()
    for _ in range(6):
        services.register_attendees(
            db.session.get(type(event), event_id), make.organization(), attendees(1), actor=None, now=now
        )
    assert statements_for_page() == few
