"""Figures for the organizers' dashboard and the campaign's activity summary (活动总结).

Counted in SQL (grouped, conditional sums), so a page costs a fixed handful of statements
whatever the number of registrations.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from trainhub.extensions import db
from trainhub.models import Campaign, Certificate, Event, Organization, Registration, Unit
from trainhub.reports.services import unit_summary_rows
from trainhub.timeutil import local_day_bounds, to_local

PUBLISHED = ("published",)


@dataclass
class Scope:
    """Which events count: the actor's clause plus the page's filters."""

    clause: object = sa.true()
    event_id: int | None = None
    campaign_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    unit_id: int | None = None  # hosted by this unit

    def conditions(self) -> list:
        conditions = [self.clause, Event.status != "draft"]
        if self.event_id:
            conditions.append(Event.id == self.event_id)
        if self.campaign_id:
            conditions.append(Event.campaign_id == self.campaign_id)
        if self.date_from:
            conditions.append(Event.starts_at >= local_day_bounds(self.date_from)[0])
        if self.date_to:
            conditions.append(Event.starts_at <= local_day_bounds(self.date_to)[1])
        if self.unit_id:
            conditions.append(Event.host_unit_id == self.unit_id)
        return conditions


def _sum(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _metrics(now: datetime):
    confirmed = Registration.status == "confirmed"
    checked_in = sa.and_(confirmed, Registration.checked_in_at.is_not(None))
    return [
        _sum(Registration.status.in_(("confirmed", "pending", "waitlisted"))).label("registrations"),
        _sum(confirmed).label("confirmed"),
        _sum(checked_in).label("checked_in"),
        _sum(sa.and_(confirmed, Registration.checked_in_at.is_(None), Event.ends_at < now)).label("no_shows"),
        _sum(Registration.status == "waitlisted").label("waitlisted"),
        _sum(Registration.status == "pending").label("pending"),
        _sum(Registration.status == "cancelled").label("cancelled"),
    ]


def _row(mapping) -> dict:
    row: dict[str, Any] = {
        key: int(mapping.get(key) or 0)
        for key in ("registrations", "confirmed", "checked_in", "no_shows", "waitlisted", "pending", "cancelled")
    }
    row["attendance_rate"] = round(row["checked_in"] / row["confirmed"], 4) if row["confirmed"] else None
    return row


def _base(scope: Scope):
    return (
        sa.select()
        .select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .join(Organization, Organization.id == Registration.organization_id)
        .where(*scope.conditions())
    )


def grouped(
    scope: Scope, key, *, now: datetime, limit: int | None = None, order_by_checked_in: bool = False
) -> list[dict]:
    statement = _base(scope).add_columns(key.label("key"), *_metrics(now)).group_by(key)
    statement = statement.order_by(sa.desc("checked_in") if order_by_checked_in else sa.desc("registrations"), key)
    if limit:
        statement = statement.limit(limit)
    return [{"key": m["key"], **_row(m)} for m in db.session.execute(statement).mappings()]


def totals(scope: Scope, *, now: datetime) -> dict:
    mapping = db.session.execute(_base(scope).add_columns(*_metrics(now))).mappings().one()
    result = _row(mapping)
    result["events"] = db.session.scalar(sa.select(sa.func.count(Event.id)).where(*scope.conditions())) or 0
    result["enterprises"] = (
        db.session.scalar(
            _base(scope)
            .add_columns(sa.func.count(sa.distinct(Registration.organization_id)))
            .where(Registration.status == "confirmed")
        )
        or 0
    )
    result["certificates"] = (
        db.session.scalar(
            _base(scope)
            .add_columns(sa.func.count(Certificate.id))
            .join(Certificate, Certificate.registration_id == Registration.id)
            .where(Certificate.revoked_at.is_(None))
        )
        or 0
    )
    return result


def per_event(scope: Scope, *, now: datetime) -> list[dict]:
    """Each event in scope (by date) with its figures: the trend over time and the summary's list."""
    events = (
        db.session.execute(
            sa.select(
                Event.id,
                Event.title,
                Event.starts_at,
                Event.kind,
                Event.mode,
                Event.status,
                Event.capacity,
                Unit.name.label("host"),
            )
            .join(Unit, Unit.id == Event.host_unit_id)
            .where(*scope.conditions())
            .order_by(Event.starts_at, Event.id)
        )
        .mappings()
        .all()
    )
    figures = {row["key"]: row for row in grouped(scope, Registration.event_id, now=now)}
    certificates = dict(
        db.session.execute(
            _base(scope)
            .add_columns(Registration.event_id, sa.func.count(Certificate.id))
            .join(Certificate, Certificate.registration_id == Registration.id)
            .where(Certificate.revoked_at.is_(None))
            .group_by(Registration.event_id)
        ).all()
    )
    empty = _row({})
    result = []
    for event in events:
        row = {**figures.get(event["id"], {**empty}), "certificates": certificates.get(event["id"], 0)}
        row.pop("key", None)
        result.append(
            {
                "id": event["id"],
                "title": event["title"],
                "starts_at": event["starts_at"],
                "date": to_local(event["starts_at"]).date().isoformat(),
                "kind": event["kind"],
                "mode": event["mode"],
                "status": event["status"],
                "capacity": event["capacity"],
                "host": event["host"],
                **row,
            }
        )
    return result


