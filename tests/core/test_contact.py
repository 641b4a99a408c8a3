"""Phones and e-mail addresses are normalised (NFKC, ASCII digits) before they are checked or stored, one
function per kind (trainhub/contact.py), and what stays ambiguous is refused with a clear 422 — at
registration, sign-up, member invitation, user creation and log-in alike."""

from __future__ import annotations

import random

import marshmallow as ma
import pytest
import sqlalchemy as sa

from trainhub.contact import email_problem, normalize_email, normalize_phone, phone_problem
from trainhub.errors import DomainError
from trainhub.extensions import db
from trainhub.models import Registration, User
from trainhub.organizations import uscc
from trainhub.registrations import services as registrations
from trainhub.registrations.schemas import RegistrationRequestSchema
from trainhub.schemas import field_errors
from trainhub.timeutil import now

DEVANAGARI_SIX = "\u096c"  # ६


@pytest.mark.parametrize(
    "typed",
    [
        "13912340002",
        "139１２３４０００２",
        "+86 139-1234-0002",
        "１３９\u3000１２３４\u3000０００２",
        "0086 (139) 1234 0002",
    ],
)
def test_one_phone_however_typed(typed):
    assert normalize_phone(typed) == "13912340002" and phone_problem(normalize_phone(typed)) is None


@pytest.mark.parametrize("typed", [f"13040{DEVANAGARI_SIX}27417", "١٣٩١٢٣٤٠٠٠٢", "139一二三四0002", "1391234000x"])
def test_phones_with_other_digits_are_refused(app, typed):
    with app.test_request_context():
        assert phone_problem(normalize_phone(typed)) is not None


@pytest.mark.parametrize("typed", ["hr@example.cn", "ＨＲ@ｅｘａｍｐｌｅ.ｃｎ", " HR@Example.CN "])
def test_one_email_however_typed(typed):
    assert normalize_email(typed) == "hr@example.cn" and email_problem(typed) is None


def test_an_idn_domain_is_one_domain_in_either_form():
    assert normalize_email("hr@xn--fsqu00a.xn--fiqs8s") == normalize_email("hr@例子.中国") == "hr@例子.中国"
    assert email_problem("hr@例子.中国") is None


@pytest.mark.parametrize(
    "typed, says",
    [
        ("hrı@example.cn", "@ 前面只能使用英文字母"),  # dotless ı in the local part
        ("张伟@example.cn", "@ 前面只能使用英文字母"),
        ("hr@exаmple.cn", "混用了外形相似的其他字母"),  # Cyrillic а
        ("hr@ıexample.cn", "混用了外形相似的其他字母"),
        ("hr@xn--exmple-4nf.cn", "混用了外形相似的其他字母"),  # the Cyrillic one in punycode
        ("hr@ex\u200bample.cn", "请输入有效的电子邮箱地址"),  # zero-width space: not IDNA
        ("hr@ex_ample.cn", "请输入有效的电子邮箱地址"),
        ("hr@example", "请输入有效的电子邮箱地址"),
    ],
)
def test_ambiguous_emails_are_refused_with_a_reason(app, typed, says):
    with app.test_request_context():
        assert says in str(email_problem(typed))


# -- through the use cases -------------------------------------------------------------------------------


def attendee(phone, name="杨帆"):
    return {"name": name, "phone": phone, "email": "", "job_title": ""}


def attendees(*rows):
    """As the API, the page and the CLI load them."""
    return RegistrationRequestSchema().load({"attendees": list(rows)})["attendees"]


def test_one_phone_registers_once_whatever_digits_it_is_typed_in(make):
    event = make.event()
    organization = make.organization()
    registrations.register_attendees(event, organization, attendees(attendee("13912340002")), actor=None, now=now())
    with pytest.raises(DomainError) as duplicate:
        registrations.register_attendees(
            event, organization, attendees(attendee("139１２３４０００２", "周敏")), actor=None, now=now()
        )
    assert duplicate.value.code == "duplicate_phone"
    with pytest.raises(ma.ValidationError) as foreign:
        attendees(attendee(f"1391234000{DEVANAGARI_SIX}", "王强"))
    assert "attendees.0.phone" in field_errors(foreign.value.messages)
    assert db.session.scalars(sa.select(Registration.phone)).all() == ["13912340002"]


