"""Event JSON exactly as API.md "Event fields" lists them; reused by campaigns and feeds."""
from __future__ import annotations

from trainhub.access import can_see_online_url
from trainhub.events.rules import seats_left
from trainhub.timeutil import iso


def event_to_dict(event, counts: dict | None, *, viewer=None) -> dict:
    """`counts` is this event's entry of `queries.registration_counts` (None: no registrations).
    `viewer` reads the meeting link when they may (its organizers and trainers); anyone else reads
    `online_url: null` and `has_online_url` (API.md)."""
    counts = counts or {}
    confirmed = counts.get("confirmed", 0)
    return {
        "id": event.id,
        "title": event.title,
        "kind": event.kind,
        "mode": event.mode,
        "topic": event.topic,
        "description": event.description,
        "venue": event.venue,
        "online_url": event.online_url if can_see_online_url(viewer, event) else None,
        "has_online_url": bool(event.online_url),
        "starts_at": iso(event.starts_at),
        "ends_at": iso(event.ends_at),
        "capacity": event.capacity,
        "seats_left": seats_left(event.capacity, confirmed),
        "waitlist_length": counts.get("waitlisted", 0),
        "registration_opens_at": iso(event.registration_opens_at),
        "registration_closes_at": iso(event.registration_closes_at),
        "per_enterprise_quota": event.per_enterprise_quota,
        "pilot_reserved_seats": event.pilot_reserved_seats,
        "requires_approval": bool(event.requires_approval),
        "status": event.status,
        "trainers": [{"id": t.id, "name": t.name} for t in event.trainers],
        "checkin_opens_minutes_before": event.checkin_opens_minutes_before,
        "checkin_closes_minutes_after": event.checkin_closes_minutes_after,
        "certificate_min_minutes": event.certificate_min_minutes,
        "campaign_id": event.campaign_id,
        "host_unit": {"id": event.host_unit.id, "name": event.host_unit.name} if event.host_unit else None,
        "co_units": [{"id": u.id, "name": u.name} for u in event.co_units],
    }


def events_to_dicts(events, *, viewer=None) -> list[dict]:
    """Several events with their counts from one grouped query."""
    from trainhub.events.queries import registration_counts

    events = list(events)
    counts = registration_counts(e.id for e in events)
    return [event_to_dict(e, counts.get(e.id), viewer=viewer) for e in events]
