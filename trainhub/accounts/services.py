"""Accounts: log-in (rate-limited), passwords, users created by organizers, API tokens, invitations.

Every rule of who may log in or create whom lives here; pages, the API and the CLI call these.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from trainhub import ratelimit
from trainhub.access import can_set_user_active
from trainhub.contact import normalize_email
from trainhub.db import begin_write, commit, use_case
from trainhub.errors import Conflict, DomainError, Forbidden, NotFound, ValidationError
from trainhub.extensions import db
from trainhub.models import ApiToken, MemberInvitation, Organization, Unit, User
from trainhub.notifications import notify
from trainhub.security import hash_token, new_token

LOGIN_WINDOW_SECONDS = 15 * 60
INVITATION_DAYS = 7
SETUP_LINK_SECONDS = 7 * 24 * 3600
# Checked when the email is unknown, so a wrong email costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


# -- small shared rules ------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """werkzeug's default (scrypt); the test configuration picks a cheaper method for speed."""
    method = current_app.config.get("PASSWORD_HASH_METHOD") if has_app_context() else None
    return generate_password_hash(password, method=method) if method else generate_password_hash(password)


def email_exists(email: str) -> bool:
    return db.session.scalar(sa.select(User.id).where(sa.func.lower(User.email) == normalize_email(email))) is not None


def email_taken_error() -> DomainError:
    return DomainError("email_taken", _l("该电子邮箱已有账号。"), 409)


# Constraint → the refusal its violation means: a race that the checks before the commit could not see.
CONFLICTS = {"uq_users_email": email_taken_error}


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == normalize_email(email)))


# -- log-in --------------------------------------------------------------------------------------------


def _login_limits(email: str, ip: str | None) -> list[ratelimit.Limit]:
    limit = int(current_app.config["LOGIN_RATE_LIMIT"])
    keys = [f"login:account:{normalize_email(email)}"] + ([f"login:ip:{ip}"] if ip else [])
    return [ratelimit.Limit(key, limit, LOGIN_WINDOW_SECONDS) for key in keys]


@use_case
def authenticate(email: str, password: str, *, ip: str | None, now: datetime) -> User:
    """The user whose email and password match, or DomainError: `login_rate_limited` (too many failed
    attempts for this account or this IP in 15 minutes), `invalid_credentials`, `account_disabled`.

    Each attempt is counted before its password is checked and given back when the password is right:
    of many wrong passwords sent at once, exactly the limit's number are checked."""
    limits = _login_limits(email, ip)
    if not ratelimit.acquire(limits, now=now):
        raise DomainError("login_rate_limited", _l("登录失败次数过多，请 15 分钟后再试。"), 429)
    user = find_user_by_email(email) if normalize_email(email) else None
    password = password if isinstance(password, str) else ""
    valid = check_password_hash(user.password_hash if user and user.password_hash else _DUMMY_HASH, password)
    if user is None or not user.password_hash or not valid:
        raise DomainError("invalid_credentials", _l("电子邮箱或密码不正确。"), 401)
    ratelimit.release(limits, now=now)
    if not user.is_active:
        raise DomainError("account_disabled", _l("该账号已停用，请联系管理员。"), 403)
    user_id = user.id
    begin_write()
    user = db.session.get_one(User, user_id)
    user.last_login_at = now
    db.session.commit()
    return user


@use_case
def change_password(user: User, *, current_password: str, new_password: str, now: datetime) -> User:
    """Change one's password (`new_password` as PasswordChangeSchema loads it) once the current one is
    confirmed; every other session and remember-me cookie of the user ends."""
    if not user.password_hash or not check_password_hash(user.password_hash, current_password or ""):
        raise ValidationError({"current_password": [_l("当前密码不正确。")]})
    user_id = user.id
    _set_password(user, new_password)
    db.session.commit()
    return db.session.get_one(User, user_id)