def test_registration_page_refuses_foreign_digits_with_a_message(client, make, login):
    member = login(make.member())
    event = make.event()
    response = client.post(
        f"/events/{event.id}/register",
        data={"attendees-0-name": "王强", "attendees-0-phone": f"13040{DEVANAGARI_SIX}27417"},
    )
    assert response.status_code == 422
    assert "非标准数字" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0
    assert member


def signup_data(**overrides):
    data = {
        "name": "华东标准件有限公司",
        "uscc": uscc.generate(random.Random(11)),
        "district": "朝阳区",
        "industry": "制造业",
        "contact_name": "李雷",
        "contact_phone": "138００００1111",
        "contact_email": "ｌｉｌｅｉ@ｅｘａｍｐｌｅ.ｃｎ",
        "password": "long-enough-pw",
        "password_confirm": "long-enough-pw",
    }
    data.update(overrides)
    return data


def test_signup_stores_the_normal_form_and_login_finds_it_however_typed(app, client):
    assert client.post("/signup", data=signup_data()).status_code == 302
    user = db.session.scalar(sa.select(User))
    assert user.email == "lilei@example.cn" and user.phone == "13800001111"
    assert user.organization.contact_email == "lilei@example.cn"
    client.post("/logout")
    fresh = app.test_client()
    response = fresh.post("/login", data={"email": "ＬＩＬＥＩ@example.cn", "password": "long-enough-pw"})
    assert response.status_code == 302 and fresh.get("/profile").status_code == 200


def test_a_look_alike_signup_is_refused_or_taken(client, make):
    make.member(email="lilei@example.cn")
    taken = client.post("/signup", data=signup_data())  # fullwidth: the same address
    assert taken.status_code == 409 and "该电子邮箱已有账号" in taken.get_data(as_text=True)
    dotless = client.post(
        "/signup", data=signup_data(contact_email="lıleı@example.cn", uscc=uscc.generate(random.Random(12)))
    )
    assert dotless.status_code == 422 and "@ 前面只能使用英文字母" in dotless.get_data(as_text=True)
    cyrillic = client.post(
        "/signup", data=signup_data(contact_email="lilei@exаmple.cn", uscc=uscc.generate(random.Random(13)))
    )
    assert cyrillic.status_code == 422 and "混用了外形相似的其他字母" in cyrillic.get_data(as_text=True)
    foreign = client.post(
        "/signup",
        data=signup_data(
            contact_email="new@example.cn",
            contact_phone=f"13040{DEVANAGARI_SIX}27417",
            uscc=uscc.generate(random.Random(14)),
        ),
    )
    assert foreign.status_code == 422 and "非标准数字" in foreign.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_member_invitation_and_user_creation_normalise_too(api, make):
    member = make.member(email="boss@example.cn")
    members = f"/api/v1/organizations/{member.organization_id}/members"
    taken = api(member).post(members, json={"email": "ＢＯＳＳ@example.cn"})
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "email_taken"
    cyrillic = api(member).post(members, json={"email": "colleague@exаmple.cn"})
    assert cyrillic.status_code == 422 and "email" in cyrillic.get_json()["error"]["fields"]
    organizer = api(make.organizer())
    created = organizer.post(
        "/api/v1/users",
        json={
            "email": "Ｔｒａｉｎｅｒ@example.cn",
            "name": "培训师",
            "role": "trainer",
            "phone": "139 1234 0002",
            "password": "long-enough-pw",
        },
    )
    assert created.status_code == 201 and created.get_json()["email"] == "trainer@example.cn"
    assert db.session.get(User, created.get_json()["id"]).phone == "13912340002"
    again = organizer.post(
        "/api/v1/users", json={"email": "trainer@ｅｘａｍｐｌｅ.cn", "name": "培训师", "role": "trainer"}
    )
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "email_taken"
    dotless = organizer.post("/api/v1/users", json={"email": "traıner@example.cn", "name": "培训师", "role": "trainer"})
    assert dotless.status_code == 422 and "email" in dotless.get_json()["error"]["fields"]
