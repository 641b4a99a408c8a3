"""iCalendar files (RFC 5545 / iTIP RFC 5546) made with `icalendar`: invites and subscription feeds.

- `registration_invite(registration, method=None)`: one attendee's invite. METHOD:REQUEST while the
  registration is confirmed and the event is on; METHOD:CANCEL (same UID, higher SEQUENCE) once
  either is cancelled (or the registration rejected).
- `event_feed(events, name)`: a calendar to subscribe to (METHOD:PUBLISH), one VEVENT per event.

Times carry TZID of the platform's zone with its VTIMEZONE; UIDs are derived from the row with a
keyed hash (no database id in what is shared) and never change.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

import icalendar
from flask import current_app
from flask_babel import gettext as _

from trainhub import access
from trainhub.timeutil import local_zone

PRODID = "-//TrainHub//标准化云课堂//ZH"
CANCELLED_REGISTRATION = ("cancelled", "rejected")


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def _uid(kind: str, ident: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"{kind}:{ident}".encode(), hashlib.sha256).hexdigest()[:32]
    host = urlsplit(_base_url()).hostname or "trainhub"
    return f"{kind}-{digest}@{host}"


def registration_uid(registration) -> str:
    """Stable for the registration: an update or a cancellation replaces the same calendar entry."""
    return _uid("registration", registration.id)


def event_uid(event) -> str:
    return _uid("event", event.id)


def is_cancelled(registration) -> bool:
    return registration.status in CANCELLED_REGISTRATION or registration.event.status == "cancelled"


def invite_sequence(registration) -> int:
    """event.sequence + registration.sequence, one more once cancelled: every change is higher."""
    base = (registration.event.sequence or 0) + (registration.sequence or 0)
    return base + (1 if is_cancelled(registration) else 0)


def event_url(event) -> str:
    return f"{_base_url()}/events/{event.id}"


def ticket_url(registration) -> str | None:
    return f"{_base_url()}/t/{registration.ticket_token}" if registration.ticket_token else None


def location(event, *, with_link: bool = False) -> str:
    """The venue, or 线上 — with the meeting link only for who may see it (access.can_see_online_url,
    access.registration_sees_online_url) — both for a hybrid event."""
    link = event.online_url if with_link else ""
    online = f"{_('线上')} {link}".strip() if event.online_url or event.mode != "offline" else ""
    if event.mode == "online":
        return online or _("线上")
    if event.mode == "hybrid" and online:
        return f"{event.venue} / {online}" if event.venue else online
    return event.venue or online


def _organizer():
    name, address = parseaddr(current_app.config.get("MAIL_SENDER") or "")
    organizer = icalendar.vCalAddress(f"mailto:{address or 'noreply@trainhub.local'}")
    organizer.params["CN"] = icalendar.vText(name or "TrainHub")
    return organizer


def _local(value: datetime) -> datetime:
    return value.astimezone(local_zone())


def _vevent(
    event, *, uid: str, sequence: int, stamp: datetime, description_lines: list[str], with_link: bool
) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", uid)
    vevent.add("dtstamp", stamp.astimezone(UTC))
    vevent.add("sequence", sequence)
    vevent.add("dtstart", _local(event.starts_at))
    vevent.add("dtend", _local(event.ends_at))
    vevent.add("summary", event.title)
    place = location(event, with_link=with_link)
    if place:
        vevent.add("location", place)
    vevent.add("url", event_url(event))
    lines = [line for line in description_lines if line]
    if with_link and event.online_url:
        lines.append(_("线上参会链接：%(url)s", url=event.online_url))
    if event.description:
        lines.append(event.description)
    vevent.add("description", "\n".join(lines))
    vevent.add("organizer", _organizer())
    if event.updated_at:
        vevent.add("last-modified", event.updated_at.astimezone(UTC))
    return vevent


def _alarm(before: timedelta, text: str) -> icalendar.Alarm:
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -before)
    alarm.add("description", text)
    return alarm


def _calendar(method: str, name: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", str(local_zone()))
    return calendar


@functools.lru_cache(maxsize=8)
def _vtimezone(tzid: str) -> icalendar.Timezone:
    """The zone's VTIMEZONE (its transitions): ~50 ms to compute, so once per process."""
    return icalendar.Timezone.from_tzid(tzid)


def _finish(calendar: icalendar.Calendar) -> bytes:
    calendar.subcomponents.insert(0, _vtimezone(str(local_zone())))
    return calendar.to_ical()


def registration_invite(registration, method: str | None = None, *, now: datetime | None = None) -> bytes:
    """The attendee's invite: REQUEST while confirmed, CANCEL once cancelled (pass `method` to force)."""
    event = registration.event
    method = (method or ("CANCEL" if is_cancelled(registration) else "REQUEST")).upper()
    stamp = now or registration.updated_at or datetime.now(UTC)
    ticket = ticket_url(registration)
    lines = []
    if ticket and method == "REQUEST":
        lines.append(_("电子票：%(url)s", url=ticket))
    lines.append(_("活动详情：%(url)s", url=event_url(event)))
    with_link = method == "REQUEST" and access.registration_sees_online_url(registration)
    vevent = _vevent(
        event,
        uid=registration_uid(registration),
        sequence=invite_sequence(registration),
        stamp=stamp,
        description_lines=lines,
        with_link=with_link,
    )
    attendee_address = registration.email or f"{registration_uid(registration).split('@')[0]}@invalid"
    attendee = icalendar.vCalAddress(f"mailto:{attendee_address}")
    attendee.params["CN"] = icalendar.vText(registration.name)
    attendee.params["ROLE"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["PARTSTAT"] = icalendar.vText("ACCEPTED")
    attendee.params["RSVP"] = icalendar.vText("FALSE")
    vevent.add("attendee", attendee)
    if method == "CANCEL":
        vevent.add("status", "CANCELLED")
    else:
        vevent.add("status", "CONFIRMED")
        vevent.add_component(_alarm(timedelta(days=1), _("明天：%(title)s", title=event.title)))
        vevent.add_component(_alarm(timedelta(hours=1), _("一小时后开始：%(title)s", title=event.title)))
    calendar = _calendar(method)
    calendar.add_component(vevent)
    return _finish(calendar)


def event_feed(events, name: str, *, now: datetime | None = None, entry_lines=None, with_link=None) -> bytes:
    """A subscription calendar (METHOD:PUBLISH). Cancelled events stay in with STATUS:CANCELLED so
    subscribed clients remove them. `entry_lines(event) -> list[str]` adds lines to a description;
    `with_link(event) -> bool` says whether the feed's reader may see its meeting link (default: no)."""
    stamp = now or datetime.now(UTC)
    calendar = _calendar("PUBLISH", name)
    for event in events:
        lines = list(entry_lines(event)) if entry_lines else []
        lines.append(_("活动详情：%(url)s", url=event_url(event)))
        vevent = _vevent(
            event,
            uid=event_uid(event),
            sequence=event.sequence or 0,
            stamp=stamp,
            description_lines=lines,
            with_link=bool(with_link and with_link(event)),
        )
        vevent.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
        calendar.add_component(vevent)
    return _finish(calendar)
