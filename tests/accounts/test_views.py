"""Log-in, remember-me, log-out, profile and password change, sign-up, invitations, admin pages."""

from __future__ import annotations

import random
import re

import pytest

from trainhub.extensions import db
from trainhub.models import ApiToken, Organization, OutboxMessage, User
from trainhub.organizations import uscc

PASSWORD = "secret-pass-123"


def post_login(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_login_page_and_successful_login_redirects_to_safe_next(client, make):
    user = make.trainer(email="t@example.cn")
    assert client.get("/login").status_code == 200
    response = post_login(client, "t@example.cn", next="/profile")
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile")
    page = client.get("/profile")
    assert page.status_code == 200 and user.email in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_login_ignores_unsafe_next(client, make, target):
    make.trainer(email="t@example.cn")
    response = post_login(client, "t@example.cn", next=target)
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"] and "javascript" not in response.headers["Location"]


def test_wrong_password_shows_a_message_without_logging_in(client, make):
    make.trainer(email="t@example.cn")
    response = post_login(client, "t@example.cn", "wrong-password")
    assert "电子邮箱或密码不正确" in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302


def test_login_rate_limit_gives_a_clear_message(app, client, make):
    app.config["LOGIN_RATE_LIMIT"] = 2
    make.trainer(email="t@example.cn")
    post_login(client, "t@example.cn", "wrong-1")
    post_login(client, "t@example.cn", "wrong-2")
    response = post_login(client, "t@example.cn")
    assert response.status_code == 429
    assert "请 15 分钟后再试" in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302


def test_remember_me_sets_a_long_lived_cookie(client, make):
    make.trainer(email="t@example.cn")
    response = post_login(client, "t@example.cn", remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("remember_token=") and "Expires=" in c for c in cookies)
    other = post_login(client.application.test_client(), "t@example.cn")
    assert not any(c.startswith("remember_token=") for c in other.headers.getlist("Set-Cookie"))


def test_logout_is_a_post_and_ends_the_session(client, make, login):
    login(make.trainer())
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/profile").status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, make):
    make.trainer(email="t@example.cn", password="old-password")
    other = app.test_client()
    post_login(client, "t@example.cn", "old-password")
    post_login(other, "t@example.cn", "old-password", remember="y")
    response = client.post(
        "/profile",
        data={
            "action": "password",
            "password-current_password": "old-password",
            "password-new_password": "new-password-1",
            "password-new_password_confirm": "new-password-1",
        },
    )
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200
    assert other.get("/profile").status_code == 302  # session and remember-me cookie are stale now
    assert post_login(app.test_client(), "t@example.cn", "new-password-1").status_code == 302


def test_password_change_with_wrong_current_password(client, make, login):
    login(make.trainer(password="old-password"))
    response = client.post(
        "/profile",
        data={
            "action": "password",
            "password-current_password": "nope-nope",
            "password-new_password": "new-password-1",
            "password-new_password_confirm": "new-password-1",
        },
    )
    assert response.status_code == 422 and "当前密码不正确" in response.get_data(as_text=True)


def test_profile_saves_name_and_language(client, make, login):
    user = login(make.trainer())
    response = client.post("/profile", data={"action": "profile", "profile-name": "新名字", "profile-locale": "en"})
    assert response.status_code == 302
    user = db.session.get(User, user.id)
    assert (user.name, user.locale) == ("新名字", "en")
    assert '<html lang="en">' in client.get("/profile").get_data(as_text=True)


def test_api_token_is_shown_once_and_revocable(app, client, make, login):
    user = login(make.trainer())
    page = client.post("/profile", data={"action": "token", "token-token_name": "HR"}).get_data(as_text=True)
    raw = re.search(r'id="new-token">([^<]+)<', page).group(1)
    bearer = app.test_client()
    assert bearer.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    assert raw not in client.get("/profile").get_data(as_text=True)
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == user.id))
    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 302
    assert bearer.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def signup_data(**overrides):
    data = {
        "name": "华东标准件有限公司",
        "uscc": uscc.generate(random.Random(3)),
        "district": "朝阳区",
        "industry": "制造业",
        "contact_name": "李雷",
        "contact_phone": "13800001111",
        "contact_email": "lilei@example.cn",
        "pilot_unit_requested": "y",
        "password": "long-enough-pw",
        "password_confirm": "long-enough-pw",
    }
    data.update(overrides)
    return data


