"""Console, counters, manual fallback, attendance page with undo, access matrix, CLI."""

from __future__ import annotations

from unittest import mock

import pytest
import sqlalchemy as sa

from trainhub.checkin import scan as checkin_scan
from trainhub.extensions import db
from trainhub.models import CheckIn, Registration


@pytest.fixture
def people(make, trainer, org):
    other_unit = make.unit()
    return {
        "anonymous": None,
        "member": make.member(organization=org),
        "trainer": trainer,
        "other_trainer": make.trainer(),
        "organizer": make.organizer(),
        "other_unit_organizer": make.organizer(unit=other_unit),
    }


EXPECTED = {  # console and its JSON endpoints
    "anonymous": 302,
    "member": 403,
    "trainer": 200,
    "other_trainer": 404,
    "organizer": 200,
    "other_unit_organizer": 404,
}


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("path", ["/checkin/{id}", "/checkin/{id}/stats", "/checkin/{id}/search?q=张"])
def test_console_access_matrix(client, login, people, event, who, path):
    if people[who] is not None:
        login(people[who])
    assert client.get(path.format(id=event.id)).status_code == EXPECTED[who]


def test_console_page_is_mobile_ready_and_serves_jsqr_locally(client, login, event, trainer):
    login(trainer)
    html = client.get(f"/checkin/{event.id}").get_data(as_text=True)
    assert 'name="viewport"' in html and "vendor/jsqr/jsQR.js" in html and "js/checkin.js" in html
    assert 'name="csrf-token"' in html and "http" not in html.split("vendor/jsqr")[0].rsplit("src=", 1)[-1]


def test_stats_search_and_one_tap_manual_check_in(client, login, make, event, attendee, trainer, org, at):
    make.registration(event, org, name="王芳")
    login(trainer)
    assert client.get(f"/checkin/{event.id}/stats").get_json() == {
        "confirmed": 2,
        "checked_in": 0,
        "expected": 2,
        "rate": 0.0,
    }
    items = client.get(f"/checkin/{event.id}/search?q=5678").get_json()["items"]
    assert items == [
        {
            "id": attendee.id,
            "name": "张大伟",
            "phone_last4": "5678",
            "organization": "华东精密机械有限公司",
            "checked_in_at": None,
        }
    ]
    with mock.patch("trainhub.checkin.views.now", return_value=at()):
        body = client.post(f"/checkin/{event.id}/manual", json={"registration_id": attendee.id}).get_json()
    assert body["result"] == "ok"
    assert db.session.scalar(sa.select(CheckIn.method).where(CheckIn.registration_id == attendee.id)) == "manual"
    assert client.get(f"/checkin/{event.id}/stats").get_json()["checked_in"] == 1
    assert client.post(f"/checkin/{event.id}/manual", json={"registration_id": "x"}).status_code == 400
    assert client.post(f"/checkin/{event.id}/manual", json={"registration_id": 99999}).status_code == 404


def test_attendance_page_live_figures_and_undo(client, login, make, event, attendee, trainer, org, at):
    make.registration(event, make.organization(name="第二企业"))
    first = checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, device="phone-9", now=at())
    organizer = make.organizer()
    login(organizer)
    html = client.get(f"/manage/events/{event.id}/attendance").get_data(as_text=True)
    assert "华东精密机械有限公司" in html and "第二企业" in html and "50.0%" in html
    assert "张大伟" in html and "phone-9" in html and "撤销" in html
    partial = client.get(f"/manage/events/{event.id}/attendance?partial=1")
    assert partial.status_code == 200, partial.get_data(as_text=True)[-1500:]
    partial = partial.get_data(as_text=True)
    assert "<html" not in partial and "50.0%" in partial
    response = client.post(f"/manage/events/{event.id}/checkins/{first.checkin.id}/undo")
    assert response.status_code == 303
    assert db.session.get(Registration, attendee.id).checked_in_at is None
    assert db.session.get(CheckIn, first.checkin.id).undone_at is not None


def test_attendance_scope(client, login, make, event, trainer, org):
    co_unit = make.unit()
    event.co_units.append(co_unit)
    db.session.commit()
    co_organizer = make.organizer(unit=co_unit)
    login(co_organizer)
    page = client.get(f"/manage/events/{event.id}/attendance")
    assert page.status_code == 200 and "撤销" not in page.get_data(as_text=True)
    assert client.post(f"/manage/events/{event.id}/checkins/1/undo").status_code == 403
    login(make.organizer(unit=make.unit()))
    assert client.get(f"/manage/events/{event.id}/attendance").status_code == 404
    login(make.member(organization=org))
    assert client.get(f"/manage/events/{event.id}/attendance").status_code == 403


def test_attendance_page_statement_count_does_not_grow_with_scans(client, login, make, event, trainer, org, at):
    organizer = make.organizer()
    login(organizer)

    def statements() -> int:
        seen = []
        listener = lambda *args: seen.append(1)
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/manage/events/{event.id}/attendance").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    checkin_scan.check_in(make.registration(event, org).ticket_token, event, actor=trainer, now=at())
    few = statements()
    for _ in range(5):
        checkin_scan.check_in(
            make.registration(event, make.organization()).ticket_token, event, actor=trainer, now=at()
        )
    assert statements() == few


def test_cli_checks_in_with_the_same_service(runner, make, event, attendee, trainer, at):
    # A random token may begin with "-" (one in 64): a ticket URL never does; after "--" a bare token is safe.
    attendee.ticket_token = "-" + attendee.ticket_token[1:]
    db.session.commit()
    with mock.patch("trainhub.checkin.cli.now", return_value=at()):
        ticket_url = f"http://trainhub.test/t/{attendee.ticket_token}"
        result = runner.invoke(args=["checkin", str(event.id), ticket_url, "--as", trainer.email])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("ok\t张大伟")
        again = runner.invoke(args=["checkin", "--", str(event.id), attendee.ticket_token])
        assert again.exit_code == 0 and again.output.startswith("already_checked_in")
        bad = runner.invoke(args=["checkin", str(event.id), "nope-nope-nope-nope"])
        assert bad.exit_code == 1 and bad.output.startswith("invalid_token")
    assert runner.invoke(args=["checkin", "99999", "x"]).exit_code != 0


def test_trainer_finds_the_console_from_the_menu(client, login, make, event, trainer):
    make.event(title="别人的活动", starts_at=event.starts_at, trainers=[make.trainer()])
    login(trainer)
    with mock.patch("trainhub.checkin.views.now", return_value=event.starts_at):
        html = client.get("/checkin").get_data(as_text=True)
    assert f"/checkin/{event.id}" in html and "别人的活动" not in html
    assert 'href="/checkin"' in client.get("/checkin").get_data(as_text=True)


def test_api_answers_in_english_when_asked(api, event, attendee, trainer, at):
    with mock.patch("trainhub.api.checkins.now", return_value=at(-120)):
        body = (
            api(trainer, lang="en")
            .post("/api/v1/checkins", json={"token": attendee.ticket_token, "event_id": event.id})
            .get_json()
        )
    assert body["result"] == "too_early" and body["message"] == "Check-in has not opened yet (opens at 08:00)"