@use_case
def end_sessions(user: User) -> None:
    """Log-out: every session and remember-me cookie of the user ends on the server, a copied one too.

    Sessions live in signed cookies that carry `id:session_version`; moving the version on is the one
    way to make a cookie already handed out (or copied) stop working — for this browser and the user's
    others alike. API tokens are not sessions: they stay until revoked.
    """
    user_id = user.id
    begin_write()
    locked = db.session.scalar(sa.select(User).where(User.id == user_id).with_for_update())
    if locked is not None:
        locked.session_version = (locked.session_version or 1) + 1
    db.session.commit()


def _set_password(user: User, password: str) -> None:
    user_id = user.id
    begin_write()
    locked = db.session.scalars(sa.select(User).where(User.id == user_id).with_for_update()).one()
    locked.password_hash = hash_password(password)
    locked.session_version = (locked.session_version or 1) + 1


@use_case
def update_profile(user: User, *, name: str, locale: str | None) -> User:
    """One's name and language (as ProfileSchema loads them; no locale: the browser's)."""
    user_id = user.id
    begin_write()
    user = db.session.get_one(User, user_id)
    user.name = name
    user.locale = locale or None
    db.session.commit()
    return user


@use_case
def set_preferred_locale(user: User, locale: str) -> None:
    """The language switch remembers a signed-in user's choice (emails follow it too)."""
    if locale not in ("zh_CN", "en"):
        raise ValidationError({"locale": [_l("不支持该语言。")]})
    if user.locale == locale:
        return
    user_id = user.id
    begin_write()
    db.session.get_one(User, user_id).locale = locale
    db.session.commit()


# -- accounts created by organizers (and the command line) ----------------------------------------------


@use_case
def create_user(
    *,
    email: str,
    name: str,
    role: str,
    actor: User | None,
    unit_id=None,
    organization_id=None,
    password: str | None = None,
    phone: str | None = None,
    now: datetime,
) -> User:
    """An organizer creates a trainer or organizer account (actor None: the command line, any role).

    The values are as UserSchema loads them (the command line: CommandLineUserSchema). Organizer
    accounts belong to a unit (default: the commission); only commission organizers create organizer
    accounts. Without a password the new user gets an email link to set one.
    """
    if actor is not None and not actor.is_organizer:
        raise Forbidden()
    begin_write()
    unit = organization = None
    if role == "organizer":
        if unit_id is None:
            unit = db.session.scalar(sa.select(Unit).where(Unit.kind == "commission").order_by(Unit.id))
        else:
            unit = db.session.get(Unit, unit_id)
        if unit is None:
            raise ValidationError({"unit_id": [_l("该单位不存在。")]})
    if role == "enterprise":
        organization = db.session.get(Organization, organization_id) if organization_id is not None else None
        if organization is None:
            raise ValidationError({"organization_id": [_l("该企业不存在。")]})
    if role == "organizer" and actor is not None and not actor.is_commission:
        raise Forbidden(_l("只有市市场监管委的管理员可以创建组织者账号。"), code="commission_only")
    if email_exists(email):
        raise email_taken_error()
    user = User(
        email=email,
        name=name,
        role=role,
        unit=unit,
        organization=organization,
        phone=phone or None,
        password_hash=hash_password(password) if password else None,
        created_at=now,
        locale=None,
    )
    db.session.add(user)
    db.session.flush()
    if not password:
        _send_setup_link(user, inviter=actor)
    commit(keep_loaded=True, conflicts=CONFLICTS, otherwise=Conflict)
    return user


def _base_url() -> str:
    return current_app.config["BASE_URL"]


def _setup_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-setup")


def password_setup_token(user: User) -> str:
    """A signed link to set a first password; it stops working once any password is set."""
    return _setup_serializer().dumps([user.id, user.session_version])


def _send_setup_link(user: User, *, inviter: User | None) -> None:
    locale = (inviter.locale if inviter is not None else None) or notify.DEFAULT_LOCALE
    url = f"{_base_url()}/account/setup/{password_setup_token(user)}"
    with force_locale(locale):
        subject = gettext("您的标准化云课堂账号已开通")
        body = "\n".join(
            [
                gettext("%(name)s，您好：", name=user.name),
                gettext(
                    "管理员为您开通了标准化云课堂账号（%(email)s）。请在 7 天内通过以下链接设置密码：", email=user.email
                ),
                url,
            ]
        )
    notify.send_plain("account_setup", user.email, subject, body, locale=locale)


