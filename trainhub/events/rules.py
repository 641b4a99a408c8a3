"""Rules about one event that pages, the API and services all ask (no session, no SQL)."""

from __future__ import annotations

from trainhub.models import Event

SELF_CHECKIN_MODES = ("online", "hybrid")


def seats_left(capacity: int, confirmed: int) -> int:
    """剩余名额: an event's capacity less its confirmed attendees, never below zero."""
    return max(0, capacity - confirmed)


def supports_self_checkin(event: Event) -> bool:
    """Online and hybrid events let attendees check themselves in with the presenter's code (自助签到)."""
    return event.mode in SELF_CHECKIN_MODES


def mode_supports_self_checkin(mode: str) -> bool:
    """supports_self_checkin for a mode read without its event (exports' rows)."""
    return mode in SELF_CHECKIN_MODES


def is_changeable(event: Event) -> bool:
    """An event may be edited, published or cancelled until it is cancelled (取消后不能再修改)."""
    return event.status != "cancelled"


def is_draft(event: Event) -> bool:
    """A draft is seen only by its organizers and trainers, and may be published (发布)."""
    return event.status == "draft"
