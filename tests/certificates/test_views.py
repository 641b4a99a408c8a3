"""Certificates through the API, the pages and the CLI: who may do what, verification, downloads."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from tests.certificates.conftest import attend
from trainhub.extensions import db
from trainhub.models import AuditLog, Certificate


@pytest.fixture
def issued(make, held_event):
    """An event hosted by a bureau with one certified attendee of enterprise A."""
    bureau = make.unit(name="朝阳区市场监管局")
    trainer = make.trainer()
    event = held_event(host_unit=bureau, trainers=[trainer], certificate_min_minutes=None)
    org_a = make.organization(name="甲企业")
    attend(make.registration(event, org_a, name="张伟"))
    make.registration(event, org_a, name="李娜")  # not checked in
    manager = make.organizer(unit=bureau)
    return event, bureau, trainer, org_a, manager


def first_serial() -> str:
    return db.session.scalar(sa.select(Certificate.serial).order_by(Certificate.id))


def test_issue_through_the_api_then_verify_publicly(make, api, issued):
    event, bureau, trainer, org_a, manager = issued
    response = api(manager).post(f"/api/v1/events/{event.id}/certificates")
    assert response.status_code == 200
    body = response.json
    assert body["issued"] == 1
    assert [p["name"] for p in body["skipped"]["not_checked_in"]] == ["李娜"]
    serial = first_serial()
    assert serial.startswith("TH-20") and len(serial) == len("TH-2021-000001")

    info = api(None).get(f"/api/v1/certificates/{serial}")
    assert info.status_code == 200
    assert info.json["valid"] is True and info.json["name"] == "张*伟"  # API.md: verification masks the name (张*伟)
    assert info.json["event"] == event.title and info.json["revoked_at"] is None
    assert info.json["issued_at"].endswith("+08:00")
    missing = api(None).get("/api/v1/certificates/TH-2099-999999")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"


def test_verify_page_shows_valid_then_revoked(make, api, client, issued):
    event, bureau, trainer, org_a, manager = issued
    api(manager).post(f"/api/v1/events/{event.id}/certificates")
    serial = first_serial()
    page = client.get(f"/verify/{serial}").get_data(as_text=True)
    assert "有效" in page and "张*伟" in page and "张伟" not in page and event.title in page
    revoke = api(manager).post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "信息有误"})
    assert revoke.status_code == 200 and revoke.json["revoked_at"]
    page = client.get(f"/verify/{serial}").get_data(as_text=True)
    assert "已撤销" in page
    assert api(None).get(f"/api/v1/certificates/{serial}").json["valid"] is False
    assert client.get("/verify/TH-1999-000001").status_code == 404


def test_revoke_without_reason_is_422_and_reissue_gives_a_new_serial(make, api, issued):
    event, bureau, trainer, org_a, manager = issued
    api(manager).post(f"/api/v1/events/{event.id}/certificates")
    serial = first_serial()
    bad = api(manager).post(f"/api/v1/certificates/{serial}/revoke", json={"reason": " "})
    assert bad.status_code == 422 and "reason" in bad.json["error"]["fields"]
    new = api(manager).post(f"/api/v1/certificates/{serial}/reissue", json={})
    assert new.status_code == 201 and new.json["serial"] != serial
    assert new.json["certificate_url"] == f"http://trainhub.test/api/v1/certificates/{new.json['serial']}.pdf"
    assert api(None).get(f"/api/v1/certificates/{serial}").json["valid"] is False


@pytest.mark.parametrize(
    "who, pdf_status, issue_status",
    [
        ("anonymous", 401, 401),
        ("enterprise_a", 200, 403),
        ("enterprise_b", 404, 403),
        ("event_trainer", 404, 403),
        ("other_organizer", 404, 404),
        ("manager", 200, 200),
        ("commission", 200, 200),
    ],
)
def test_access_matrix(make, api, issued, who, pdf_status, issue_status):
    event, bureau, trainer, org_a, manager = issued
    api(manager).post(f"/api/v1/events/{event.id}/certificates")
    serial = first_serial()
    users = {
        "anonymous": None,
        "enterprise_a": make.member(org_a),
        "enterprise_b": make.member(),
        "event_trainer": trainer,
        "other_organizer": make.organizer(unit=make.unit()),
        "manager": manager,
        "commission": make.organizer(),
    }
    caller = api(users[who])
    pdf = caller.get(f"/api/v1/certificates/{serial}.pdf")
    assert pdf.status_code == pdf_status
    if pdf_status == 200:
        assert pdf.mimetype == "application/pdf" and "张伟" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert caller.post(f"/api/v1/events/{event.id}/certificates").status_code == issue_status


def test_zip_downloads_are_logged_and_scoped(make, api, issued, held_event):
    event, bureau, trainer, org_a, manager = issued
    api(manager).post(f"/api/v1/events/{event.id}/certificates")
    serial = first_serial()
    other_event = held_event(certificate_min_minutes=None)
    attend(make.registration(other_event, make.organization(), name="外企业"))
    api(make.organizer()).post(f"/api/v1/events/{other_event.id}/certificates")

    member = make.member(org_a)
    response = api(member).get("/api/v1/certificates.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert names == [f"{serial}-张伟.pdf"]  # only their own people
    assert api(member).get(f"/api/v1/events/{event.id}/certificates.zip").status_code == 403

    response = api(manager).get(f"/api/v1/events/{event.id}/certificates.zip")
    assert zipfile.ZipFile(io.BytesIO(response.data)).namelist() == [f"{serial}-张伟.pdf"]
    logs = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "certificates.zip")).all()
    assert sorted((log.actor_id, log.object_type) for log in logs) == sorted(
        [(member.id, "organization"), (manager.id, "event")]
    )


def test_event_page_shows_reasons_and_issues_with_csrf(make, client, login, issued):
    event, bureau, trainer, org_a, manager = issued
    login(manager)
    page = client.get(f"/manage/events/{event.id}/certificates").get_data(as_text=True)
    assert "张伟" in page and "未签到" in page
    response = client.post(f"/manage/events/{event.id}/certificates/issue", follow_redirects=True)
    assert response.status_code == 200 and "已发放 1 份参训证明" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 1
    serial = first_serial()
    response = client.post(f"/manage/certificates/{serial}/revoke", data={"reason": "重复"}, follow_redirects=True)
    assert "已撤销" in response.get_data(as_text=True)


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_issue_form_needs_csrf(make, client, login, issued):
    event, bureau, trainer, org_a, manager = issued
    login(manager)
    assert client.post(f"/manage/events/{event.id}/certificates/issue").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 0


def test_enterprise_page_lists_and_downloads(make, client, login, api, issued):
    event, bureau, trainer, org_a, manager = issued
    api(manager).post(f"/api/v1/events/{event.id}/certificates")
    serial = first_serial()
    login(make.member(org_a))
    page = client.get("/my/certificates").get_data(as_text=True)
    assert serial in page
    assert client.get(f"/certificates/{serial}.pdf").status_code == 200
    assert zipfile.ZipFile(io.BytesIO(client.get("/my/certificates.zip").data)).namelist()


def test_cli_issues_with_a_progress_bar(make, runner, issued):
    event, *_ = issued
    result = runner.invoke(args=["issue-certificates", str(event.id)])
    assert result.exit_code == 0, result.output
    assert "issued: 1" in result.output and "not_checked_in" in result.output
    assert "Issuing certificates" in result.output and "Rendering PDFs" in result.output
    assert runner.invoke(args=["issue-certificates", "9999"]).exit_code != 0


def test_only_the_events_managers_revoke_or_reissue_pages_and_api_alike(make, api, client, login, held_event):
    """A co-organizing unit sees the event but may not change its certificates (403); another unit does
    not see them at all (404); nothing is revoked either way."""
    host, co_unit, other_unit = (
        make.unit(name="朝阳区市场监管局"),
        make.unit(name="市标准化研究院"),
        make.unit(district="海淀区"),
    )
    event = held_event(host_unit=host, co_units=[co_unit], certificate_min_minutes=None)
    attend(make.registration(event, make.organization(), name="张伟"))
    api(make.organizer(unit=host)).post(f"/api/v1/events/{event.id}/certificates")
    serial = first_serial()
    refused = ((make.organizer(unit=co_unit), 403), (make.organizer(unit=other_unit), 404))
    for organizer, status in refused:
        caller = api(organizer)
        assert caller.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "误发"}).status_code == status
        assert caller.post(f"/api/v1/certificates/{serial}/reissue", json={}).status_code == status
    for organizer, status in refused:  # pages after the API: a signed-in session would outrank the token
        login(organizer)
        assert client.post(f"/manage/certificates/{serial}/revoke", data={"reason": "误发"}).status_code == status
        assert client.post(f"/manage/certificates/{serial}/reissue", data={}).status_code == status
    db.session.expire_all()
    assert [(c.serial, c.revoked_at) for c in db.session.scalars(sa.select(Certificate))] == [(serial, None)]
