"""Organization pages: who sees what (access matrix), pilot confirmation, members, statement counts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from trainhub.extensions import db
from trainhub.models import Organization, User


@pytest.fixture
def people(make):
    org_a = make.organization(name="甲企业", district="朝阳区")
    org_b = make.organization(name="乙企业", district="海淀区")
    return {
        "anonymous": None,
        "member_a": make.member(organization=org_a),
        "member_b": make.member(organization=org_b),
        "trainer": make.trainer(),
        "district_organizer": make.organizer(unit=make.unit()),
        "organizer": make.organizer(),
        "org_a": org_a,
        "org_b": org_b,
    }


# (path template, {who: expected status}); anything not listed: anonymous → 302 to log-in.
MATRIX = [
    ("/manage/organizations", {"member_a": 403, "trainer": 403, "district_organizer": 200, "organizer": 200}),
    ("/manage/organizations/{org_a}", {"member_a": 403, "member_b": 403, "trainer": 403, "organizer": 200}),
    ("/manage/organizations/999", {"organizer": 404}),
    ("/my/organization", {"member_a": 200, "trainer": 403, "organizer": 403}),
    ("/manage/users", {"member_a": 403, "trainer": 403, "organizer": 200, "district_organizer": 200}),
    ("/manage/users/new", {"member_b": 403, "trainer": 403, "organizer": 200, "district_organizer": 200}),
    ("/profile", {"member_a": 200, "trainer": 200, "organizer": 200}),
]


@pytest.mark.parametrize(("template", "expected"), MATRIX)
def test_access_matrix(client, login, people, template, expected):
    path = template.format(org_a=people["org_a"].id)
    assert client.get(path).status_code == 302
    for who, status in expected.items():
        login(people[who])
        assert client.get(path).status_code == status, (who, path)


def test_member_page_shows_only_own_people(client, login, people, make):
    make.member(organization=people["org_b"], name="乙企业的人")
    login(people["member_a"])
    page = client.get("/my/organization").get_data(as_text=True)
    assert "甲企业" in page and "乙企业的人" not in page


def test_member_cannot_post_to_organizer_actions_of_another_enterprise(client, login, people):
    login(people["member_a"])
    org_b = people["org_b"]
    assert client.post(f"/manage/organizations/{org_b.id}/pilot", data={"value": "1"}).status_code == 403
    assert client.post(f"/manage/organizations/{org_b.id}/active", data={"value": "0"}).status_code == 403
    assert client.post(f"/manage/users/{people['member_b'].id}/active", data={"active": "0"}).status_code == 403
    assert db.session.get(Organization, org_b.id).is_active is True


def test_organizer_confirms_pilot_disables_and_adds_member(client, login, people):
    login(people["organizer"])
    org = people["org_a"]
    org.pilot_unit_requested = True
    db.session.commit()
    listing = client.get("/manage/organizations?pilot=requested").get_data(as_text=True)
    assert "甲企业" in listing and "乙企业" not in listing
    assert "乙企业" in client.get("/manage/organizations?district=海淀区").get_data(as_text=True)
    assert client.post(f"/manage/organizations/{org.id}/pilot", data={"value": "1"}).status_code == 302
    assert db.session.get(Organization, org.id).is_pilot_unit is True
    added = client.post(f"/manage/organizations/{org.id}", data={"email": "new@example.cn", "name": "新成员"})
    assert added.status_code == 302
    assert db.session.scalar(sa.select(User).where(User.email == "new@example.cn")).organization_id == org.id
    assert client.post(f"/manage/organizations/{org.id}/active", data={"value": "0"}).status_code == 302
    assert db.session.get(User, people["member_a"].id).is_active is False


def test_organizations_and_users_lists_run_a_fixed_number_of_statements(app, client, login, make):
    login(make.organizer())

    def statements(path):
        count = 0

        def before(*_args, **_kw):
            nonlocal count
            count += 1

        sa.event.listen(db.engine, "before_cursor_execute", before)
        try:
            assert client.get(path).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before)
        return count

    for _ in range(3):
        make.member(organization=make.organization())
        make.organizer(unit=make.unit())
    few = statements("/manage/users"), statements("/manage/organizations")
    for _ in range(6):
        make.member(organization=make.organization())
        make.organizer(unit=make.unit())
    assert (statements("/manage/users"), statements("/manage/organizations")) == few
