"""Public verification tells only what API.md allows, by the random code on the certificate's QR code
(the printed serial still verifies, with the same answer)."""

from __future__ import annotations

import sqlalchemy as sa

from tests.certificates.conftest import attend
from trainhub.certificates import services
from trainhub.extensions import db
from trainhub.models import Certificate


def issued(make, held_event):
    event = held_event(certificate_min_minutes=None, title="标准化法规解读")
    attend(
        make.registration(event, make.organization(name="星海精密制造有限公司"), name="张建伟"),
        at=event.starts_at,
        minutes=150,
    )
    services.issue_certificates(event, actor=make.organizer(), now=event.ends_at)
    return db.session.scalar(sa.select(Certificate).order_by(Certificate.id.desc()))


def test_the_qr_link_carries_an_unguessable_code_not_the_serial(make, api, held_event):
    certificate = issued(make, held_event)
    other = issued(make, held_event)
    url = services.verify_url(certificate)
    code = url.rsplit("/", 1)[1]
    assert certificate.serial not in url and len(code) >= 20 and code != other.verify_code
    listed = api(make.organizer()).get(f"/api/v1/events/{certificate.registration.event_id}/certificates")
    assert listed.json["items"][0]["verify_url"] == url


def test_verification_by_code_or_serial_answers_only_the_contract(make, api, client, held_event):
    certificate = issued(make, held_event)
    for key in (certificate.verify_code, certificate.serial):
        body = api(None).get(f"/api/v1/certificates/{key}").json
        assert set(body) == {"valid", "name", "event", "issued_at", "revoked_at", "hours"}
        assert body["valid"] is True and body["name"] == "张*伟" and body["event"] == "标准化法规解读"
        assert body["hours"] == 2.5 and body["revoked_at"] is None
        page = client.get(f"/verify/{key}").get_data(as_text=True)
        assert "张*伟" in page and "标准化法规解读" in page and "2.5" in page
        assert "张建伟" not in page and "星海精密制造有限公司" not in page  # neither the full name nor the employer
    missing = api(None).get("/api/v1/certificates/not-a-code")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    assert client.get("/verify/not-a-code").status_code == 404