def test_signup_creates_enterprise_logs_in_and_only_requests_pilot(client):
    response = client.post("/signup", data=signup_data())
    assert response.status_code == 302
    organization = db.session.scalar(db.select(Organization))
    assert organization.pilot_unit_requested is True and organization.is_pilot_unit is False
    page = client.get("/my/organization").get_data(as_text=True)
    assert "华东标准件有限公司" in page and "经管理员确认后生效" in page


def test_signup_wrong_code_and_duplicate_code_messages(client, make):
    code = signup_data()["uscc"]
    bad = client.post("/signup", data=signup_data(uscc=code[:17] + ("0" if code[17] != "0" else "1")))
    assert bad.status_code == 422 and "校验位不正确" in bad.get_data(as_text=True)
    make.organization(uscc=code)
    taken = client.post("/signup", data=signup_data())
    assert taken.status_code == 409 and "已经注册过" in taken.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_login_and_signup_forms_require_csrf(client, make):
    make.trainer(email="t@example.cn")
    assert post_login(client, "t@example.cn").status_code == 400
    assert client.post("/signup", data=signup_data()).status_code == 400
    assert db.session.scalar(db.select(db.func.count(Organization.id))) == 0
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert post_login(client, "t@example.cn", csrf_token=token).status_code == 302
    assert client.post("/logout").status_code == 400  # log-out needs the token too


def test_invitation_page_sets_name_and_password(app, client, make, login):
    member = login(make.member())
    response = client.post("/my/organization", data={"email": "colleague@example.cn", "name": "韩梅梅"})
    assert response.status_code == 302
    message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "member_invitation"))
    path = message.body_text.split("http://trainhub.test", 1)[1].strip()
    guest = app.test_client()
    assert "colleague@example.cn" in guest.get(path).get_data(as_text=True)
    short = guest.post(path, data={"name": "韩梅梅", "password": "short", "password_confirm": "short"})
    assert short.status_code == 422
    done = guest.post(path, data={"name": "韩梅梅", "password": "meimei-pass", "password_confirm": "meimei-pass"})
    assert done.status_code == 302
    assert member.organization.name in guest.get("/my/organization").get_data(as_text=True)
    assert guest.get(path).status_code == 404  # used once


def test_admin_users_page_creates_trainer_and_disables_users(client, make, login):
    organizer = login(make.organizer())
    trainer = make.trainer(name="被停用的讲师")
    assert "被停用的讲师" in client.get("/manage/users?role=trainer").get_data(as_text=True)
    response = client.post(
        "/manage/users/new",
        data={"role": "trainer", "name": "新讲师", "email": "new@example.cn", "unit_id": str(organizer.unit_id)},
    )
    assert response.status_code == 302
    assert db.session.scalar(db.select(User).where(User.email == "new@example.cn")).role == "trainer"
    assert client.post(f"/manage/users/{trainer.id}/active", data={"active": "0"}).status_code == 302
    assert db.session.get(User, trainer.id).is_active is False


def test_district_organizer_cannot_create_organizer_accounts(client, make, login):
    login(make.organizer(unit=make.unit()))
    response = client.post("/manage/users/new", data={"role": "organizer", "name": "王", "email": "o@example.cn"})
    assert response.status_code in (403, 422)
    assert db.session.scalar(db.select(User).where(User.email == "o@example.cn")) is None


@pytest.mark.parametrize("path", ["/manage/users", "/manage/users/new", "/manage/organizations"])
def test_admin_pages_are_for_organizers_only(client, make, login, path):
    assert client.get(path).status_code == 302  # anonymous → login
    login(make.member())
    assert client.get(path).status_code == 403


def test_remember_me_cookie_logs_back_in_after_the_session_ends(app, client, make):
    make.trainer(email="t@example.cn")
    response = post_login(client, "t@example.cn", remember="y")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    value = cookie.split(";", 1)[0].split("=", 1)[1]
    fresh = app.test_client()
    assert fresh.get("/profile").status_code == 302
    fresh.set_cookie("remember_token", value)
    assert fresh.get("/profile").status_code == 200


