"""Units API and pages; a district bureau's enterprises and invitations."""

from __future__ import annotations

import sqlalchemy as sa
from jsonschema import Draft202012Validator

from trainhub.extensions import db
from trainhub.models import EventInvitation, OutboxMessage, Unit


def test_any_organizer_lists_units(api, units, make):
    r = api(units.cy).get("/api/v1/units")
    assert r.status_code == 200
    assert {"name": "朝阳区市场监管局", "kind": "district_bureau", "district": "朝阳区"}.items() <= r.json["items"][
        1
    ].items()
    assert api(make.member()).get("/api/v1/units").status_code == 403
    assert api(make.trainer()).get("/api/v1/units").status_code == 403
    assert api().get("/api/v1/units").status_code == 401


def test_commission_creates_and_patches_units_others_get_403(api, units):
    boss = api(units.boss)
    r = boss.post("/api/v1/units", json={"name": "市标准化研究院", "kind": "institute", "district": ""})
    assert r.status_code == 201 and r.json["kind"] == "institute"
    unit_id = r.json["id"]
    r = boss.patch(f"/api/v1/units/{unit_id}", json={"district": "东城区"})
    assert r.status_code == 200 and (r.json["name"], r.json["district"]) == ("市标准化研究院", "东城区")
    assert (
        boss.post("/api/v1/units", json={"name": "市标准化研究院", "kind": "other"}).json["error"]["code"]
        == "unit_name_taken"
    )
    r = boss.post("/api/v1/units", json={"name": "", "kind": "planet"})
    assert r.status_code == 422 and set(r.json["error"]["fields"]) == {"name", "kind"}
    assert boss.post("/api/v1/units", json={"name": "某区局", "kind": "district_bureau"}).status_code == 422
    assert boss.patch("/api/v1/units/99999", json={"name": "x"}).status_code == 404
    assert boss.post("/api/v1/units", data="[]", content_type="application/json").status_code == 400
    assert api(units.cy).post("/api/v1/units", json={"name": "y", "kind": "other"}).status_code == 403
    assert api(units.cy).patch(f"/api/v1/units/{unit_id}", json={"name": "z"}).status_code == 403
    assert boss.patch(f"/api/v1/units/{units.commission.id}", json={"kind": "other"}).status_code == 409


def test_units_page(client, login, units):
    login(units.cy)
    r = client.get("/manage/units")
    assert r.status_code == 200 and "海淀区市场监管局" in r.text and "添加单位" not in r.text
    assert units.cy.name in r.text
    assert client.post("/manage/units", data={"name": "x", "kind": "other"}).status_code == 403
    login(units.boss)
    r = client.post(
        "/manage/units", data={"name": "市标准化协会", "kind": "federation", "district": ""}, follow_redirects=True
    )
    assert "已添加单位" in r.text
    unit = db.session.scalar(sa.select(Unit).where(Unit.name == "市标准化协会"))
    r = client.post(
        f"/manage/units/{unit.id}",
        data={"name": "市标准化协会", "kind": "other", "district": "西城区"},
        follow_redirects=True,
    )
    assert "已保存" in r.text


def test_district_bureau_sees_its_district_enterprises(client, login, make, units):
    make.organization(name="朝阳甲公司", district="朝阳区")
    make.organization(name="海淀乙公司", district="海淀区")
    ours = make.event(title="朝阳区主办的课", host_unit=units.chaoyang)
    make.event(title="海淀区主办的课", host_unit=units.haidian)
    login(units.cy)
    r = client.get("/manage/enterprises")
    assert "朝阳甲公司" in r.text and "海淀乙公司" not in r.text
    assert f"/manage/events/{ours.id}/invitations" in r.text and "海淀区主办的课" not in r.text
    login(units.tc_org)
    assert client.get("/manage/enterprises").status_code == 403
    login(units.boss)
    r = client.get("/manage/enterprises")
    assert "朝阳甲公司" in r.text and "海淀乙公司" in r.text


def test_invitations_of_district_enterprises(api, make, units):
    event = make.event(host_unit=units.chaoyang, co_units=[units.tc])
    ours = make.organization(name="朝阳甲公司", district="朝阳区", contact_email="jia@example.cn")
    make.member(organization=ours, email="hr@jia.cn")
    theirs = make.organization(name="海淀乙公司", district="海淀区")
    url = f"/api/v1/events/{event.id}/invitations"
    cy = api(units.cy)
    r = cy.post(url, json={"organization_ids": [ours.id, theirs.id]})
    assert r.status_code == 422 and r.json["error"]["code"] == "organization_out_of_district"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EventInvitation)) == 0
    r = cy.post(url, json={"organization_ids": [ours.id]})
    assert r.status_code == 200 and r.json == {"sent": 1}
    mails = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "event_invitation")).all()
    assert sorted(m.recipient for m in mails) == ["hr@jia.cn", "jia@example.cn"]
    assert f"/events/{event.id}" in mails[0].body_text
    assert cy.post(url, json={"organization_ids": [ours.id]}).json == {"sent": 0}  # never twice
    r = cy.get(url)
    assert [(i["organization"]["name"], i["registered"]) for i in r.json["items"]] == [("朝阳甲公司", False)]
    make.registration(event, ours)
    assert cy.get(url).json["items"][0]["registered"] is True
    assert r.json["items"][0]["invited_at"].endswith("+08:00")
    # Co-organizer reads, cannot invite; another bureau does not see the event; the commission invites anyone.
    assert api(units.tc_org).get(url).status_code == 200
    assert api(units.tc_org).post(url, json={"organization_ids": [ours.id]}).status_code == 403
    assert api(units.hd).get(url).status_code == 404
    assert api(units.boss).post(url, json={"organization_ids": [theirs.id]}).json == {"sent": 1}
    assert cy.post(url, json={"organization_ids": []}).status_code == 422
    assert cy.post(url, json={"organization_ids": "1"}).status_code == 422
    # the answers are what the document declares (the list and the POST's {sent})
    spec = cy.get("/api/v1/openapi.json").json
    for method, status, answer in (
        ("get", "200", cy.get(url).json),
        ("post", "200", cy.post(url, json={"organization_ids": [ours.id]}).json),
    ):
        schema = spec["paths"]["/api/v1/events/{event_id}/invitations"][method]["responses"][status]
        validator = Draft202012Validator(
            {**schema["content"]["application/json"]["schema"], "components": spec["components"]}
        )
        assert [e.message for e in validator.iter_errors(answer)] == []


def test_invitation_page(client, login, make, units):
    event = make.event(host_unit=units.chaoyang)
    ours = make.organization(name="朝阳甲公司", district="朝阳区")
    make.organization(name="海淀乙公司", district="海淀区")
    login(units.cy)
    page = f"/manage/events/{event.id}/invitations"
    r = client.get(page)
    assert "朝阳甲公司" in r.text and "海淀乙公司" not in r.text
    r = client.post(page, data={"organization_ids": [str(ours.id)]}, follow_redirects=True)
    assert "已发送 1 份邀请" in r.text and "未报名" in r.text
    login(units.hd)
    assert client.get(page).status_code == 404
