"""Who may see and change what. Loaders take the actor, so "not yours" (404) is never forgotten.

Scope rules (API.md "Organizing units"):
- organizers of the commission unit act platform-wide;
- another unit's organizers manage the events their unit hosts, read (not change) those it
  co-organizes, and get 404 for the rest;
- trainers see the events they are assigned to; enterprise members see their organization's
  registrations only.
- user accounts (users page and /api/v1/users): the commission sees every account; another unit's
  organizers see their own unit's organizers, the trainers (the pool every organizer assigns to events),
  and the members of the enterprises in their scope (below); the rest is 404.
- enterprises (organizations page and /api/v1/organizations, invitations, the members above): the
  commission sees every one; a district bureau those of its district (Organization.district ==
  Unit.district); any other unit none — it reaches the enterprises on its events through their
  registrations, and administering an enterprise (pilot flag, members, disabling) is the platform's
  or its district's business. Outside the scope is 404.
Pattern in a view: `event = load_event(event_id, user, need="manage")` → 404 / 403 / the event.
Every loader here raises the same errors (trainhub.errors): `NotFound` for what is unknown *or not
yours*, `Forbidden` for what the actor may see but never change; 401 without a signed-in user. The
objects that belong to a loaded parent (a registration or a check-in of an event, an attachment of a
campaign) are loaded here too, so "of another event" is a 404 in one place.
"""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa
from flask import abort
from flask_babel import lazy_gettext as _l

from trainhub.errors import Forbidden, NotFound
from trainhub.extensions import db
from trainhub.models import (
    Campaign,
    CampaignAttachment,
    Certificate,
    CheckIn,
    Event,
    Organization,
    OutboxMessage,
    Registration,
    Unit,
    User,
    campaign_reporting_units,
    event_co_units,
    event_trainers,
)

Need = Literal["view", "manage", "checkin", "public"]


def is_commission(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_commission)


def organizer_event_clause(user: User):
    """SQL condition: events this organizer may read (hosted or co-organized by their unit)."""
    if is_commission(user):
        return sa.true()
    co_hosted = sa.select(event_co_units.c.event_id).where(event_co_units.c.unit_id == user.unit_id)
    return sa.or_(Event.host_unit_id == user.unit_id, Event.id.in_(co_hosted))


def trainer_event_clause(user: User):
    assigned = sa.select(event_trainers.c.event_id).where(event_trainers.c.user_id == user.id)
    return Event.id.in_(assigned)


def can_manage_event(user: User | None, event: Event) -> bool:
    """Edit, cancel, approve, issue certificates, export, open the console as organizer."""
    if user is None or not user.is_authenticated or not user.is_organizer:
        return False
    return is_commission(user) or event.host_unit_id == user.unit_id


def can_read_event_admin(user: User | None, event: Event) -> bool:
    """See registrations and attendance (managers and co-organizers)."""
    if can_manage_event(user, event):
        return True
    if user is None or not user.is_authenticated:
        return False
    if user.is_organizer:
        return any(unit.id == user.unit_id for unit in event.co_units)
    return False


def is_event_trainer(user: User | None, event: Event) -> bool:
    if user is None or not user.is_authenticated or not user.is_trainer:
        return False
    return any(trainer.id == user.id for trainer in event.trainers)


def can_check_in(user: User | None, event: Event) -> bool:
    """Trainers of the event and the organizers who manage it."""
    return is_event_trainer(user, event) or can_manage_event(user, event)


def can_see_online_url(user: User | None, event: Event) -> bool:
    """The meeting link (API.md): the event's organizers (hosting or co-organizing) and trainers; an
    attendee gets it only through their own ticket, mail and invite (`registration_sees_online_url`)."""
    return can_read_event_admin(user, event) or is_event_trainer(user, event)


def registration_sees_online_url(registration: Registration) -> bool:
    """A confirmed attendee of an event that is on; never the waitlisted, pending, cancelled or rejected."""
    return registration.status == "confirmed" and registration.event.status != "cancelled"


def load_event(event_id: int, user: User | None, need: Need = "view") -> Event:
    """The event, or 404 (unknown, or outside the user's scope) / 403 (visible but not theirs to change).

    need="public": published or cancelled events for anyone; drafts only for those who may read them.
    need="view": organizers in scope (hosting or co-organizing) and the event's trainers.
    need="manage": organizers of the host unit or the commission; co-organizers get 403.
    need="checkin": the event's trainers and managing organizers; co-organizers get 403.
    """
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound()
    if need == "public":
        if event.status != "draft":
            return event
        if can_read_event_admin(user, event) or is_event_trainer(user, event):
            return event
        raise NotFound()
    readable = can_read_event_admin(user, event) or is_event_trainer(user, event)
    if not readable:
        if user is not None and user.is_authenticated and user.is_enterprise:
            raise Forbidden() if event.status != "draft" else NotFound()
        raise NotFound()
    if need == "manage" and not can_manage_event(user, event):
        raise Forbidden()
    if need == "checkin" and not can_check_in(user, event):
        raise Forbidden()
    return event