def _csrf_from(page: str) -> dict:
    return dict(re.findall(r'name="([\w-]*csrf_token)" type="hidden" value="([^"]+)"', page))


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_profile_forms_work_with_csrf_and_refuse_without(app, client, make):
    make.trainer(email="t@example.cn", password="old-password")
    login_page = client.get("/login").get_data(as_text=True)
    post_login(client, "t@example.cn", "old-password", csrf_token=_csrf_from(login_page)["csrf_token"])
    data = {
        "action": "password",
        "password-current_password": "old-password",
        "password-new_password": "new-password-1",
        "password-new_password_confirm": "new-password-1",
    }
    assert client.post("/profile", data=data).status_code == 400
    tokens = _csrf_from(client.get("/profile").get_data(as_text=True))
    assert (
        client.post("/profile", data={**data, "password-csrf_token": tokens["password-csrf_token"]}).status_code == 302
    )
    assert client.get("/profile").status_code == 200


@pytest.mark.parametrize("path", ["/login", "/signup", "/login?lang=en", "/signup?lang=en"])
def test_public_pages_render_in_both_languages(client, path):
    page = client.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert ("Log in" in text) if "lang=en" in path else ("登录" in text)


def test_disabling_a_user_ends_their_open_session(app, client, make, login):
    trainer = make.trainer(email="t@example.cn")
    post_login(client, "t@example.cn")
    assert client.get("/profile").status_code == 200
    organizer_client = app.test_client()
    with organizer_client.session_transaction() as session:
        session["_user_id"] = make.organizer().get_id()
    assert organizer_client.post(f"/manage/users/{trainer.id}/active", data={"active": "0"}).status_code == 302
    assert client.get("/profile").status_code == 302


def test_new_trainer_sets_password_through_the_emailed_link(app, client, make, login):
    login(make.organizer())
    client.post("/manage/users/new", data={"role": "trainer", "name": "新讲师", "email": "new@example.cn"})
    message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.recipient == "new@example.cn"))
    path = message.body_text.split("http://trainhub.test", 1)[1].strip()
    guest = app.test_client()
    assert "new@example.cn" in guest.get(path).get_data(as_text=True)
    done = guest.post(path, data={"password": "trainer-pass", "password_confirm": "trainer-pass"})
    assert done.status_code == 302
    assert guest.get("/profile").status_code == 200
    assert guest.get(path).status_code == 404


def test_the_password_rules_are_the_schemas_on_every_page(client, make, login):
    """The profile's password change and name, and the emailed first-password link, refuse what the
    schemas refuse, next to the field; nothing changes."""
    user = login(make.trainer(password="old-password", name="原名"))
    short = client.post(
        "/profile",
        data={
            "action": "password",
            "password-current_password": "old-password",
            "password-new_password": "short",
            "password-new_password_confirm": "short",
        },
    )
    assert short.status_code == 422 and "密码至少 8 位" in short.get_data(as_text=True)
    blank = client.post("/profile", data={"action": "profile", "profile-name": "  ", "profile-locale": ""})
    assert blank.status_code == 422 and db.session.get(User, user.id).name == "原名"
    client.post("/logout")
    assert post_login(client, user.email, "old-password").status_code == 302


def test_first_password_page_from_the_emailed_link(app, client, make, api):
    created = api(make.organizer()).post(
        "/api/v1/users", json={"email": "new@example.cn", "name": "新讲师", "role": "trainer"}
    )
    assert created.status_code == 201
    message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "account_setup"))
    path = message.body_text.split("http://trainhub.test", 1)[1].strip()
    assert client.get(path).status_code == 200
    short = client.post(path, data={"password": "short", "password_confirm": "short"})
    assert short.status_code == 422 and "密码至少 8 位" in short.get_data(as_text=True)
    assert (
        client.post(path, data={"password": "chosen-password", "password_confirm": "chosen-password"}).status_code
        == 302
    )
    assert post_login(app.test_client(), "new@example.cn", "chosen-password").status_code == 302
