"""Enterprise sign-up, the USCC (统一社会信用代码) rules and the pilot-unit flag."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import marshmallow as ma
import pytest

from trainhub.errors import DomainError, ValidationError
from trainhub.extensions import db
from trainhub.models import Organization, User
from trainhub.organizations import services, uscc
from trainhub.organizations.schemas import SignupSchema, uscc_message
from trainhub.schemas import field_errors

NOW = datetime(2026, 10, 14, 1, 0, tzinfo=UTC)
VALID = uscc.generate(random.Random(7))


def signup(**overrides):
    """What the sign-up page does: the fields as SignupSchema loads them (a refusal is the page's 422), then the service."""
    raw = dict(
        name="华东标准件有限公司",
        uscc=VALID,
        district="朝阳区",
        industry="制造业",
        contact_name="李雷",
        contact_phone="13800001111",
        contact_email="li.lei@huadong.example.cn",
        pilot_unit_requested=True,
        password="long-enough-pw",
    )
    raw.update(overrides)
    try:
        values = SignupSchema().load(raw)
    except ma.ValidationError as error:
        raise ValidationError(field_errors(error.messages)) from None
    return services.sign_up_enterprise(values, now=NOW)


def wrong_check(code: str) -> str:
    alternatives = [c for c in uscc.ALPHABET if c != code[17]]
    return code[:17] + alternatives[0]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("", "请填写统一社会信用代码"),
        ("91110105MA01", "应为 18 位，当前为 12 位"),
        (VALID[:16] + "OI", "不允许的字符：IO"),
        (wrong_check(VALID), "校验位不正确"),
    ],
)
def test_uscc_messages_say_what_is_wrong(app, code, expected):
    with pytest.raises(ValidationError) as info:
        signup(uscc=code)
    assert expected in str(info.value.fields["uscc"][0])
    assert db.session.scalar(db.select(db.func.count(Organization.id))) == 0


def test_uscc_message_in_english(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        assert "18 characters" in str(uscc_message("123"))


def test_lowercase_code_is_accepted_and_stored_upper(app):
    member = signup(uscc=VALID.lower())
    assert member.organization.uscc == VALID


def test_sign_up_creates_organization_and_first_member_with_pilot_only_requested(app):
    member = signup()
    organization = member.organization
    assert member.role == "enterprise" and member.email == "li.lei@huadong.example.cn"
    from werkzeug.security import check_password_hash

    assert check_password_hash(member.password_hash, "long-enough-pw")
    assert "long-enough-pw" not in member.password_hash
    assert organization.pilot_unit_requested is True
    assert organization.is_pilot_unit is False


def test_pilot_flag_takes_effect_only_after_organizer_confirms(app, make):
    organization = signup().organization
    organizer = make.organizer()
    services.set_pilot_unit(organization, True, actor=organizer)
    assert db.session.get(Organization, organization.id).is_pilot_unit is True
    services.set_pilot_unit(organization, False, actor=organizer)
    assert db.session.get(Organization, organization.id).is_pilot_unit is False


def test_member_cannot_confirm_own_pilot_flag(app):
    member = signup()
    with pytest.raises(DomainError) as info:
        services.set_pilot_unit(member.organization, True, actor=member)
    assert info.value.status == 403


def test_same_code_cannot_sign_up_twice(app):
    signup()
    with pytest.raises(DomainError) as info:
        signup(contact_email="other@example.cn")
    assert info.value.code == "uscc_taken" and info.value.status == 409


def test_taken_email_is_refused(app, make):
    make.trainer(email="taken@example.cn")
    with pytest.raises(DomainError) as info:
        signup(contact_email="taken@example.cn")
    assert info.value.code == "email_taken"


def test_short_password_and_bad_fields_are_reported_together(app):
    with pytest.raises(ValidationError) as info:
        signup(password="short", contact_email="not-an-email", name=" ")
    assert set(info.value.fields) == {"password", "contact_email", "name"}
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_disabling_organization_stops_its_members(app, make):
    member = signup()
    services.set_organization_active(member.organization, False, actor=make.organizer())
    assert db.session.get(User, member.id).is_active is False


def test_parallel_sign_ups_with_the_same_code_let_exactly_one_through(app):
    import threading

    barrier = threading.Barrier(4)
    results: list[str] = []

    def attempt(n):
        with app.app_context():
            barrier.wait()
            try:
                signup(contact_email=f"racer{n}@example.cn")
                results.append("ok")
            except DomainError as error:
                results.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "uscc_taken", "uscc_taken", "uscc_taken"]
    assert db.session.scalar(db.select(db.func.count(Organization.id))) == 1
