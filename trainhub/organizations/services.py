"""Enterprises (企业): self sign-up, organizer administration, the pilot-unit (试点单位) flag, members.

Rules live here; the pages, the API and the CLI call these functions.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from trainhub import ratelimit
from trainhub.access import district_of, is_commission, may_place_organization_in
from trainhub.accounts import services as accounts
from trainhub.db import begin_write, commit, use_case
from trainhub.errors import Conflict, DomainError, Forbidden, ValidationError
from trainhub.extensions import db
from trainhub.models import Organization, User

SIGNUP_WINDOW_SECONDS = 3600


def uscc_taken_error() -> DomainError:
    return DomainError("uscc_taken", _l("该统一社会信用代码已经注册过。"), 409)


# Constraint → the refusal its violation means: a race that the checks before the commit could not see.
CONFLICTS = {"uq_organizations_uscc": uscc_taken_error, **accounts.CONFLICTS}


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


def sign_up_enterprise(values: dict, *, locale: str | None = None, ip: str | None = None, now: datetime) -> User:
    """Enterprise self sign-up (企业自助注册): the organization and its first member (the contact person),
    from `values` as SignupSchema loads them.

    The pilot-unit wish is recorded as `pilot_unit_requested`; the flag in force (`is_pilot_unit`)
    waits for an organizer's confirmation. At most SIGNUP_RATE_LIMIT sign-ups an hour from one client
    address (429 `signup_rate_limited`); a refused sign-up does not count.
    """
    limits = (
        [ratelimit.Limit(f"signup:ip:{ip}", int(current_app.config["SIGNUP_RATE_LIMIT"]), SIGNUP_WINDOW_SECONDS)]
        if ip
        else []
    )
    refusal = DomainError("signup_rate_limited", _l("注册过于频繁，请 1 小时后再试。"), 429)
    with ratelimit.attempt(limits, now=now, refusal=refusal):
        return _sign_up(values, locale=locale, now=now)


@use_case
def _sign_up(values: dict, *, locale, now) -> User:
    begin_write()
    fields = dict(values)
    password = fields.pop("password")
    requested = bool(fields.pop("pilot_unit_requested", False))
    if _uscc_exists(fields["uscc"]):
        raise uscc_taken_error()
    if accounts.email_exists(fields["contact_email"]):
        raise accounts.email_taken_error()
    organization = Organization(
        **fields, is_pilot_unit=False, pilot_unit_requested=requested, is_active=True, created_at=now
    )
    member = User(
        email=fields["contact_email"],
        name=fields["contact_name"],
        phone=fields["contact_phone"],
        role="enterprise",
        organization=organization,
        password_hash=accounts.hash_password(password),
        locale=locale,
        created_at=now,
        last_login_at=now,
    )
    db.session.add_all([organization, member])
    _commit()
    return member


@use_case
def create_organization(values: dict, *, actor: User | None, now: datetime) -> Organization:
    """An organizer registers an enterprise (`values` as OrganizationSchema loads them); `is_pilot_unit`
    given here is in force at once."""
    _require_organizer(actor)
    if actor is not None and not is_commission(actor) and district_of(actor) is None:
        raise Forbidden(_l("只有市场监管委和区市场监管局可以登记企业。"), code="organizations_not_allowed")
    begin_write()
    cleaned = dict(values)
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
def update_organization(organization: Organization, values: dict, *, actor: User | None) -> Organization:
    """An organizer edits an enterprise (`values` as OrganizationSchema(partial=True) loads them): any
    field, the pilot flag in force, active or not."""
    _require_organizer(actor)
    organization_id = organization.id
    begin_write()
    cleaned = dict(values)
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
