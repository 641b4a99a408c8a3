"""Log-in, passwords, accounts created by organizers, tokens and invitations: the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import marshmallow as ma
import pytest

from trainhub.accounts import services
from trainhub.accounts.schemas import PasswordChangeSchema, UserSchema
from trainhub.errors import DomainError, ValidationError
from trainhub.extensions import db
from trainhub.models import ApiToken, MemberInvitation, OutboxMessage, User
from trainhub.organizations.schemas import MemberSchema
from trainhub.schemas import field_errors
from trainhub.security import hash_token

NOW = datetime(2026, 10, 14, 1, 0, tzinfo=UTC)


def loaded(schema, raw: dict) -> dict:
    """`raw` as the API and the pages load it (a refusal is their 422)."""
    try:
        return schema.load(raw)
    except ma.ValidationError as error:
        raise ValidationError(field_errors(error.messages)) from None


def create_user(*, actor, **raw):
    """POST /users: the body as UserSchema loads it, then the service."""
    return services.create_user(**loaded(UserSchema(), raw), actor=actor, now=NOW)


def invite(organization, *, actor, **raw):
    """POST /organizations/{id}/members: the body as MemberSchema loads it, then the service."""
    values = loaded(MemberSchema(), raw)
    return services.invite_member(organization, email=values["email"], name=values.get("name"), actor=actor, now=NOW)


def codes_of(call):
    with pytest.raises(DomainError) as info:
        call()
    return info.value.code


def test_authenticate_accepts_right_password_only(app, make):
    user = make.trainer(email="T@Example.cn", password="right-password")
    assert services.authenticate(" t@example.CN ", "right-password", ip="10.0.0.1", now=NOW).id == user.id
    assert (
        codes_of(lambda: services.authenticate("t@example.cn", "wrong", ip="10.0.0.1", now=NOW))
        == "invalid_credentials"
    )
    assert (
        codes_of(lambda: services.authenticate("nobody@example.cn", "x", ip="10.0.0.1", now=NOW))
        == "invalid_credentials"
    )


def test_failed_logins_are_limited_per_account(app, make):
    app.config["LOGIN_RATE_LIMIT"] = 3
    make.trainer(email="t@example.cn", password="right-password")
    for n in range(3):
        assert (
            codes_of(lambda: services.authenticate("t@example.cn", "wrong", ip=f"10.0.0.{n}", now=NOW))
            == "invalid_credentials"
        )
    # Even the right password is refused while the account is limited, from any address.
    assert (
        codes_of(lambda: services.authenticate("t@example.cn", "right-password", ip="10.9.9.9", now=NOW))
        == "login_rate_limited"
    )
    later = NOW + timedelta(minutes=16)
    assert services.authenticate("t@example.cn", "right-password", ip="10.9.9.9", now=later).email == "t@example.cn"


def test_failed_logins_are_limited_per_ip(app, make):
    app.config["LOGIN_RATE_LIMIT"] = 3
    make.trainer(email="t@example.cn", password="right-password")
    for n in range(3):
        codes_of(lambda: services.authenticate(f"guess{n}@example.cn", "x", ip="10.0.0.66", now=NOW))
    assert (
        codes_of(lambda: services.authenticate("t@example.cn", "right-password", ip="10.0.0.66", now=NOW))
        == "login_rate_limited"
    )
    assert services.authenticate("t@example.cn", "right-password", ip="10.0.0.67", now=NOW)


def test_disabled_user_and_disabled_organization_cannot_log_in(app, make):
    organizer = make.organizer()
    trainer = make.trainer(email="t@example.cn", password="right-password")
    services.set_user_active(trainer, False, actor=organizer)
    assert (
        codes_of(lambda: services.authenticate("t@example.cn", "right-password", ip=None, now=NOW))
        == "account_disabled"
    )
    member = make.member(email="m@example.cn", password="right-password")
    member.organization.is_active = False
    db.session.commit()
    assert (
        codes_of(lambda: services.authenticate("m@example.cn", "right-password", ip=None, now=NOW))
        == "account_disabled"
    )


def test_change_password_checks_current_and_bumps_session_version(app, make):
    user = make.trainer(password="old-password")
    version = user.session_version
    with pytest.raises(ValidationError) as info:
        loaded(PasswordChangeSchema(), {"current_password": "nope", "new_password": "short"})
    assert set(info.value.fields) == {"new_password"}
    with pytest.raises(ValidationError) as info:
        services.change_password(user, current_password="nope", new_password="long-enough-1", now=NOW)
    assert set(info.value.fields) == {"current_password"}
    assert db.session.get(User, user.id).session_version == version
    services.change_password(user, current_password="old-password", new_password="new-password-1", now=NOW)
    user = db.session.get(User, user.id)
    assert user.session_version == version + 1
    assert services.authenticate(user.email, "new-password-1", ip=None, now=NOW).id == user.id


def test_any_organizer_creates_trainers_only_commission_creates_organizers(app, make):
    bureau = make.unit(kind="district_bureau")
    district_organizer = make.organizer(unit=bureau)
    commission_organizer = make.organizer()
    trainer = create_user(email="New.Trainer@example.cn", name="张老师", role="trainer", actor=district_organizer)
    assert trainer.email == "new.trainer@example.cn" and trainer.password_hash is None
    with pytest.raises(DomainError) as info:
        create_user(email="o@example.cn", name="王", role="organizer", unit_id=bureau.id, actor=district_organizer)
    assert info.value.status == 403
    organizer = create_user(
        email="o@example.cn", name="王", role="organizer", unit_id=bureau.id, actor=commission_organizer
    )
    assert organizer.unit_id == bureau.id
    default = create_user(email="c@example.cn", name="赵", role="organizer", actor=commission_organizer)
    assert default.unit.kind == "commission"


def test_create_user_field_errors(app, make):
    organizer = make.organizer()
    with pytest.raises(ValidationError) as info:
        create_user(email="bad", name="", role="enterprise", unit_id=999, actor=organizer)
    assert set(info.value.fields) == {"email", "name", "role"}
    with pytest.raises(ValidationError) as info:  # the unit's existence is the service's
        create_user(email="o@example.cn", name="王", role="organizer", unit_id=999, actor=organizer)
    assert set(info.value.fields) == {"unit_id"}
    make.trainer(email="dup@example.cn")
    assert (
        codes_of(lambda: create_user(email="DUP@example.cn", name="王", role="trainer", actor=organizer))
        == "email_taken"
    )


def test_user_created_without_password_sets_it_by_emailed_link(app, make):
    organizer = make.organizer(locale="en")
    user = create_user(email="t@example.cn", name="张老师", role="trainer", actor=organizer)
    message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.recipient == "t@example.cn"))
    assert message.kind == "account_setup" and message.locale == "en"
    token = message.body_text.rsplit("/account/setup/", 1)[1].strip()
    services.set_first_password(token, password="chosen-password", now=NOW)
    assert services.authenticate("t@example.cn", "chosen-password", ip=None, now=NOW).id == user.id
    assert codes_of(lambda: services.set_first_password(token, password="again-password", now=NOW)) == "invalid_link"


def test_api_tokens_are_shown_once_stored_hashed_and_revocable(app, make):
    user = make.trainer()
    raw = services.create_api_token(user, "HR system", now=NOW)
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.token_hash == hash_token(raw) and raw not in token.token_hash
    services.revoke_api_token(user, token.id, now=NOW)
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    other = make.trainer()
    assert codes_of(lambda: services.revoke_api_token(other, token.id, now=NOW)) == "not_found"


def test_invitation_flow(app, make):
    inviter = make.member(locale="en")
    organization = inviter.organization
    user, raw = invite(organization, email="Colleague@example.cn", name="韩梅梅", actor=inviter)
    invitation = db.session.scalar(db.select(MemberInvitation))
    assert invitation.token_hash == hash_token(raw)
    assert invitation.expires_at == NOW + timedelta(days=7)
    message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "member_invitation"))
    assert message.recipient == "colleague@example.cn" and message.locale == "en"
    assert f"/invitation/{raw}" in message.body_text and "invites you" in message.body_text
    # Until accepted, the account cannot log in.
    assert (
        codes_of(lambda: services.authenticate("colleague@example.cn", "", ip=None, now=NOW)) == "invalid_credentials"
    )
    accepted = services.accept_invitation(raw, name="韩梅梅", password="meimei-pass", now=NOW + timedelta(days=1))
    assert accepted.id == user.id and accepted.organization_id == organization.id and accepted.role == "enterprise"
    assert services.authenticate("colleague@example.cn", "meimei-pass", ip=None, now=NOW).id == user.id
    assert (
        codes_of(lambda: services.accept_invitation(raw, name="x", password="another-pass", now=NOW))
        == "invalid_invitation"
    )


def test_invitation_expires_after_seven_days(app, make):
    inviter = make.member()
    _user, raw = services.invite_member(inviter.organization, email="c@example.cn", name=None, actor=inviter, now=NOW)
    later = NOW + timedelta(days=7, seconds=1)
    assert (
        codes_of(lambda: services.accept_invitation(raw, name="c", password="long-password", now=later))
        == "invalid_invitation"
    )


def test_member_cannot_invite_into_another_enterprise(app, make):
    member = make.member()
    other = make.organization()
    assert (
        codes_of(lambda: services.invite_member(other, email="x@example.cn", name="x", actor=member, now=NOW))
        == "not_found"
    )


def test_inviting_an_existing_account_is_refused(app, make):
    member = make.member()
    make.trainer(email="t@example.cn")
    assert (
        codes_of(
            lambda: services.invite_member(member.organization, email="t@example.cn", name="x", actor=member, now=NOW)
        )
        == "email_taken"
    )


def test_organizer_cannot_disable_self_and_district_organizer_cannot_disable_organizers(app, make):
    bureau_organizer = make.organizer(unit=make.unit())
    commission_organizer = make.organizer()
    assert (
        codes_of(lambda: services.set_user_active(bureau_organizer, False, actor=bureau_organizer))
        == "cannot_disable_self"
    )
    assert (
        codes_of(lambda: services.set_user_active(commission_organizer, False, actor=bureau_organizer))
        == "commission_only"
    )
    services.set_user_active(bureau_organizer, False, actor=commission_organizer)
    assert db.session.get(User, bureau_organizer.id).is_active is False


REDIS_URL = __import__("os").environ.get("TRAINHUB_TEST_REDIS_URL")


@pytest.mark.skipif(
    not REDIS_URL, reason="TRAINHUB_TEST_REDIS_URL is not set: the Redis rate-limit backend is not tested"
)
@pytest.mark.parametrize("app", [{"REDIS_URL": REDIS_URL, "LOGIN_RATE_LIMIT": 2}], indirect=True)
def test_failed_logins_are_limited_with_redis_too(app, make):
    import uuid

    email = f"{uuid.uuid4().hex}@example.cn"
    make.trainer(email=email, password="right-password")
    for _ in range(2):
        codes_of(lambda: services.authenticate(email, "wrong", ip=None, now=NOW))
    assert codes_of(lambda: services.authenticate(email, "right-password", ip=None, now=NOW)) == "login_rate_limited"
