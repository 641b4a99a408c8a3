"""Certificates tell the truth: none before the event has ended; the hours come from attended minutes."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from tests.certificates.conftest import attend
from trainhub.certificates import services
from trainhub.errors import DomainError
from trainhub.extensions import db
from trainhub.models import Certificate


def test_issuing_before_the_event_has_ended_is_refused_and_issues_nothing(make, api, held_event):
    event = held_event(certificate_min_minutes=None)  # 2021-10-14 09:00–12:00
    attend(make.registration(event, name="张伟"), at=event.starts_at)
    organizer = make.organizer()
    for now in (event.starts_at - timedelta(minutes=34), event.ends_at - timedelta(minutes=1)):
        with pytest.raises(DomainError) as refused:
            services.issue_certificates(event, actor=organizer, now=now)
        assert refused.value.code == "event_not_ended" and refused.value.status == 409
    assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 0
    assert services.issue_certificates(event, actor=organizer, now=event.ends_at)["issued"] == 1


def test_the_api_refuses_an_event_that_has_not_ended_with_its_code(make, api):
    event = make.event(certificate_min_minutes=None)  # next week
    response = api(make.organizer(), lang="en").post(f"/api/v1/events/{event.id}/certificates")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "event_not_ended"
    assert "ended" in response.json["error"]["message"]


def test_pdf_and_verification_state_the_attended_hours_not_the_planned_ones(app, make, api, held_event):
    event = held_event(certificate_min_minutes=None)  # planned: 3 hours
    late = attend(make.registration(event, name="张伟"), at=event.starts_at + timedelta(minutes=90))  # no check-out
    short = attend(make.registration(event, name="李娜"), at=event.starts_at, minutes=60)
    services.issue_certificates(event, actor=make.organizer(), now=event.ends_at + timedelta(days=1))
    by_registration = {c.registration_id: c for c in db.session.scalars(sa.select(Certificate))}

    for registration, hours in ((late, 1.5), (short, 1.0)):
        certificate = by_registration[registration.id]
        text = PdfReader(io.BytesIO(services.certificate_pdf(certificate))).pages[0].extract_text()
        assert f"参训 {hours:g} 学时" in text and "3 学时" not in text
        assert api(None).get(f"/api/v1/certificates/{certificate.serial}").json["hours"] == hours


def test_the_event_page_says_why_it_cannot_issue_yet(make, client, login):
    event = make.event(certificate_min_minutes=None)  # next week
    login(make.organizer())
    page_url = f"/manage/events/{event.id}/certificates"
    response = client.post(
        f"{page_url}/issue", headers={"Referer": f"http://localhost{page_url}"}, follow_redirects=True
    )
    assert response.status_code == 200 and response.request.path == page_url
    assert "活动尚未结束，结束后才能发放证明。" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 0


@pytest.mark.parametrize("referer", [None, "http://evil.example/manage"])
def test_a_refused_form_without_a_referer_of_ours_says_why_on_its_own_page(make, client, login, referer):
    """Redirecting back to the posting URL answered 405; another site's Referer is not followed."""
    event = make.event(certificate_min_minutes=None)
    login(make.organizer())
    headers = {"Referer": referer} if referer else {}
    response = client.post(f"/manage/events/{event.id}/certificates/issue", headers=headers)
    assert response.status_code == 409
    assert "活动尚未结束，结束后才能发放证明。" in response.get_data(as_text=True)
