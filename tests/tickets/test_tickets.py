"""Ticket page, images, API images with scope, reissue, and the rotating self check-in code."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest

from trainhub.checkin import self_checkin as checkin
from trainhub.errors import DomainError
from trainhub.extensions import db
from trainhub.models import Registration


def test_token_is_unguessable(attendee):
    # secrets.token_urlsafe(24): 192 bits, URL-safe
    assert len(attendee.ticket_token) >= 32


def test_ticket_page_shows_that_attendee_masked_and_nothing_about_others(client, make, event, attendee, org):
    other = make.registration(event, org, name="王小明")
    page = client.get(f"/t/{attendee.ticket_token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "张*伟" in html and "张大伟" not in html
    assert event.title in html and event.venue in html and "09:00" in html
    assert "<svg" in html
    assert "王小明" not in html and "王*明" not in html
    assert other.ticket_token not in html and "13912345678" not in html
    assert page.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("kind, mimetype, magic", [("png", "image/png", b"\x89PNG"), ("svg", "image/svg+xml", b"<")])
def test_printable_images(client, attendee, kind, mimetype, magic):
    response = client.get(f"/t/{attendee.ticket_token}/ticket.{kind}")
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.data.lstrip().startswith(magic)


def test_tampered_cancelled_or_reissued_ticket_pages_are_404(app, client, attendee, at):
    token = attendee.ticket_token
    assert client.get(f"/t/{token[:-1]}{'x' if token[-1] != 'x' else 'y'}").status_code == 404
    from trainhub.tickets.services import reissue_ticket

    fresh = reissue_ticket(attendee, actor=None, now=at()).ticket_token
    assert client.get(f"/t/{token}").status_code == 404
    assert client.get(f"/t/{fresh}").status_code == 200
    from trainhub.registrations.services import cancel_registration

    with app.test_request_context():
        cancel_registration(db.session.get(Registration, attendee.id), actor=None, now=at())
    assert client.get(f"/t/{fresh}").status_code == 404


def test_api_ticket_images_follow_scope(api, make, event, attendee, org, trainer):
    url = f"/api/v1/registrations/{attendee.id}/ticket"
    assert api(make.member(organization=org)).get(url + ".png").status_code == 200
    assert api(make.organizer()).get(url + ".svg").status_code == 200
    assert api(trainer).get(url + ".svg").status_code == 200
    assert api(make.member()).get(url + ".svg").status_code == 404
    assert api(make.trainer()).get(url + ".svg").status_code == 404
    assert api(make.organizer(unit=make.unit())).get(url + ".svg").status_code == 404
    assert api(None).get(url + ".svg").status_code == 401
    waiting = make.registration(event, org, status="waitlisted")
    assert api(make.member(organization=org)).get(f"/api/v1/registrations/{waiting.id}/ticket.svg").status_code == 404


def test_enterprise_reissues_from_the_ticket_page(client, login, make, attendee, org):
    old = attendee.ticket_token
    login(make.member(organization=org))
    response = client.post(f"/t/{old}/reissue")
    assert response.status_code == 303
    fresh = db.session.get(Registration, attendee.id).ticket_token
    assert fresh != old and response.headers["Location"].endswith(f"/t/{fresh}")
    login(make.member())
    assert client.post(f"/t/{fresh}/reissue").status_code == 403


def test_a_trainer_opening_the_link_checks_in_with_one_tap(client, login, event, attendee, trainer, at):
    login(trainer)
    assert "为此参训人签到" in client.get(f"/t/{attendee.ticket_token}").get_data(as_text=True)
    with mock.patch("trainhub.tickets.views.now", return_value=at()):
        assert client.post(f"/t/{attendee.ticket_token}/checkin").status_code == 303
    assert db.session.get(Registration, attendee.id).checked_in_at == at()


# -- self check-in --------------------------------------------------------------------------


@pytest.fixture
def online(make, trainer, at):
    event = make.event(starts_at=at(), mode="online", trainers=[trainer], venue="")
    return checkin.ensure_self_checkin_secret(event)


def test_rotating_code_changes_every_minute_and_the_previous_one_still_works(online, at):
    code, left = checkin.current_self_checkin_code(online, at(10))
    assert len(code) == 6 and code.isdigit() and 0 < left <= 60
    later, _ = checkin.current_self_checkin_code(online, at(10) + timedelta(seconds=60))
    assert later != code
    assert checkin.self_code_valid(online, code, at(10) + timedelta(seconds=60))
    assert not checkin.self_code_valid(online, code, at(10) + timedelta(seconds=121))


def test_self_check_in_with_the_current_code(make, online, org, at):
    reg = make.registration(online, org)
    code, _ = checkin.current_self_checkin_code(online, at(15))
    result = checkin.self_check_in(reg.ticket_token, code, now=at(15), ip="10.0.0.1")
    assert result.code == "ok" and result.checkin.method == "self"
    assert checkin.self_check_in(reg.ticket_token, code, now=at(16), ip="10.0.0.1").code == "already_checked_in"


def test_wrong_or_expired_codes_are_refused_and_guessing_is_rate_limited(app, make, online, org, at):
    reg = make.registration(online, org)
    old_code, _ = checkin.current_self_checkin_code(online, at(10))
    with pytest.raises(DomainError) as error:
        checkin.self_check_in(reg.ticket_token, old_code, now=at(13), ip="1.2.3.4")
    assert error.value.code == "invalid_code"
    limit = app.config["SELF_CHECKIN_RATE_LIMIT"]
    codes = []
    for guess in range(limit - 1):
        with pytest.raises(DomainError) as error:
            checkin.self_check_in(reg.ticket_token, f"{guess:06d}", now=at(13), ip="1.2.3.4")
        codes.append(error.value.code)
    assert set(codes) <= {"invalid_code"}
    right, _ = checkin.current_self_checkin_code(online, at(13))
    with pytest.raises(DomainError) as error:
        checkin.self_check_in(reg.ticket_token, right, now=at(13), ip="1.2.3.4")
    assert error.value.code == "rate_limited" and error.value.status == 429
    assert db.session.get(Registration, reg.id).checked_in_at is None


def test_offline_events_have_no_self_check_in(event, attendee, at):
    with pytest.raises(DomainError) as error:
        checkin.self_check_in(attendee.ticket_token, "123456", now=at())
    assert error.value.code == "self_checkin_unavailable"


def test_self_check_in_from_the_ticket_page_and_the_presenter_qr(client, login, make, online, org, trainer, at):
    reg = make.registration(online, org)
    login(trainer)
    with mock.patch("trainhub.checkin.views.now", return_value=at(5)):
        presenter = client.get(f"/checkin/{online.id}/presenter")
    assert presenter.status_code == 200
    code, _ = checkin.current_self_checkin_code(online, at(5))
    assert code in presenter.get_data(as_text=True)
    client.get(f"/t/{reg.ticket_token}")  # remembers the ticket on this phone
    entry = client.get(f"/checkin/{online.id}/self?code={code}")
    assert entry.status_code == 302 and f"/t/{reg.ticket_token}?code={code}" in entry.headers["Location"]
    with mock.patch("trainhub.tickets.views.now", return_value=at(5)):
        response = client.post(f"/t/{reg.ticket_token}/self-checkin", data={"code": code})
    assert response.status_code == 303
    assert db.session.get(Registration, reg.id).checked_in_at == at(5)
