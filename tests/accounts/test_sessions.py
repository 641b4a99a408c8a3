"""Sessions end on the server: a copied session or remember-me cookie stops working at log-out and at a
password change; in production every cookie is Secure, the remember-me cookie SameSite."""

from __future__ import annotations

import pytest

from tests import factories
from trainhub import create_app
from trainhub.extensions import db
from trainhub.models import Unit, User

PASSWORD = "secret-pass-123"


def post_login(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def copy_cookies(source, names, app):
    """A second browser holding copies of these cookies of the first (what a thief would have)."""
    thief = app.test_client()
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value)
    return thief


def test_a_copied_session_cookie_stops_working_at_logout(app, client, make):
    make.trainer(email="t@example.cn")
    post_login(client, "t@example.cn")
    thief = copy_cookies(client, ["session"], app)
    assert thief.get("/profile").status_code == 200
    assert client.post("/logout").status_code == 302
    assert thief.get("/profile").status_code == 302


def test_a_copied_remember_me_cookie_stops_working_at_logout(app, client, make):
    make.trainer(email="t@example.cn")
    post_login(client, "t@example.cn", remember="y")
    thief = copy_cookies(client, ["remember_token"], app)
    assert thief.get("/profile").status_code == 200  # restored from the remember-me cookie
    client.post("/logout")
    stale = app.test_client()
    stale.set_cookie("remember_token", thief.get_cookie("remember_token").value)
    assert stale.get("/profile").status_code == 302


def test_logout_leaves_api_tokens_alone(api, client, make, login):
    user = make.trainer()
    caller = api(user)
    login(user)
    client.post("/logout")
    assert caller.get("/api/v1/events").status_code == 200


def test_a_copied_session_cookie_stops_working_after_a_password_change(app, client, make):
    make.trainer(email="t@example.cn", password="old-password")
    post_login(client, "t@example.cn", "old-password")
    thief = copy_cookies(client, ["session"], app)
    client.post(
        "/profile",
        data={
            "action": "password",
            "password-current_password": "old-password",
            "password-new_password": "new-password-1",
            "password-new_password_confirm": "new-password-1",
        },
    )
    assert client.get("/profile").status_code == 200
    assert thief.get("/profile").status_code == 302


@pytest.fixture
def production_app(tmp_path):
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "k" * 32,
            "BASE_URL": "https://trainhub.example",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "MAIL_OUTBOX_DIR": str(tmp_path / "mail"),
        }
    )
    with app.app_context():
        db.create_all()
        db.session.add(Unit(name="市市场监督管理委员会", kind="commission", district=""))
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def set_cookie_headers(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_production_cookies_are_secure_and_same_site(production_app):
    make = factories.Factory(production_app)
    make.trainer(email="t@example.cn")
    event = make.event()
    registration = make.registration(event)
    client = production_app.test_client()
    https = {"base_url": "https://trainhub.example"}
    cookies = set_cookie_headers(
        client.post("/login", data={"email": "t@example.cn", "password": PASSWORD, "remember": "y"}, **https)
    )
    for name in ("session", "remember_token"):
        assert "; Secure" in cookies[name] and "; HttpOnly" in cookies[name], cookies[name]
        assert "SameSite=Lax" in cookies[name], cookies[name]
    ticket = set_cookie_headers(client.get(f"/t/{registration.ticket_token}", **https))
    assert "; Secure" in ticket[f"th_ticket_{event.id}"]


def test_development_cookies_work_over_http(client, make):
    make.trainer(email="t@example.cn")
    cookies = set_cookie_headers(post_login(client, "t@example.cn", remember="y"))
    assert "Secure" not in cookies["session"] and "SameSite=Lax" in cookies["remember_token"]


def test_logout_moves_the_session_version_on(client, make):
    user = make.trainer(email="t@example.cn")
    post_login(client, "t@example.cn")
    before = user.session_version
    client.post("/logout")
    db.session.expire_all()
    assert db.session.get(User, user.id).session_version == before + 1
