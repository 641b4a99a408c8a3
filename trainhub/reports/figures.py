"""Report figures (API.md "Report figures"): what the platform says about a unit's events in a campaign.

events = the unit's published events of the campaign; attendees_registered = their confirmed
registrations; attendees_checked_in = those with a check-in; enterprises = organizations with a
confirmed registration; certificates = issued and not revoked.
"""

from __future__ import annotations

import sqlalchemy as sa

from trainhub.extensions import db
from trainhub.models import Certificate, CheckIn, Event, Registration

FIGURE_KEYS = ("events", "enterprises", "attendees_registered", "attendees_checked_in", "certificates")


def live_figures(campaign_id: int, unit_id: int) -> dict:
    """The unit's published events of the campaign and what their registrations say (API.md "Report figures")."""
    return live_figures_for_units(campaign_id, [unit_id])[unit_id]


def live_figures_for_units(campaign_id: int, unit_ids) -> dict[int, dict]:
    """Figures of several units at once: five grouped queries whatever the number of units."""
    unit_ids = list(unit_ids)
    result = {uid: dict.fromkeys(FIGURE_KEYS, 0) for uid in unit_ids}
    if not unit_ids:
        return result
    events = (
        sa.select(Event.id, Event.host_unit_id)
        .where(Event.campaign_id == campaign_id, Event.status == "published", Event.host_unit_id.in_(unit_ids))
        .subquery()
    )
    for uid, count in db.session.execute(
        sa.select(events.c.host_unit_id, sa.func.count()).group_by(events.c.host_unit_id)
    ):
        result[uid]["events"] = count
    confirmed = (
        sa.select(events.c.host_unit_id, Registration.id, Registration.organization_id, Registration.checked_in_at)
        .join(events, Registration.event_id == events.c.id)
        .where(Registration.status == "confirmed")
        .subquery()
    )
    for uid, count, orgs in db.session.execute(
        sa.select(
            confirmed.c.host_unit_id, sa.func.count(), sa.func.count(sa.distinct(confirmed.c.organization_id))
        ).group_by(confirmed.c.host_unit_id)
    ):
        result[uid]["attendees_registered"] = count
        result[uid]["enterprises"] = orgs
    checked_in = sa.exists().where(
        CheckIn.registration_id == confirmed.c.id,
        CheckIn.result == "ok",
        CheckIn.direction == "in",
        CheckIn.undone_at.is_(None),
    )
    for uid, count in db.session.execute(
        sa.select(confirmed.c.host_unit_id, sa.func.count())
        .where(sa.or_(confirmed.c.checked_in_at.is_not(None), checked_in))
        .group_by(confirmed.c.host_unit_id)
    ):
        result[uid]["attendees_checked_in"] = count
    for uid, count in db.session.execute(
        sa.select(events.c.host_unit_id, sa.func.count(Certificate.id))
        .join(Registration, Registration.event_id == events.c.id)
        .join(Certificate, Certificate.registration_id == Registration.id)
        .where(Certificate.revoked_at.is_(None))
        .group_by(events.c.host_unit_id)
    ):
        result[uid]["certificates"] = count
    return result