def may_reissue_ticket(user: User | None, registration: Registration) -> bool:
    """A new QR ticket (the old one stops working): the attendee's enterprise, or the event's managers."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_enterprise:
        return user.organization_id == registration.organization_id
    return can_manage_event(user, registration.event)


def registration_clause(user: User):
    """SQL condition on Registration: the rows this user may read."""
    if user.is_enterprise:
        return Registration.organization_id == user.organization_id
    if user.is_organizer:
        if is_commission(user):
            return sa.true()
        return Registration.event_id.in_(sa.select(Event.id).where(organizer_event_clause(user)))
    if user.is_trainer:
        return Registration.event_id.in_(sa.select(Event.id).where(trainer_event_clause(user)))
    return sa.false()


def load_registration(
    registration_id: int, user: User | None, need: Literal["view", "manage"] = "view"
) -> Registration:
    """An enterprise's own registration, or one of an event in the organizer's/trainer's scope; else 404.

    need="manage" (approve, reject, cancel as organizer): co-organizers and trainers get 403.
    """
    if user is None or not user.is_authenticated:
        abort(401)
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise NotFound()
    event = registration.event
    if user.is_enterprise:
        if registration.organization_id != user.organization_id:
            raise NotFound()
        return registration
    readable = can_read_event_admin(user, event) or is_event_trainer(user, event)
    if not readable:
        raise NotFound()
    if need == "manage" and not can_manage_event(user, event):
        raise Forbidden()
    return registration


# -- user accounts ------------------------------------------------------------------------------------


def district_of(user: User) -> str | None:
    """The district a district bureau's organizer answers for (None for any other unit)."""
    unit = user.unit
    if unit is None or unit.kind != "district_bureau" or not unit.district:
        return None
    return unit.district


def user_clause(actor: User):
    """SQL condition on User: the accounts this organizer may list and act on."""
    if is_commission(actor):
        return sa.true()
    if actor is None or not actor.is_authenticated or not actor.is_organizer or actor.unit_id is None:
        return sa.false()
    in_scope = sa.select(Organization.id).where(organization_clause(actor))
    return sa.or_(
        sa.and_(User.role == "organizer", User.unit_id == actor.unit_id),
        User.role == "trainer",
        sa.and_(User.role == "enterprise", User.organization_id.in_(in_scope)),
    )


def load_user(user_id: int, actor: User) -> User:
    """An account in the organizer's scope (user_clause), else 404 — unknown or not theirs alike."""
    user = (
        db.session.scalar(sa.select(User).where(User.id == user_id, user_clause(actor)))
        if actor is not None and actor.is_authenticated
        else None
    )
    if user is None:
        raise NotFound()
    return user


def can_set_user_active(actor: User | None, user: User) -> bool:
    """Disable or enable an account (never one's own): the commission any; another unit the members of
    its district's enterprises only — organizer and trainer accounts serve the whole platform."""
    if actor is None or not actor.is_authenticated or not actor.is_organizer or user.id == actor.id:
        return False
    return is_commission(actor) or user.is_enterprise


# -- enterprises (organizations) ---------------------------------------------------------------------


def organization_clause(actor: User | None):
    """SQL condition on Organization: the enterprises this organizer may list, read and change."""
    if is_commission(actor):
        return sa.true()
    if actor is None or not actor.is_authenticated or not actor.is_organizer:
        return sa.false()
    district = district_of(actor)
    return sa.false() if district is None else Organization.district == district


def load_organization(organization_id: int, actor: User) -> Organization:
    """A member's own enterprise, or one in the organizer's scope (organization_clause); else 404.

    Trainers have no business with enterprises (403).
    """
    if actor is None or not actor.is_authenticated:
        abort(401)
    if actor.is_trainer:
        raise Forbidden()
    if actor.is_enterprise:
        clause = Organization.id == actor.organization_id
    else:
        clause = organization_clause(actor)
    organization = db.session.scalar(sa.select(Organization).where(Organization.id == organization_id, clause))
    if organization is None:
        raise NotFound()
    return organization


def may_place_organization_in(actor: User | None, district: str) -> bool:
    """Whether an organizer may register (or move) an enterprise into this district: the commission any,
    a district bureau its own — what it writes stays in its scope."""
    return is_commission(actor) or (actor is not None and district_of(actor) == district)


# -- certificates ------------------------------------------------------------------------------------


def may_download_certificate(user: User | None, certificate: Certificate) -> bool:
    """The attendee's enterprise, or organizers/trainers who may read the event's attendance."""
    if user is None or not user.is_authenticated:
        return False
    registration = certificate.registration
    if user.is_enterprise:
        return registration.organization_id == user.organization_id
    return can_read_event_admin(user, registration.event)


