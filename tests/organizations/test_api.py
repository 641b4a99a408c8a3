"""/api/v1/organizations: organizers list, create, read and change; members read their own only."""

from __future__ import annotations

import random

import pytest

from trainhub.extensions import db
from trainhub.models import MemberInvitation, OutboxMessage, User
from trainhub.organizations import uscc

FIELDS = {
    "id",
    "name",
    "uscc",
    "district",
    "industry",
    "contact_name",
    "contact_phone",
    "contact_email",
    "is_pilot_unit",
    "pilot_unit_requested",
    "is_active",
    "created_at",
}


def new_org(**overrides):
    body = {
        "name": "华北精密仪器有限公司",
        "uscc": uscc.generate(random.Random(11)),
        "district": "海淀区",
        "industry": "仪器仪表",
        "contact_name": "王五",
        "contact_phone": "13900002222",
        "contact_email": "wangwu@example.cn",
        "is_pilot_unit": True,
    }
    body.update(overrides)
    return body


def test_organizer_creates_organization_with_pilot_flag_in_force(api, make):
    response = api(make.organizer()).post("/api/v1/organizations", json=new_org())
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == FIELDS
    assert body["is_pilot_unit"] is True and body["uscc"] == new_org()["uscc"]
    assert body["created_at"].endswith("+08:00")


@pytest.mark.parametrize(
    ("code", "lang", "needle"),
    [
        ("123", None, "18 位"),
        ("123", "en", "18 characters"),
        ("91110105MA01ABCDEI", None, "不允许的字符"),
    ],
)
def test_bad_uscc_is_422_with_fields(api, make, code, lang, needle):
    response = api(make.organizer(), lang=lang).post("/api/v1/organizations", json=new_org(uscc=code))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and needle in error["fields"]["uscc"][0]


def test_taken_uscc_is_409(api, make):
    existing = make.organization()
    response = api(make.organizer()).post("/api/v1/organizations", json=new_org(uscc=existing.uscc))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "uscc_taken"


def test_malformed_body_and_wrong_types(api, make):
    caller = api(make.organizer())
    assert caller.post("/api/v1/organizations", data="[1", content_type="application/json").status_code == 400
    response = caller.post("/api/v1/organizations", json=new_org(is_pilot_unit="yes", name=5))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"is_pilot_unit", "name"}


def test_list_filters_by_district_and_pilot_request(api, make):
    asked = make.organization(district="朝阳区")
    asked.pilot_unit_requested = True
    db.session.commit()
    make.organization(district="海淀区")
    caller = api(make.organizer())
    listing = caller.get("/api/v1/organizations?district=朝阳区").get_json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == asked.id
    assert [o["id"] for o in caller.get("/api/v1/organizations?pilot=requested").get_json()["items"]] == [asked.id]
    assert caller.get("/api/v1/organizations?per_page=1").get_json()["pages"] == 2


def test_a_district_bureaus_filters_never_reach_beyond_its_district(api, make):
    ours, theirs = make.organization(district="朝阳区"), make.organization(district="海淀区")
    caller = api(make.organizer(unit=make.unit(kind="district_bureau", district="朝阳区")))
    assert [o["id"] for o in caller.get("/api/v1/organizations").get_json()["items"]] == [ours.id]
    assert caller.get("/api/v1/organizations?district=海淀区").get_json()["total"] == 0
    assert caller.get(f"/api/v1/organizations?q={theirs.uscc}").get_json()["total"] == 0
    assert caller.get(f"/api/v1/organizations/{theirs.id}").get_json()["error"]["code"] == "not_found"


def test_patch_confirms_pilot_flag_and_disables(api, make):
    organization = make.organization()
    member = make.member(organization=organization)
    caller = api(make.organizer())
    body = caller.patch(f"/api/v1/organizations/{organization.id}", json={"is_pilot_unit": True}).get_json()
    assert body["is_pilot_unit"] is True
    member_token = make.token(member)
    body = caller.patch(
        f"/api/v1/organizations/{organization.id}", json={"is_active": False, "industry": "服务业"}
    ).get_json()
    assert body["is_active"] is False and body["industry"] == "服务业"
    assert api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {member_token}"}).status_code == 401


def test_patch_uscc_checked_and_unique(api, make):
    first, second = make.organization(), make.organization()
    caller = api(make.organizer())
    assert caller.patch(f"/api/v1/organizations/{first.id}", json={"uscc": "bad"}).status_code == 422
    taken = caller.patch(f"/api/v1/organizations/{first.id}", json={"uscc": second.uscc})
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "uscc_taken"
    assert caller.patch(f"/api/v1/organizations/{first.id}", json={"name": ""}).status_code == 422