def user_for_setup_token(token: str, *, now: datetime) -> User:
    try:
        user_id, version = _setup_serializer().loads(token, max_age=SETUP_LINK_SECONDS)
    except (SignatureExpired, BadSignature, ValueError, TypeError):
        raise DomainError("invalid_link", _l("链接无效或已过期。"), 404) from None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.password_hash or user.session_version != version or not user.is_active:
        raise DomainError("invalid_link", _l("链接无效或已过期。"), 404)
    return user


@use_case
def set_first_password(token: str, *, password: str, now: datetime) -> User:
    """The account holder opens the emailed link and chooses a password (as PasswordSchema loads it)."""
    user = user_for_setup_token(token, now=now)
    _set_password(user, password)
    user.last_login_at = now
    db.session.commit()
    return user


@use_case
def set_user_active(user: User, active: bool, *, actor: User | None) -> User:
    """Disable (or enable again) an account; organizer accounts only by commission organizers."""
    if actor is not None:
        if not actor.is_organizer:
            raise Forbidden()
        if user.id == actor.id:
            raise DomainError("cannot_disable_self", _l("不能停用自己的账号。"), 409)
        if user.is_organizer and not actor.is_commission:
            raise Forbidden(_l("只有市市场监管委的管理员可以管理组织者账号。"), code="commission_only")
        if not can_set_user_active(actor, user):
            raise Forbidden(_l("只有市市场监管委的管理员可以停用或启用讲师账号。"), code="commission_only")
    user_id = user.id
    begin_write()
    user = db.session.scalars(sa.select(User).where(User.id == user_id).with_for_update()).one()
    user.is_active_flag = bool(active)
    db.session.commit()
    return user


# -- API tokens ------------------------------------------------------------------------------------------


@use_case
def create_api_token(user: User, name: str | None = None, *, now: datetime | None = None) -> str:
    """A new bearer token for /api/v1: the raw value is returned once, only its hash is stored."""
    name = (name or "").strip()[:100] or gettext("API 令牌")
    user_id = user.id
    begin_write()
    raw = new_token(32)
    token = ApiToken(user_id=user_id, name=name, token_hash=hash_token(raw))
    if now is not None:
        token.created_at = now
    db.session.add(token)
    db.session.commit()
    return raw


def api_tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


@use_case
def revoke_api_token(user: User, token_id: int, *, now: datetime) -> ApiToken:
    begin_write()
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id).with_for_update()
    )
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = now
    db.session.commit()
    return token


# -- member invitations (邀请同事) -------------------------------------------------------------------------


def _invitation_limits(organization_id: int, ip: str | None) -> list[ratelimit.Limit]:
    config = current_app.config
    limits = [
        ratelimit.Limit(f"invite:org:{organization_id}", int(config["INVITATION_ORGANIZATION_RATE_LIMIT"]), 24 * 3600)
    ]
    if ip:
        limits.append(ratelimit.Limit(f"invite:ip:{ip}", int(config["INVITATION_RATE_LIMIT"]), 3600))
    return limits


def invite_member(
    organization: Organization, *, email: str, name: str | None, actor: User, now: datetime, ip: str | None = None
):
    """A member (of this organization) or an organizer invites a colleague by email link (`email` and
    `name` as MemberSchema loads them).

    The member account exists at once, without a password, until the link is accepted (7 days).
    Returns (user, raw_token). Inviting the same not-yet-accepted colleague again sends a new link.
    Members' invitations are limited per client address (an hour) and per organization (a day): a
    self-signed-up account must not make the platform mail any address at will (429
    `invitation_rate_limited`; a refused invitation does not count). Organizers' are not.
    """
    if actor.is_enterprise:
        if actor.organization_id != organization.id:
            raise NotFound()
    elif not actor.is_organizer:
        raise Forbidden()
    limits = _invitation_limits(organization.id, ip) if actor.is_enterprise else []
    refusal = DomainError("invitation_rate_limited", _l("邀请发送过于频繁，请稍后再试。"), 429)
    with ratelimit.attempt(limits, now=now, refusal=refusal):
        return _invite_member(organization, email=email, name=name, actor=actor, now=now)


