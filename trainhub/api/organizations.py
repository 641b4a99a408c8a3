"""/api/v1/organizations: thin adapters over trainhub.organizations.services (and invitations)."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from trainhub.access import load_organization
from trainhub.accounts import services as account_services
from trainhub.accounts.schemas import UserSchema
from trainhub.api import bp
from trainhub.api._helpers import api_login_required, api_roles, errors
from trainhub.organizations import queries, services
from trainhub.organizations.schemas import MemberSchema, OrganizationQuerySchema, OrganizationSchema
from trainhub.pagination import paginate
from trainhub.schemas import page_of
from trainhub.timeutil import now


@bp.get("/organizations")
@api_roles("organizer")
@bp.arguments(OrganizationQuerySchema, location="query")
@bp.response(200, page_of(OrganizationSchema))
def list_organizations(args: dict):
    """List the enterprises in the organizer's scope (commission: all; a district bureau: its district's;
    other units: none); filters district, pilot (requested|yes|no), active (yes|no), q."""
    statement = queries.organizations_query(
        current_user, district=args.get("district"), pilot=args.get("pilot"), q=args.get("q"), active=args.get("active")
    )
    return paginate(statement, args["page"], args["per_page"])


@bp.post("/organizations")
@api_roles("organizer")
@errors(409)
@bp.arguments(OrganizationSchema)
@bp.response(201, OrganizationSchema)
def create_organization(values: dict):
    """Register an enterprise (the commission; a district bureau: in its district); is_pilot_unit is in force."""
    return services.create_organization(values, actor=current_user, now=now())


@bp.get("/organizations/<int:organization_id>")
@api_login_required
@bp.response(200, OrganizationSchema)
def get_organization(organization_id: int):
    """One enterprise (organizers; a member: its own)."""
    return load_organization(organization_id, current_user)


@bp.patch("/organizations/<int:organization_id>")
@api_roles("organizer")
@errors(409)
@bp.arguments(OrganizationSchema(partial=True))
@bp.response(200, OrganizationSchema)
def update_organization(values: dict, organization_id: int):
    """Edit an enterprise: fields, the pilot flag in force, is_active (organizers)."""
    organization = load_organization(organization_id, current_user)
    return services.update_organization(organization, values, actor=current_user)


@bp.post("/organizations/<int:organization_id>/members")
@api_roles("organizer", "enterprise")
@errors(409, 429)
@bp.arguments(MemberSchema)
@bp.response(201, UserSchema)
def add_member(values: dict, organization_id: int):
    """Add a member to an enterprise; an invitation email lets them set a password."""
    organization = load_organization(organization_id, current_user)
    user, _raw = account_services.invite_member(
        organization,
        email=values["email"],
        name=values.get("name"),
        actor=current_user,
        now=now(),
        ip=request.remote_addr,
    )
    return user
