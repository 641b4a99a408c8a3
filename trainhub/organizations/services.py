"""Enterprises (企业): self sign-up, organizer administration, the pilot-unit (试点单位) flag, members.

Rules live here; the pages, the API and the CLI call these functions.
"""
from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from trainhub import ratelimit
from trainhub.access import district_of, is_commission, may_place_organization_in
from trainhub.accounts import services as accounts
from trainhub.contact import email_problem, normalize_email, normalize_phone, phone_problem
from trainhub.db import begin_write, commit, use_case
from trainhub.errors import Conflict, DomainError, Forbidden, ValidationError
from trainhub.extensions import db
from trainhub.models import Organization, User
from trainhub.organizations import uscc as uscc_rules

TEXT_FIELDS = {
    "name": 200,
    "district": 50,
    "industry": 100,
    "contact_name": 100,
    "contact_phone": 20,
    "contact_email": 254,
}
SIGNUP_WINDOW_SECONDS = 3600
PHONE_RE = re.compile(r"^\+?[0-9]{5,20}$")  # after contact.normalize_phone: landlines too


def uscc_message(code: str) -> str | None:
    """统一社会信用代码: None when valid, else a message saying what is wrong."""
    problem = uscc_rules.problem(code)
    normalized = uscc_rules.normalize(code)
    if problem is None:
        return None
    if not normalized:
        return _l("请填写统一社会信用代码。")
    if problem == "length":
        return _l("统一社会信用代码应为 18 位，当前为 %(n)s 位。", n=len(normalized))
    if problem == "alphabet":
        bad = "".join(sorted({c for c in normalized if c not in uscc_rules.ALPHABET}))
        return _l("统一社会信用代码含有不允许的字符：%(chars)s（只能使用数字和除 I、O、S、V、Z 外的大写字母）。", chars=bad)
    return _l("统一社会信用代码的校验位不正确，请核对后重新输入。")


def uscc_taken_error() -> DomainError:
    return DomainError("uscc_taken", _l("该统一社会信用代码已经注册过。"), 409)


# Constraint → the refusal its violation means: a race that the checks before the commit could not see.
CONFLICTS = {"uq_organizations_uscc": uscc_taken_error, **accounts.CONFLICTS}


def clean_organization_fields(data: dict, *, required: tuple[str, ...] = (), partial: bool = False) -> dict:
    """Check an organization's fields (sign-up and API alike); returns cleaned values or raises 422."""
    errors: dict[str, list] = {}
    cleaned: dict = {}
    for field, max_length in TEXT_FIELDS.items():
        if field not in data:
            if field in required and not partial:
                errors[field] = [_l("此项必填。")]
            continue
        value = data[field]
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[field] = [_l("必须是文本。")]
            continue
        value = value.strip()
        problem = None
        if value and field == "contact_email":
            problem, value = email_problem(value), normalize_email(value)
        elif value and field == "contact_phone":
            value = normalize_phone(value)
            problem = phone_problem(value) or (None if PHONE_RE.match(value) else _l("请输入有效的电话号码。"))
        if not value and field in required:
            errors[field] = [_l("此项必填。")]
        elif len(value) > max_length:
            errors[field] = [_l("最多 %(n)s 个字符。", n=max_length)]
        elif problem:
            errors[field] = [problem]
        else:
            cleaned[field] = value
    if "uscc" in data or (not partial and "uscc" in required):
        raw = data.get("uscc")
        if raw is not None and not isinstance(raw, str):
            errors["uscc"] = [_l("必须是文本。")]
        else:
            message = uscc_message(raw or "")
            if message:
                errors["uscc"] = [message]
            else:
                cleaned["uscc"] = uscc_rules.normalize(raw or "")
    for flag in ("is_pilot_unit", "is_active", "pilot_unit_requested"):
        if flag in data:
            if not isinstance(data[flag], bool):
                errors[flag] = [_l("必须是 true 或 false。")]
            else:
                cleaned[flag] = data[flag]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _uscc_exists(code: str, *, exclude_id: int | None = None) -> bool:
    statement = sa.select(Organization.id).where(Organization.uscc == code)
    if exclude_id is not None:
        statement = statement.where(Organization.id != exclude_id)
    return db.session.scalar(statement) is not None


def _commit() -> None:
    """Commit; a unique-constraint race (same code or email at once) becomes the usual 409. The objects keep
    their values: sign-up answers from them after the commit."""
    commit(keep_loaded=True, conflicts=CONFLICTS, otherwise=Conflict)


def _require_organizer(actor: User | None) -> None:
    if actor is not None and not actor.is_organizer:
        raise Forbidden()


def _require_district_in_scope(actor: User | None, district: str) -> None:
    """An organizer registers or moves enterprises only into its own scope (a district bureau: its district)."""
    if actor is not None and not may_place_organization_in(actor, district):
        raise ValidationError({"district": [_l("只能登记本辖区（%(district)s）的企业。", district=district_of(actor))]})


