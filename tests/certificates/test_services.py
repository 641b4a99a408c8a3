"""Issuing, skipping, serials, revoking, reissuing, and the PDF as an independent reader sees it."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from tests.certificates.conftest import attend
from tests.factories import local
from trainhub.certificates import services
from trainhub.certificates.schemas import RevokeSchema
from trainhub.errors import DomainError, ValidationError
from trainhub.extensions import db
from trainhub.models import AuditLog, Certificate
from trainhub.schemas import load

NOW = local(2021, 10, 15, 10)


def test_issues_to_attendees_who_stayed_long_enough_and_says_why_others_were_skipped(make, held_event):
    organizer = make.organizer()
    event = held_event()
    org = make.organization(name="星海精密制造有限公司")
    stayed = attend(make.registration(event, org, name="张伟"), minutes=170)
    short = attend(make.registration(event, org, name="李娜"), minutes=60)
    no_out = attend(make.registration(event, org, name="王强"))
    make.registration(event, org, name="赵敏")  # never came
    make.registration(event, org, name="钱多", status="cancelled")

    result = services.issue_certificates(event, actor=organizer, now=NOW)

    assert result["issued"] == 1
    assert {k: [p["name"] for p in v] for k, v in result["skipped"].items()} == {
        "too_short": ["李娜"],
        "not_checked_out": ["王强"],
        "not_checked_in": ["赵敏"],
    }
    certificate = db.session.scalar(sa.select(Certificate))
    assert certificate.registration_id == stayed.id
    assert certificate.serial == "TH-2021-000001"
    assert certificate.minutes_attended == 165  # clamped to the event's window: 09:00 + 165 = 11:45
    assert short.id and no_out.id
    # Again: nobody new, the holder is reported as already issued.
    again = services.issue_certificates(event, actor=organizer, now=NOW)
    assert again["issued"] == 0 and [p["name"] for p in again["skipped"]["already_issued"]] == ["张伟"]
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == "certificates.issue")) == 1


def test_online_self_checkin_counts_until_the_end_and_no_minimum_needs_only_a_checkin(make, held_event):
    organizer = make.organizer()
    online = held_event(mode="online", venue="")
    reg = attend(make.registration(online), at=online.starts_at + timedelta(minutes=10), self_checkin=True)
    plain = held_event(certificate_min_minutes=None)
    reg2 = attend(make.registration(plain))

    assert services.issue_certificates(online, actor=organizer, now=NOW)["issued"] == 1
    assert services.issue_certificates(plain, actor=organizer, now=NOW)["issued"] == 1
    by_reg = {c.registration_id: c for c in db.session.scalars(sa.select(Certificate))}
    assert by_reg[reg.id].minutes_attended == 170
    assert by_reg[reg2.id].serial == "TH-2021-000002"


def test_serials_continue_per_year(make, held_event):
    organizer = make.organizer()
    event = held_event(certificate_min_minutes=None)
    for _ in range(3):
        attend(make.registration(event))
    services.issue_certificates(event, actor=organizer, now=NOW)
    event2 = held_event(certificate_min_minutes=None)
    attend(make.registration(event2))
    services.issue_certificates(event2, actor=organizer, now=local(2022, 1, 3))
    serials = sorted(db.session.scalars(sa.select(Certificate.serial)))
    assert serials == ["TH-2021-000001", "TH-2021-000002", "TH-2021-000003", "TH-2022-000001"]


def test_draft_event_is_refused(make, held_event):
    event = held_event(status="draft")
    with pytest.raises(DomainError) as info:
        services.issue_certificates(event, actor=make.organizer(), now=NOW)
    assert info.value.code == "event_not_published"


def test_revoke_needs_a_reason_and_reissue_gives_a_new_serial(make, held_event):
    organizer = make.organizer()
    event = held_event(certificate_min_minutes=None)
    attend(make.registration(event, name="张伟"))
    services.issue_certificates(event, actor=organizer, now=NOW)
    certificate = db.session.scalar(sa.select(Certificate))

    with pytest.raises(ValidationError) as info:  # as the API and the page load it
        load(RevokeSchema(), {"reason": "  "})
    assert [str(m) for m in info.value.fields["reason"]] == ["请填写撤销原因。"]
    with pytest.raises(ValidationError) as info:
        load(RevokeSchema(), {"reason": "长" * 501})
    assert "reason" in info.value.fields
    services.revoke(certificate, "姓名有误", actor=organizer, now=NOW)
    assert services.verification(certificate)["valid"] is False
    with pytest.raises(DomainError) as info:
        services.revoke(certificate, "again", actor=organizer, now=NOW)
    assert info.value.code == "already_revoked"

    new = services.reissue(certificate, actor=organizer, now=NOW + timedelta(hours=1))
    assert new.serial == "TH-2021-000002" and new.revoked_at is None
    # Reissuing a live certificate revokes it: one live certificate per registration.
    newer = services.reissue(new, actor=organizer, now=NOW + timedelta(hours=2))
    live = db.session.scalars(sa.select(Certificate).where(Certificate.revoked_at.is_(None))).all()
    assert [c.serial for c in live] == [newer.serial]
    assert services.verification(new)["valid"] is False


def _pdftotext(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_pdf_has_chinese_text_serial_and_a_qr_to_the_verification_page(app, make, held_event, tmp_path):
    organizer = make.organizer()
    event = held_event(certificate_min_minutes=None, title="企业标准化良好行为实践")
    attend(
        make.registration(event, make.organization(name="星海精密制造有限公司"), name="欧阳明华"),
        at=event.starts_at,
        minutes=180,
    )
    services.issue_certificates(event, actor=organizer, now=NOW)
    certificate = db.session.scalar(sa.select(Certificate))

    pdf = services.certificate_pdf(certificate)

    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert round(float(page.mediabox.width) / 72 * 25.4) == 297
    text = page.extract_text()
    for expected in (
        "参训证明",
        "欧阳明华",
        "星海精密制造有限公司",
        "企业标准化良好行为实践",
        "TH-2021-000001",
        "2021年10月14日",
        "3 学时",
    ):
        assert expected in text
    fonts = [f["/BaseFont"] for f in _fonts(page)]
    assert any("NotoSansSC" in str(name) and "+" in str(name) for name in fonts)  # an embedded subset
    assert len(pdf) < 200_000
    if shutil.which("pdftotext"):
        assert "欧阳明华" in _pdftotext(pdf) and "TH-2021-000001" in _pdftotext(pdf)
    url = _qr_from_pdf(pdf, tmp_path)
    assert url == f"http://trainhub.test/verify/{certificate.verify_code}"


def _fonts(page):
    resources = page["/Resources"]["/Font"]
    return [resources[key].get_object() for key in resources]


def _qr_from_pdf(pdf: bytes, tmp_path) -> str:
    import zxingcpp
    from PIL import Image

    if shutil.which("pdftoppm"):
        (tmp_path / "c.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "100", "-png", "-singlefile", str(tmp_path / "c.pdf"), str(tmp_path / "c")], check=True
        )
        image = Image.open(tmp_path / "c.png")
    else:  # the embedded image itself
        page = PdfReader(io.BytesIO(pdf)).pages[0]
        image = page.images[0].image
    results = zxingcpp.read_barcodes(image)
    assert results, "no QR code found"
    return results[0].text


def test_zip_streams_one_pdf_per_certificate(make, held_event):
    organizer = make.organizer()
    event = held_event(certificate_min_minutes=None)
    for name in ("张伟", "李娜", "张伟"):
        attend(make.registration(event, name=name))
    services.issue_certificates(event, actor=organizer, now=NOW)
    certificates = list(db.session.scalars(services.certificates_query(event=event)))

    chunks = list(services.zip_certificates(certificates))

    assert len(chunks) >= 3  # streamed as it goes
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.testzip() is None
    names = archive.namelist()
    assert len(names) == 3 and len(set(names)) == 3
    for name in names:
        assert "参训证明" in PdfReader(io.BytesIO(archive.read(name))).pages[0].extract_text()


def test_rendered_pdfs_are_cached_by_content_and_a_revoked_one_says_so(app, make, held_event):
    organizer = make.organizer()
    event = held_event(certificate_min_minutes=None)
    attend(make.registration(event, name="张伟"))
    services.issue_certificates(event, actor=organizer, now=NOW)
    certificate = db.session.scalar(sa.select(Certificate))
    first = services.certificate_pdf(certificate)
    assert services.certificate_pdf(certificate) == first
    assert len(list(services.cache_dir().glob("TH-2021-000001-*.pdf"))) == 1
    services.revoke(certificate, "信息有误", actor=organizer, now=NOW)
    revoked = services.certificate_pdf(certificate)
    assert revoked != first and "已撤销" in PdfReader(io.BytesIO(revoked)).pages[0].extract_text()
