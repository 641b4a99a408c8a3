"""/api/v1/me and /api/v1/users."""

from __future__ import annotations

import pytest

from trainhub.extensions import db
from trainhub.models import User


def test_me_for_each_role(api, make):
    organization = make.organization(name="甲企业", is_pilot_unit=True)
    member = make.member(organization=organization, email="m@example.cn", name="成员甲")
    body = api(member).get("/api/v1/me").get_json()
    assert body["id"] == member.id and body["email"] == "m@example.cn" and body["name"] == "成员甲"
    assert body["role"] == "enterprise"
    assert body["organization"] == {"id": organization.id, "name": "甲企业", "is_pilot_unit": True}
    assert body["unit"] is None
    organizer = make.organizer()
    body = api(organizer).get("/api/v1/me").get_json()
    assert body["organization"] is None
    assert body["unit"] == {"id": organizer.unit_id, "name": "市市场监督管理委员会", "kind": "commission"}


def test_me_needs_a_valid_token(api, client):
    assert api(None).get("/api/v1/me").status_code == 401
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_disabled_user_token_stops_working(api, make):
    trainer = make.trainer()
    caller = api(trainer)
    trainer.is_active_flag = False
    db.session.commit()
    assert caller.get("/api/v1/me").status_code == 401


def test_organizer_creates_trainer(api, make):
    response = api(make.organizer(unit=make.unit())).post(
        "/api/v1/users", json={"email": "Trainer@example.cn", "name": "讲师甲", "role": "trainer"}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["role"] == "trainer" and body["email"] == "trainer@example.cn" and body["unit"] is None


def test_organizer_accounts_default_to_commission_and_take_unit_id(api, make):
    caller = api(make.organizer())
    bureau = make.unit(kind="district_bureau")
    default = caller.post("/api/v1/users", json={"email": "a@example.cn", "name": "甲", "role": "organizer"})
    assert default.status_code == 201 and default.get_json()["unit"]["kind"] == "commission"
    other = caller.post(
        "/api/v1/users", json={"email": "b@example.cn", "name": "乙", "role": "organizer", "unit_id": bureau.id}
    )
    assert other.get_json()["unit"]["id"] == bureau.id
    unknown = caller.post(
        "/api/v1/users", json={"email": "c@example.cn", "name": "丙", "role": "organizer", "unit_id": 9999}
    )
    assert unknown.status_code == 422 and "unit_id" in unknown.get_json()["error"]["fields"]


def test_only_commission_creates_organizers(api, make):
    bureau = make.unit()
    caller = api(make.organizer(unit=bureau))
    response = caller.post(
        "/api/v1/users", json={"email": "o@example.cn", "name": "王", "role": "organizer", "unit_id": bureau.id}
    )
    assert response.status_code == 403
    assert db.session.scalar(db.select(User).where(User.email == "o@example.cn")) is None


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"email": "x", "name": "甲", "role": "trainer"}, {"email"}),
        ({"email": "x@example.cn", "role": "enterprise"}, {"name", "role"}),
        ({}, {"email", "name", "role"}),
    ],
)
def test_create_user_422(api, make, body, fields):
    response = api(make.organizer()).post("/api/v1/users", json=body)
    assert response.status_code == 422 and set(response.get_json()["error"]["fields"]) == fields


def test_duplicate_email_is_409(api, make):
    make.trainer(email="t@example.cn")
    response = api(make.organizer()).post(
        "/api/v1/users", json={"email": "t@example.cn", "name": "甲", "role": "trainer"}
    )
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "email_taken"


def test_users_list_by_role_for_organizers_only(api, make):
    make.trainer(name="讲师A")
    make.member()
    caller = api(make.organizer())
    trainers = caller.get("/api/v1/users?role=trainer").get_json()
    assert trainers["total"] == 1 and trainers["items"][0]["name"] == "讲师A"
    assert caller.get("/api/v1/users?role=nobody").status_code == 422
    assert api(make.trainer()).get("/api/v1/users").status_code == 403
    assert api(make.member()).post("/api/v1/users", json={}).status_code == 403


def test_openapi_lists_these_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/me",
        "/api/v1/users",
        "/api/v1/organizations",
        "/api/v1/organizations/{organization_id}",
        "/api/v1/organizations/{organization_id}/members",
    ):
        assert any(p.endswith(path.removeprefix("/api/v1")) for p in paths), path


def test_organizer_disables_and_enables_a_trainer(api, make):
    trainer = make.trainer()
    token = make.token(trainer)
    caller = api(make.organizer())
    response = caller.patch(f"/api/v1/users/{trainer.id}", json={"is_active": False})
    assert response.status_code == 200 and response.get_json()["is_active"] is False
    assert api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert caller.patch(f"/api/v1/users/{trainer.id}", json={"is_active": "no"}).status_code == 422
    assert caller.patch(f"/api/v1/users/{trainer.id}", json={"is_active": True}).get_json()["is_active"] is True
    assert caller.get(f"/api/v1/users/{trainer.id}").get_json()["id"] == trainer.id
    assert caller.get("/api/v1/users/9999").status_code == 404


def test_district_organizer_cannot_disable_organizers(api, make):
    bureau = make.unit()
    colleague, commission_organizer = make.organizer(unit=bureau), make.organizer()
    caller = api(make.organizer(unit=bureau))
    response = caller.patch(f"/api/v1/users/{colleague.id}", json={"is_active": False})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "commission_only"
    # An organizer of another unit is not the bureau's to see at all.
    assert caller.patch(f"/api/v1/users/{commission_organizer.id}", json={"is_active": False}).status_code == 404


def test_user_search_takes_percent_and_underscore_literally(api, make):
    """q is text, not a LIKE pattern: `_` matches an underscore, `%` a percent sign, nothing else."""
    underscored = make.trainer(email="li_ming@example.cn", name="李明")
    make.trainer(email="liaming@example.cn", name="李阿明")
    caller = api(make.organizer())
    found = caller.get("/api/v1/users?q=li_m").get_json()
    assert [u["id"] for u in found["items"]] == [underscored.id]
    assert caller.get("/api/v1/users?q=%25").get_json()["total"] == 0
