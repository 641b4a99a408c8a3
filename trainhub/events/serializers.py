"""The event as answered (EventSchema dumps it): its columns, its seat counts and the meeting link
only for those who may read it. Reused by campaigns."""

from __future__ import annotations

from trainhub.access import can_see_online_url
from trainhub.events.rules import seats_left


class EventAnswer:
    """An event with `seats_left`, `waitlist_length` and `online_url` as this viewer reads them
    (API.md: anyone else reads `online_url: null` and `has_online_url`)."""

    def __init__(self, event, counts: dict | None, viewer=None):
        counts = counts or {}
        self._event = event
        self.seats_left = seats_left(event.capacity, counts.get("confirmed", 0))
        self.waitlist_length = counts.get("waitlisted", 0)
        self.online_url = event.online_url if can_see_online_url(viewer, event) else None
        self.has_online_url = bool(event.online_url)

    def __getattr__(self, name: str):
        return getattr(self._event, name)


def event_answers(events, *, viewer=None) -> list[EventAnswer]:
    """Several events with their counts from one grouped query."""
    from trainhub.events.queries import registration_counts

    events = list(events)
    counts = registration_counts(e.id for e in events)
    return [EventAnswer(e, counts.get(e.id), viewer) for e in events]


def event_answer(event, *, viewer=None) -> EventAnswer:
    return event_answers([event], viewer=viewer)[0]
