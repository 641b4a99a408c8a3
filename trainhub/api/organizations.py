"""/api/v1/organizations: thin adapters over trainhub.organizations.services (and invitations)."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from trainhub.access import load_organization
from trainhub.accounts import services as account_services
from trainhub.api import bp
from trainhub.api._helpers import api_login_required, api_roles, created, json_body, legacy_paginate as paginate
from trainhub.api.accounts import user_json
from trainhub.models import Organization
from trainhub.organizations import queries, services
from trainhub.timeutil import iso, now

ORGANIZATION_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string"}, "uscc": {"type": "string", "description": "统一社会信用代码 (GB 32100-2015)"},
        "district": {"type": "string"}, "industry": {"type": "string"}, "contact_name": {"type": "string"},
        "contact_phone": {"type": "string"}, "contact_email": {"type": "string"},
        "is_pilot_unit": {"type": "boolean"}, "is_active": {"type": "boolean"},
    },
}


def organization_json(organization: Organization) -> dict:
    return {
        "id": organization.id,
        "name": organization.name,
        "uscc": organization.uscc,
        "district": organization.district,
        "industry": organization.industry,
        "contact_name": organization.contact_name,
        "contact_phone": organization.contact_phone,
        "contact_email": organization.contact_email,
        "is_pilot_unit": organization.is_pilot_unit,
        "pilot_unit_requested": organization.pilot_unit_requested,
        "is_active": organization.is_active,
        "created_at": iso(organization.created_at),
    }


@bp.get("/organizations")
@api_roles("organizer")
def list_organizations():
    """List the enterprises in the organizer's scope (commission: all; a district bureau: its district's;
    other units: none); filters district, pilot (requested|yes|no), active (yes|no), q."""
    statement = queries.organizations_query(current_user, district=request.args.get("district") or None,
                                            pilot=request.args.get("pilot") or None,
                                            q=request.args.get("q") or None, active=request.args.get("active"))
    return paginate(statement, organization_json)


@bp.post("/organizations")
@api_roles("organizer")
def create_organization():
    """Register an enterprise (the commission; a district bureau: in its district); is_pilot_unit is in force."""
    organization = services.create_organization(json_body(), actor=current_user, now=now())
    return created(organization_json(organization))


create_organization.openapi = {"post": {
    "requestBody": {"content": {"application/json": {"schema": {**ORGANIZATION_SCHEMA, "required": ["name", "uscc"]}}}},
    "responses": {"201": {"description": "The new organization"}}}}


@bp.get("/organizations/<int:organization_id>")
@api_login_required
def get_organization(organization_id: int):
    """One enterprise (organizers; a member: its own)."""
    return jsonify(organization_json(load_organization(organization_id, current_user)))


@bp.patch("/organizations/<int:organization_id>")
@api_roles("organizer")
def update_organization(organization_id: int):
    """Edit an enterprise: fields, the pilot flag in force, is_active (organizers)."""
    organization = load_organization(organization_id, current_user)
    organization = services.update_organization(organization, json_body(), actor=current_user)
    return jsonify(organization_json(organization))


update_organization.openapi = {"patch": {"requestBody": {"content": {"application/json": {"schema": ORGANIZATION_SCHEMA}}}}}


@bp.post("/organizations/<int:organization_id>/members")
@api_roles("organizer", "enterprise")
def add_member(organization_id: int):
    """Add a member to an enterprise; an invitation email lets them set a password."""
    organization = load_organization(organization_id, current_user)
    data = json_body()
    user, _raw = account_services.invite_member(organization, email=data.get("email"), name=data.get("name"),
                                                actor=current_user, now=now(), ip=request.remote_addr)
    return created(user_json(user))


add_member.openapi = {"post": {
    "requestBody": {"content": {"application/json": {"schema": {
        "type": "object", "required": ["email"], "properties": {"email": {"type": "string"}, "name": {"type": "string"}}}}}},
    "responses": {"201": {"description": "The new member"}}}}
