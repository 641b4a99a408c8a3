"""The registrations API (API.md "Registrations") and its scope: not yours → 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.registrations.conftest import attendee, attendees
from trainhub.extensions import db
from trainhub.models import Certificate, Registration


def test_register_returns_items_with_contract_fields(make, api, open_event):
    event = open_event(capacity=1)
    member = make.member()
    response = api(member).post(
        f"/api/v1/events/{event.id}/registrations",
        json={"attendees": [attendee("张伟", phone="13800000000", email="zw@b.cn"), attendee("李娜")]},
    )
    assert response.status_code == 201, response.get_json()
    first, second = response.get_json()["items"]
    assert set(first) >= {
        "id",
        "event_id",
        "organization",
        "name",
        "phone",
        "email",
        "job_title",
        "status",
        "waitlist_position",
        "created_at",
        "checked_in_at",
        "checked_out_at",
        "ticket_url",
        "invite_url",
        "certificate_url",
    }
    assert first["organization"] == {
        "id": member.organization_id,
        "name": member.organization.name,
        "is_pilot_unit": False,
    }
    assert first["status"] == "confirmed" and first["ticket_url"].startswith("http://trainhub.test/t/")
    assert first["waitlist_position"] is None and first["certificate_url"] is None
    assert first["invite_url"] == f"http://trainhub.test/api/v1/registrations/{first['id']}/invite.ics"
    assert first["created_at"].endswith("+08:00")
    assert second["status"] == "waitlisted" and second["waitlist_position"] == 1 and second["ticket_url"] is None


def test_invalid_fields_are_422_with_field_keys(make, api, open_event):
    event = open_event()
    response = api(make.member(), lang="en").post(
        f"/api/v1/events/{event.id}/registrations", json={"attendees": [attendee(), {"name": "王", "phone": "123"}]}
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == ["attendees.1.phone"]
    assert "phone" in error["fields"]["attendees.1.phone"][0].lower()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0
    assert (
        api(make.member())
        .post(f"/api/v1/events/{event.id}/registrations", data="x", content_type="application/json")
        .status_code
        == 400
    )
    assert (
        api(make.member()).post(f"/api/v1/events/{event.id}/registrations", json={"attendees": "x"}).status_code == 422
    )


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"registration_opens_at_delta": timedelta(days=1)}, "registration_not_open"),
        ({"registration_closes_at_delta": -timedelta(hours=1)}, "registration_closed"),
        ({"status": "cancelled"}, "event_not_open"),
    ],
)
def test_refusals_are_409_with_codes(make, api, open_event, now, fields, code):
    extra = {}
    if "registration_opens_at_delta" in fields:
        extra["registration_opens_at"] = now + fields["registration_opens_at_delta"]
    if "registration_closes_at_delta" in fields:
        extra["registration_closes_at"] = now + fields["registration_closes_at_delta"]
    if "status" in fields:
        extra["status"] = fields["status"]
    event = open_event(**extra)
    response = api(make.member()).post(f"/api/v1/events/{event.id}/registrations", json={"attendees": [attendee()]})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == code


def test_quota_and_duplicate_phone_over_the_api(make, api, open_event):
    event = open_event(per_enterprise_quota=2)
    caller = api(make.member())
    assert (
        caller.post(
            f"/api/v1/events/{event.id}/registrations", json={"attendees": [attendee(phone="13600000001")]}
        ).status_code
        == 201
    )
    response = caller.post(f"/api/v1/events/{event.id}/registrations", json={"attendees": attendees(2)})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "quota_exceeded" and error["allowed"] == 1 and error["message"]
    response = api(make.member()).post(
        f"/api/v1/events/{event.id}/registrations", json={"attendees": [attendee(phone="13600000001")]}
    )
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "duplicate_phone"


def test_draft_event_is_404_and_other_roles_are_403(make, api, open_event):
    assert (
        api(make.member())
        .post(f"/api/v1/events/{open_event(status='draft').id}/registrations", json={"attendees": [attendee()]})
        .status_code
        == 404
    )
    event = open_event()
    assert (
        api(make.organizer())
        .post(f"/api/v1/events/{event.id}/registrations", json={"attendees": [attendee()]})
        .status_code
        == 403
    )
    assert (
        api(None).post(f"/api/v1/events/{event.id}/registrations", json={"attendees": [attendee()]}).status_code == 401
    )


def test_delete_cancels_and_promotes(make, api, open_event):
    event = open_event(capacity=1)
    member = make.member()
    caller = api(member)
    items = caller.post(f"/api/v1/events/{event.id}/registrations", json={"attendees": attendees(2)}).get_json()[
        "items"
    ]
    response = caller.delete(f"/api/v1/registrations/{items[0]['id']}")
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled" and response.get_json()["ticket_url"] is None
    promoted = caller.get(f"/api/v1/registrations/{items[1]['id']}").get_json()
    assert promoted["status"] == "confirmed" and promoted["ticket_url"]
    again = caller.delete(f"/api/v1/registrations/{items[0]['id']}")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "not_active"


def test_lists_by_role(make, api, open_event):
    trainer, other_trainer = make.trainer(), make.trainer()
    unit, other_unit = make.unit(), make.unit()
    event = open_event(capacity=5, trainers=[trainer], host_unit=unit)
    a, b = make.member(), make.member()
    api(a).post(f"/api/v1/events/{event.id}/registrations", json={"attendees": attendees(2)})
    api(b).post(f"/api/v1/events/{event.id}/registrations", json={"attendees": attendees(1)})
    url = f"/api/v1/events/{event.id}/registrations"
    assert api(make.organizer()).get(url).get_json()["total"] == 3
    assert api(make.organizer(unit=unit)).get(url).get_json()["total"] == 3
    assert api(trainer).get(url).get_json()["total"] == 3
    assert api(a).get(url).get_json()["total"] == 2
    assert api(other_trainer).get(url).status_code == 404
    assert api(make.organizer(unit=other_unit)).get(url).status_code == 404
    mine = api(b).get("/api/v1/registrations").get_json()
    assert mine["total"] == 1 and mine["items"][0]["organization"]["id"] == b.organization_id
    page = api(make.organizer()).get(url + "?per_page=2&page=2").get_json()
    assert (page["page"], page["pages"], page["total"], len(page["items"])) == (2, 2, 3, 1)
    assert api(a).get(url + "?per_page=x").status_code == 422


def test_another_enterprises_registration_is_404_everywhere(make, api, open_event):
    event = open_event()
    owner, stranger = make.member(), make.member()
    reg_id = (
        api(owner)
        .post(f"/api/v1/events/{event.id}/registrations", json={"attendees": [attendee()]})
        .get_json()["items"][0]["id"]
    )
    caller = api(stranger)
    assert caller.get(f"/api/v1/registrations/{reg_id}").status_code == 404
    assert caller.delete(f"/api/v1/registrations/{reg_id}").status_code == 404
    assert caller.get(f"/api/v1/events/{event.id}/registrations").get_json()["total"] == 0
    assert caller.get("/api/v1/registrations").get_json()["total"] == 0
    assert caller.post(f"/api/v1/registrations/{reg_id}/approve").status_code == 403
    assert api(owner).get(f"/api/v1/registrations/{reg_id}").status_code == 200


def test_approve_reject_by_managers_only(make, api, open_event):
    unit, co_unit = make.unit(), make.unit()
    event = open_event(capacity=1, requires_approval=True, host_unit=unit, co_units=[co_unit])
    member = make.member()
    items = (
        api(member)
        .post(f"/api/v1/events/{event.id}/registrations", json={"attendees": attendees(2)})
        .get_json()["items"]
    )
    assert [i["status"] for i in items] == ["pending", "pending"]
    first, second = (i["id"] for i in items)
    assert api(make.organizer(unit=co_unit)).post(f"/api/v1/registrations/{first}/approve").status_code == 403
    assert api(make.organizer(unit=make.unit())).post(f"/api/v1/registrations/{first}/approve").status_code == 404
    manager = api(make.organizer(unit=unit))
    approved = manager.post(f"/api/v1/registrations/{first}/approve")
    assert approved.status_code == 200 and approved.get_json()["status"] == "confirmed"
    missing = manager.post(f"/api/v1/registrations/{second}/reject", json={})
    assert missing.status_code == 422 and "reason" in missing.get_json()["error"]["fields"]
    rejected = manager.post(f"/api/v1/registrations/{second}/reject", json={"reason": "不属于本区企业"})
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    seen = api(member).get(f"/api/v1/registrations/{second}").get_json()
    assert seen["status"] == "rejected" and seen["rejection_reason"] == "不属于本区企业"


def test_certificate_url_of_the_live_certificate(make, api, open_event):
    event = open_event()
    member = make.member()
    reg = make.registration(event, member.organization)
    db.session.add(Certificate(serial="TH-2026-000001", registration_id=reg.id))
    db.session.commit()
    body = api(member).get(f"/api/v1/registrations/{reg.id}").get_json()
    assert body["certificate_url"] == "http://trainhub.test/api/v1/certificates/TH-2026-000001.pdf"


def test_list_query_count_does_not_grow_with_rows(make, api, open_event, app):
    event = open_event(capacity=2)
    organizer = make.organizer()
    caller = api(organizer)
    for _ in range(3):
        make.registration(event, make.organization(), status="waitlisted", ticket_token=None)

    url = f"/api/v1/events/{event.id}/registrations"

    def count_statements():
        db.session.remove()  # a fresh session, as in a real request
        statements = []

        def listener(*args):
            statements.append(args[2])

        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert caller.get(url).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    count_statements()  # warm-up: the token's once-a-minute bookkeeping
    few = count_statements()
    event = db.session.get(type(event), event.id)
    for _ in range(6):
        make.registration(event, make.organization(), status="waitlisted", ticket_token=None)
    assert count_statements() == few <= 12


def test_refusal_messages_follow_accept_language(make, api, open_event):
    event = open_event(per_enterprise_quota=1)
    response = api(make.member(), lang="en").post(
        f"/api/v1/events/{event.id}/registrations", json={"attendees": attendees(2)}
    )
    error = response.get_json()["error"]
    assert error["code"] == "quota_exceeded" and error["allowed"] == 1
    assert error["message"].startswith("This exceeds the quota of 1 attendees")


def test_the_hand_built_answer_is_the_schemas(make, api, open_event, app):
    """registration_to_dict (the door's scan answers with it: a tenth of the schema's cost) says what
    RegistrationSchema dumps, field by field, whatever the registration's state."""
    from trainhub.registrations.schemas import RegistrationSchema
    from trainhub.registrations.serializers import present, registration_to_dict

    event = open_event(capacity=1)
    org = make.organization(is_pilot_unit=True)
    confirmed = make.registration(event, org)
    waiting = make.registration(event, org, status="waitlisted", ticket_token=None)
    rejected = make.registration(event, org, status="rejected", ticket_token=None, rejection_reason="不符合条件")
    db.session.add(Certificate(serial="TH-2026-000002", registration_id=confirmed.id))
    db.session.commit()
    with app.test_request_context():
        registrations = [confirmed, waiting, rejected]
        dumped = RegistrationSchema().dump(present(registrations), many=True)
        assert [registration_to_dict(r) for r in registrations] == dumped
        assert dumped[0]["certificate_url"].endswith("/TH-2026-000002.pdf") and dumped[1]["waitlist_position"] == 1
        assert dumped[2]["rejection_reason"] == "不符合条件" and dumped[0]["organization"]["is_pilot_unit"] is True
    assert api(make.organizer()).get(f"/api/v1/registrations/{confirmed.id}").get_json() == dumped[0]