def sign_up_enterprise(*, name: str, uscc: str, district: str, industry: str, contact_name: str,
                       contact_phone: str, contact_email: str, pilot_unit_requested: bool, password: str,
                       locale: str | None = None, ip: str | None = None, now: datetime) -> User:
    """Enterprise self sign-up (企业自助注册): the organization and its first member (the contact person).

    The pilot-unit wish is recorded as `pilot_unit_requested`; the flag in force (`is_pilot_unit`)
    waits for an organizer's confirmation. At most SIGNUP_RATE_LIMIT sign-ups an hour from one client
    address (429 `signup_rate_limited`); a refused sign-up does not count.
    """
    limits = [ratelimit.Limit(f"signup:ip:{ip}", int(current_app.config["SIGNUP_RATE_LIMIT"]), SIGNUP_WINDOW_SECONDS)
              ] if ip else []
    refusal = DomainError("signup_rate_limited", _l("注册过于频繁，请 1 小时后再试。"), 429)
    with ratelimit.attempt(limits, now=now, refusal=refusal):
        return _sign_up(name=name, uscc=uscc, district=district, industry=industry, contact_name=contact_name,
                        contact_phone=contact_phone, contact_email=contact_email,
                        pilot_unit_requested=pilot_unit_requested, password=password, locale=locale, now=now)


@use_case
def _sign_up(*, name, uscc, district, industry, contact_name, contact_phone, contact_email, pilot_unit_requested,
             password, locale, now) -> User:
    begin_write()
    data = {"name": name, "uscc": uscc, "district": district, "industry": industry, "contact_name": contact_name,
            "contact_phone": contact_phone, "contact_email": contact_email}
    fields_error = None
    try:
        cleaned = clean_organization_fields(
            data, required=("name", "uscc", "district", "contact_name", "contact_phone", "contact_email"))
    except ValidationError as error:
        fields_error = error
        cleaned = {}
    password_problems = accounts.password_problems(password)
    if fields_error or password_problems:
        fields = dict(fields_error.fields) if fields_error else {}
        if password_problems:
            fields["password"] = password_problems
        raise ValidationError(fields)
    if _uscc_exists(cleaned["uscc"]):
        raise uscc_taken_error()
    if accounts.email_exists(cleaned["contact_email"]):
        raise accounts.email_taken_error()
    organization = Organization(**cleaned, is_pilot_unit=False, pilot_unit_requested=bool(pilot_unit_requested),
                                is_active=True, created_at=now)
    member = User(email=cleaned["contact_email"], name=cleaned["contact_name"], phone=cleaned["contact_phone"],
                  role="enterprise", organization=organization, password_hash=accounts.hash_password(password),
                  locale=locale, created_at=now, last_login_at=now)
    db.session.add_all([organization, member])
    _commit()
    return member


@use_case
def create_organization(data: dict, *, actor: User | None, now: datetime) -> Organization:
    """An organizer registers an enterprise; `is_pilot_unit` given here is in force at once."""
    _require_organizer(actor)
    if actor is not None and not is_commission(actor) and district_of(actor) is None:
        raise Forbidden(_l("只有市场监管委和区市场监管局可以登记企业。"), code="organizations_not_allowed")
    begin_write()
    cleaned = clean_organization_fields(data, required=("name", "uscc"))
    if actor is not None and not cleaned.get("district") and district_of(actor):
        cleaned["district"] = district_of(actor)  # a district bureau registers in its own district
    _require_district_in_scope(actor, cleaned.get("district", ""))
    if _uscc_exists(cleaned["uscc"]):
        raise uscc_taken_error()
    flag = cleaned.pop("is_pilot_unit", False)
    requested = cleaned.pop("pilot_unit_requested", flag)
    organization = Organization(**cleaned, is_pilot_unit=flag, pilot_unit_requested=requested, created_at=now)
    db.session.add(organization)
    _commit()
    return organization


def _locked(organization: Organization) -> Organization:
    return db.session.scalars(sa.select(Organization).where(Organization.id == organization.id).with_for_update()).one()


@use_case
def update_organization(organization: Organization, data: dict, *, actor: User | None) -> Organization:
    """An organizer edits an enterprise: any field, the pilot flag in force, active or not."""
    _require_organizer(actor)
    organization_id = organization.id
    begin_write()
    cleaned = clean_organization_fields(data, partial=True)
    for field in ("name", "uscc"):
        if field in cleaned and not cleaned[field]:
            raise ValidationError({field: [_l("此项必填。")]})
    if "district" in cleaned and cleaned["district"] != organization.district:
        _require_district_in_scope(actor, cleaned["district"])
    organization = _locked(db.session.get_one(Organization, organization_id))
    if "uscc" in cleaned and _uscc_exists(cleaned["uscc"], exclude_id=organization.id):
        raise uscc_taken_error()
    for field, value in cleaned.items():
        setattr(organization, field, value)
    _commit()
    return organization


def set_pilot_unit(organization: Organization, flag: bool, *, actor: User | None) -> Organization:
    """Confirm (or clear) the pilot-unit flag in force (试点单位认定)."""
    return update_organization(organization, {"is_pilot_unit": bool(flag)}, actor=actor)


def set_organization_active(organization: Organization, active: bool, *, actor: User | None) -> Organization:
    """Disable (or enable again) an enterprise: its members can no longer log in nor use tokens."""
    return update_organization(organization, {"is_active": bool(active)}, actor=actor)


# -- reading ---------------------------------------------------------------------------------------