def load_certificate(serial: str, user: User | None, need: Literal["download", "manage"] = "download") -> Certificate:
    """The certificate by its serial, or 404 — unknown and "not yours" look the same (pages and API alike).

    need="manage" (revoke, reissue): the managers of its event; an organizer who may see the event but
    not change it gets 403, as load_event answers.
    """
    from trainhub.certificates.queries import get_by_serial

    certificate = get_by_serial(serial)
    if not may_download_certificate(user, certificate):
        raise NotFound(_l("未找到该证书编号。"))
    if need == "manage":
        load_event(certificate.registration.event_id, user, need="manage")
    return certificate


# -- the outbox ------------------------------------------------------------------------------------


def outbox_clause(user: User):
    """SQL condition on OutboxMessage (the outbox page, retries): commission organizers see every
    message; another unit's organizers only the messages about the events their unit hosts
    (OutboxMessage.event_id) — not another unit's mail to the same address, and not platform mail
    (account links, report reminders: no event)."""
    if is_commission(user):
        return sa.true()
    if not user.is_organizer or user.unit_id is None:
        return sa.false()
    return OutboxMessage.event_id.in_(sa.select(Event.id).where(Event.host_unit_id == user.unit_id))


# -- campaigns ----------------------------------------------------------------------------------------


def can_read_campaign(campaign: Campaign, user: User | None) -> bool:
    """Published campaigns are public; drafts are seen by organizers only."""
    if campaign.status == "published":
        return True
    return bool(user is not None and user.is_authenticated and user.is_organizer)


def load_campaign(campaign_id: int, user: User | None) -> Campaign:
    """The campaign, or 404 (unknown, or a draft for anyone but organizers)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or not can_read_campaign(campaign, user):
        raise NotFound()
    return campaign


def is_reporting_unit(campaign: Campaign, unit_id: int | None) -> bool:
    """Whether the unit is asked to report on the campaign (活动总结)."""
    if unit_id is None:
        return False
    return (
        db.session.scalar(
            sa.select(campaign_reporting_units.c.unit_id).where(
                campaign_reporting_units.c.campaign_id == campaign.id, campaign_reporting_units.c.unit_id == unit_id
            )
        )
        is not None
    )


def load_report_scope(campaign_id: int, unit_id: int, actor: User | None) -> tuple[Campaign, Unit]:
    """(campaign, unit) for a report the actor may read: the commission any reporting unit's, a unit
    its own; unknown campaigns, units that do not report on it, and other units' reports are 404.
    Organizers only (403 for the other roles)."""
    if actor is None or not actor.is_authenticated:
        abort(401)
    if not actor.is_organizer:
        raise Forbidden()
    campaign = load_campaign(campaign_id, actor)
    unit = db.session.get(Unit, unit_id)
    if unit is None or not is_reporting_unit(campaign, unit.id):
        raise NotFound()
    if not is_commission(actor) and actor.unit_id != unit.id:
        raise NotFound()
    return campaign, unit


# -- what belongs to an object already loaded (and authorised) ---------------------------------------


def load_campaign_attachment(campaign: Campaign, attachment_id: int) -> CampaignAttachment:
    """An attachment of this campaign; another campaign's (or none) is 404."""
    item = db.session.get(CampaignAttachment, attachment_id)
    if item is None or item.campaign_id != campaign.id:
        raise NotFound()
    return item


def load_event_registration(event: Event, registration_id: int) -> Registration:
    """A registration of this event; another event's (or none) is 404."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound()
    return registration


def load_event_checkin(event: Event, checkin_id: int) -> CheckIn:
    """A check-in row of this event; another event's (or none) is 404."""
    row = db.session.scalar(sa.select(CheckIn).where(CheckIn.id == checkin_id, CheckIn.event_id == event.id))
    if row is None:
        raise NotFound()
    return row


def load_ticket(token: str) -> Registration:
    """The confirmed registration a ticket link (/t/<token>) stands for; the link is the credential, so
    anything else — unknown, retired, not (or no longer) confirmed — is 404."""
    from trainhub.tickets.services import find_by_token, parse_token

    registration = find_by_token(parse_token(token))
    if registration is None or registration.status != "confirmed":
        raise NotFound()
    return registration


def can_invite(actor: User | None) -> bool:
    """District bureaus' organizers (their district) and the commission (any enterprise)."""
    if actor is None or not actor.is_authenticated or not actor.is_organizer:
        return False
    return is_commission(actor) or (actor.unit is not None and actor.unit.kind == "district_bureau")


def may_invite_to(actor: User | None, event: Event) -> bool:
    """An inviting unit's organizer who manages this event (its host unit, or the commission)."""
    return can_invite(actor) and can_manage_event(actor, event)