@use_case
def _invite_member(organization: Organization, *, email: str, name: str | None, actor: User, now: datetime):
    organization_id = organization.id
    begin_write()
    organization = db.session.scalars(
        sa.select(Organization).where(Organization.id == organization_id).with_for_update()
    ).one()
    if not organization.is_active:
        raise DomainError("organization_disabled", _l("该企业已停用。"), 409)
    name = name or email.split("@")[0]
    user = find_user_by_email(email)
    if user is not None and not (user.organization_id == organization.id and user.password_hash is None):
        raise email_taken_error()
    if user is None:
        user = User(email=email, name=name, role="enterprise", organization=organization, created_at=now)
        db.session.add(user)
    raw = new_token(32)
    db.session.add(
        MemberInvitation(
            organization=organization,
            email=email,
            name=name,
            token_hash=hash_token(raw),
            invited_by_id=actor.id,
            created_at=now,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
    )
    locale = actor.locale or notify.DEFAULT_LOCALE
    with force_locale(locale):
        subject = gettext("%(inviter)s 邀请您加入“%(org)s”", inviter=actor.name, org=organization.name)
        body = "\n".join(
            [
                gettext("%(name)s，您好：", name=name),
                gettext(
                    "%(inviter)s 邀请您加入标准化云课堂的企业账号“%(org)s”，为同事报名培训、查看电子票和证书。",
                    inviter=actor.name,
                    org=organization.name,
                ),
                gettext("请在 7 天内打开以下链接，设置您的姓名和密码："),
                f"{_base_url()}/invitation/{raw}",
            ]
        )
    notify.send_plain("member_invitation", email, subject, body, locale=locale)
    commit(keep_loaded=True, conflicts=CONFLICTS, otherwise=Conflict)
    return user, raw


def invitation_for_token(raw: str, *, now: datetime) -> MemberInvitation:
    invitation = db.session.scalar(
        sa.select(MemberInvitation).where(MemberInvitation.token_hash == hash_token(raw or ""))
    )
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= now:
        raise DomainError("invalid_invitation", _l("邀请链接无效、已使用或已过期。"), 404)
    if not invitation.organization.is_active:
        raise DomainError("invalid_invitation", _l("邀请链接无效、已使用或已过期。"), 404)
    return invitation


@use_case
def accept_invitation(raw: str, *, name: str, password: str, now: datetime) -> User:
    """The invited colleague sets name and password (as InvitationAcceptSchema loads them); the link
    then stops working."""
    invitation = invitation_for_token(raw, now=now)
    invitation_id = invitation.id
    begin_write()
    invitation = db.session.scalars(
        sa.select(MemberInvitation).where(MemberInvitation.id == invitation_id).with_for_update()
    ).one()
    if invitation.accepted_at is not None:
        raise DomainError("invalid_invitation", _l("邀请链接无效、已使用或已过期。"), 404)
    user = find_user_by_email(invitation.email)
    if user is None:
        user = User(
            email=invitation.email, role="enterprise", organization_id=invitation.organization_id, created_at=now
        )
        db.session.add(user)
    elif user.organization_id != invitation.organization_id or user.password_hash is not None:
        raise DomainError("invalid_invitation", _l("邀请链接无效、已使用或已过期。"), 404)
    user.name = name
    user.password_hash = hash_password(password)
    user.session_version = (user.session_version or 1) + 1
    user.last_login_at = now
    invitation.accepted_at = now
    db.session.execute(
        sa.update(MemberInvitation)
        .where(MemberInvitation.email == invitation.email, MemberInvitation.accepted_at.is_(None))
        .values(accepted_at=now)
    )
    db.session.commit()
    return user


def generate_password() -> str:
    return secrets.token_urlsafe(12)