def registrations_per_day(scope: Scope) -> list[tuple[str, int]]:
    """Registrations by local day of sign-up (streamed; only a counter per day is kept)."""
    counter: Counter = Counter()
    result = db.session.execute(_base(scope).add_columns(Registration.created_at).execution_options(yield_per=2000))
    for (created_at,) in result:
        counter[to_local(created_at).date().isoformat()] += 1
    return sorted(counter.items())


def dashboard(scope: Scope, *, now: datetime) -> dict:
    pilot = {row["key"]: row for row in grouped(scope, Organization.is_pilot_unit, now=now)}
    return {
        "totals": totals(scope, now=now),
        "by_enterprise": grouped(scope, Organization.name, now=now, limit=20),
        "by_district": grouped(scope, Organization.district, now=now),
        "by_industry": grouped(scope, Organization.industry, now=now),
        "pilot": {
            "pilot": pilot.get(True) or pilot.get(1) or {**_row({}), "key": True},
            "others": pilot.get(False) or pilot.get(0) or {**_row({}), "key": False},
        },
        "events": per_event(scope, now=now),
        "per_day": registrations_per_day(scope),
    }


def campaign_summary(campaign: Campaign, *, unit: Unit | None = None, now: datetime | None = None) -> dict:
    """活动总结 of a campaign (or of one unit's hosted events in it).

    Keys: campaign, events (count of published events), by_kind, by_mode, enterprises, people,
    attendees_registered, attendees_checked_in, attendance_rate, certificates, top_enterprises,
    event_list. `events/enterprises/attendees_registered/attendees_checked_in/certificates` mean what
    the unit reports' `figures` mean (API.md).
    """
    from trainhub.timeutil import now as clock

    now = now or clock()
    scope = Scope(campaign_id=campaign.id, unit_id=unit.id if unit else None)
    published = Scope(clause=Event.status.in_(PUBLISHED), campaign_id=campaign.id, unit_id=scope.unit_id)
    counts = totals(published, now=now)
    kinds = dict(
        db.session.execute(
            sa.select(Event.kind, sa.func.count(Event.id)).where(*published.conditions()).group_by(Event.kind)
        ).all()
    )
    modes = dict(
        db.session.execute(
            sa.select(Event.mode, sa.func.count(Event.id)).where(*published.conditions()).group_by(Event.mode)
        ).all()
    )
    people = (
        db.session.scalar(
            _base(published)
            .add_columns(sa.func.count(sa.distinct(Registration.phone)))
            .where(Registration.status == "confirmed")
        )
        or 0
    )
    top = [
        row
        for row in grouped(published, Organization.name, now=now, limit=10, order_by_checked_in=True)
        if row["confirmed"]
    ]
    return {
        "campaign": {
            "id": campaign.id,
            "title": campaign.title,
            "theme": campaign.theme,
            "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(),
        },
        "unit": {"id": unit.id, "name": unit.name} if unit else None,
        "events": counts["events"],
        "by_kind": kinds,
        "by_mode": modes,
        "enterprises": counts["enterprises"],
        "people": people,
        "attendees_registered": counts["confirmed"],
        "attendees_checked_in": counts["checked_in"],
        "attendance_rate": counts["attendance_rate"],
        "no_shows": counts["no_shows"],
        "certificates": counts["certificates"],
        "top_enterprises": top,
        "event_list": per_event(scope, now=now),
        # The reporting units' report status and figures (reports feature); only for the whole campaign.
        "units": [] if unit else unit_summary_rows(campaign, now=now),
    }
