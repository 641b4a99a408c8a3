"""A district bureau's enterprises and its invitations of them to events (an email with a registration
link; the list shows who was invited and who registered). The commission may invite any enterprise."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainhub.access import can_invite, can_manage_event, is_commission
from trainhub.db import begin_write, use_case
from trainhub.errors import DomainError, Forbidden, ValidationError
from trainhub.extensions import db
from trainhub.models import Event, EventInvitation, Organization, Registration, User
from trainhub.notifications import notify
from trainhub.units.queries import district_enterprises_query


def _require_inviter(event: Event, actor: User) -> None:
    if not can_invite(actor):
        raise Forbidden(_l("只有区市场监管局和市场监管委可以邀请企业。"), code="invite_not_allowed")
    if not can_manage_event(actor, event):
        raise Forbidden(_l("只有主办单位可以邀请企业参加该活动。"), code="invite_not_allowed")


@use_case
def invite_organizations(event: Event, organization_ids: list[int], *, actor: User, now: datetime) -> int:
    """Invite enterprises to an event by email (a registration link). Returns how many were newly invited.

    `organization_ids` as InvitationSchema loads them (units/schemas.py: a non-empty list of ids). A
    district bureau may invite only the active enterprises of its district: any other id is a 422
    (`fields.organization_ids`) and nothing is sent. Inviting an enterprise twice sends nothing.
    """
    _require_inviter(event, actor)
    if event.status != "published":
        raise DomainError("event_not_open", _l("只能邀请企业参加已发布的活动。"), 409)
    begin_write()
    # Invitations of an event queue on its row: the same enterprise is never invited (emailed) twice.
    db.session.execute(sa.select(Event.id).where(Event.id == event.id).with_for_update())
    wanted = set(organization_ids)
    allowed = district_enterprises_query(actor).where(Organization.id.in_(wanted))
    organizations = list(db.session.scalars(allowed))
    unknown = wanted - {org.id for org in organizations}
    if unknown:
        raise ValidationError(
            {"organization_ids": [_l("只能邀请本辖区的企业：%(ids)s", ids=", ".join(map(str, sorted(unknown))))]},
            code="organization_out_of_district",
        )
    already = set(
        db.session.scalars(
            sa.select(EventInvitation.organization_id).where(
                EventInvitation.event_id == event.id, EventInvitation.organization_id.in_(wanted)
            )
        )
    )
    sent = 0
    for org in organizations:
        if org.id in already:
            continue
        db.session.add(
            EventInvitation(event_id=event.id, organization_id=org.id, invited_by_id=actor.id, invited_at=now)
        )
        for recipient, locale in _invitation_recipients(org):
            _send_invitation(event, org, recipient, locale)
        sent += 1
    db.session.commit()
    return sent


def _invitation_recipients(org: Organization) -> list[tuple[str, str]]:
    recipients: dict[str, str] = {}
    if org.contact_email:
        recipients[org.contact_email.lower()] = "zh_CN"
    for member in org.members:
        if member.is_active_flag and member.email:
            recipients[member.email.lower()] = member.locale or "zh_CN"
    return list(recipients.items())


def registration_link(event: Event) -> str:
    return f"{current_app.config['BASE_URL']}/events/{event.id}/register"


def _send_invitation(event: Event, org: Organization, recipient: str, locale: str) -> None:
    from trainhub.calendar.ics import location  # the place without the meeting link: not an attendee yet
    from trainhub.timeutil import to_local

    with force_locale(locale):
        subject = _("邀请参加：%(title)s", title=event.title)
        body = "\n".join(
            [
                _("%(name)s：", name=org.name),
                "",
                _(
                    "%(unit)s 邀请贵单位参加“%(title)s”（%(when)s，%(venue)s）。",
                    unit=event.host_unit.name,
                    title=event.title,
                    when=to_local(event.starts_at).strftime("%Y-%m-%d %H:%M"),
                    venue=location(event) or "-",
                ),
                _("报名链接：%(link)s", link=registration_link(event)),
                "",
            ]
        )
    notify.send_plain("event_invitation", recipient, subject, body, locale=locale, event=event)


def list_invitations(event: Event) -> list[dict]:
    """Invited enterprises with when, and whether they have registered someone (not cancelled/rejected)."""
    invitations = list(
        db.session.scalars(
            sa.select(EventInvitation)
            .where(EventInvitation.event_id == event.id)
            .options(sa.orm.selectinload(EventInvitation.organization))
            .order_by(EventInvitation.invited_at, EventInvitation.id)
        )
    )
    registered = set(
        db.session.scalars(
            sa.select(Registration.organization_id)
            .where(
                Registration.event_id == event.id,
                Registration.status.in_(("pending", "confirmed", "waitlisted")),
            )
            .distinct()
        )
    )
    return [
        {
            "organization": inv.organization,
            "invited_at": inv.invited_at,
            "registered": inv.organization_id in registered,
        }
        for inv in invitations
    ]


def events_to_invite_to(actor: User, now: datetime) -> list[Event]:
    """Upcoming published events the actor may invite enterprises to (its unit's; the commission: all)."""
    query = sa.select(Event).where(Event.status == "published", Event.starts_at > now).order_by(Event.starts_at)
    if not is_commission(actor):
        query = query.where(Event.host_unit_id == actor.unit_id)
    return list(db.session.scalars(query.limit(50)))