def test_member_reads_own_organization_but_not_another(api, make):
    member = make.member()
    other = make.organization()
    caller = api(member)
    assert caller.get(f"/api/v1/organizations/{member.organization_id}").status_code == 200
    response = caller.get(f"/api/v1/organizations/{other.id}")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert caller.get("/api/v1/organizations").status_code == 403
    assert (
        caller.patch(f"/api/v1/organizations/{member.organization_id}", json={"is_pilot_unit": True}).status_code == 403
    )
    assert caller.post(f"/api/v1/organizations/{other.id}/members", json={"email": "x@example.cn"}).status_code == 404


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/v1/organizations"),
        ("post", "/api/v1/organizations"),
        ("get", "/api/v1/organizations/1"),
        ("patch", "/api/v1/organizations/1"),
    ],
)
def test_anonymous_is_401_and_trainer_is_403(api, make, method, path):
    make.organization()
    assert getattr(api(None), method)(path, json={}).status_code == 401
    assert getattr(api(make.trainer()), method)(path, json={}).status_code == 403


def test_unknown_organization_is_404(api, make):
    assert api(make.organizer()).get("/api/v1/organizations/999").status_code == 404


def test_add_member_sends_invitation(api, make):
    organization = make.organization()
    response = api(make.organizer()).post(
        f"/api/v1/organizations/{organization.id}/members", json={"email": "New.Member@example.cn", "name": "赵六"}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["email"] == "new.member@example.cn" and body["role"] == "enterprise"
    assert body["organization"]["id"] == organization.id
    assert db.session.scalar(db.select(MemberInvitation)).email == "new.member@example.cn"
    assert db.session.scalar(db.select(OutboxMessage)).recipient == "new.member@example.cn"
    again = api(make.organizer()).post(f"/api/v1/organizations/{organization.id}/members", json={"email": "bad"})
    assert again.status_code == 422 and "email" in again.get_json()["error"]["fields"]


def test_member_adds_colleague_through_api(api, make):
    member = make.member()
    response = api(member).post(
        f"/api/v1/organizations/{member.organization_id}/members",
        json={"email": "colleague@example.cn", "name": "同事"},
    )
    assert response.status_code == 201
    assert db.session.scalar(db.select(User).where(User.email == "colleague@example.cn")).password_hash is None


def test_search_takes_percent_and_underscore_literally(api, make):
    """q is text, not a LIKE pattern: % and _ match only themselves (trainhub.pagination.contains)."""
    plain = make.organization(name="星河科技有限公司")
    odd = make.organization(name="百分之百_100%科技有限公司")
    caller = api(make.organizer())
    assert [o["id"] for o in caller.get("/api/v1/organizations?q=%25").get_json()["items"]] == [odd.id]
    assert [o["id"] for o in caller.get("/api/v1/organizations?q=_").get_json()["items"]] == [odd.id]
    assert caller.get("/api/v1/organizations?q=星%25科技").get_json()["total"] == 0
    assert [o["id"] for o in caller.get("/api/v1/organizations?q=星河").get_json()["items"]] == [plain.id]


def test_contact_fields_are_normalised_and_checked_as_at_sign_up(api, make):
    caller = api(make.organizer())
    body = caller.post(
        "/api/v1/organizations",
        json=new_org(contact_phone="+86 139-0000-2222", contact_email="ＷａｎｇＷｕ@Example.cn"),
    ).get_json()
    assert (body["contact_phone"], body["contact_email"]) == ("13900002222", "wangwu@example.cn")
    bad = caller.post(
        "/api/v1/organizations",
        json=new_org(
            uscc=uscc.generate(random.Random(12)), contact_phone="139-0000-22२२", contact_email="x@exаmple.cn"
        ),
    )
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"contact_phone", "contact_email"}
    blank = caller.patch(f"/api/v1/organizations/{body['id']}", json={"uscc": None})
    assert blank.status_code == 422 and "请填写统一社会信用代码" in blank.get_json()["error"]["fields"]["uscc"][0]


def test_list_filters_are_declared(api, make):
    make.organization()
    caller = api(make.organizer())
    assert caller.get("/api/v1/organizations?pilot=&active=&district=").get_json()["total"] == 1
    response = caller.get("/api/v1/organizations?pilot=maybe")
    assert response.status_code == 422 and "pilot" in response.get_json()["error"]["fields"]
