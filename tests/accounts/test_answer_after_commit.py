"""Sign-up and a member's invitation answer from what they wrote: the database lost right after their
commit cannot turn an account that was made into a 500 (a retry would then meet "already taken")."""

from __future__ import annotations

from tests.accounts.test_views import signup_data
from tests.faults import database_lost_after_commit_of
from trainhub.extensions import db
from trainhub.models import Organization, User


def test_sign_up_signs_in_and_answers_without_the_database_after_its_commit(app, client):
    with database_lost_after_commit_of(app, Organization) as state:
        response = client.post("/signup", data=signup_data())
    assert state["lost"]
    assert response.status_code == 302 and response.headers["Location"] != "/signup"
    with client.session_transaction() as session:
        assert session.get("_user_id")
        assert any("注册成功" in message for _category, message in session["_flashes"])
    db.session.remove()
    assert db.session.scalar(db.select(User.email).where(User.role == "enterprise")) == "lilei@example.cn"


def test_a_member_invitation_answers_the_member_it_made_without_the_database_after_its_commit(app, api, make):
    organizer = make.organizer()
    organization = make.organization()
    caller = api(organizer)
    with database_lost_after_commit_of(app, User) as state:
        response = caller.post(
            f"/api/v1/organizations/{organization.id}/members", json={"email": "new.member@example.cn", "name": "王芳"}
        )
    assert state["lost"]
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["email"] == "new.member@example.cn"
