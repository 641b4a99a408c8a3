"""What the features call when something happened that people must hear of.

Each function only adds OutboxMessage rows to the current session: the caller's use case commits
them together with the change (an outbox), and `flask send-mail` delivers them later through the
message's channel (`channels.py`). The features never know the channel: email today; an SMS or
WeChat channel is a class registered in `channels.py`, plus (here, in one place) the rows that
address it — no sending feature changes.

The rows themselves are added by outbox.py (`enqueue`, re-exported here for the features).
"""

from __future__ import annotations

from trainhub.models import OutboxMessage
from trainhub.notifications import messages
from trainhub.notifications.outbox import DEFAULT_LOCALE, attachment, enqueue

__all__ = [
    "DEFAULT_LOCALE",
    "attachment",
    "enqueue",
    "registration_changed",
    "event_changed",
    "event_cancelled",
    "send_plain",
]


def registration_changed(registration, change: str) -> OutboxMessage | None:
    """change: confirmed | waitlisted | pending | promoted | approved | rejected | cancelled.

    Confirmed, promoted and approved carry the invite (METHOD:REQUEST) and the QR ticket;
    cancelled and rejected carry METHOD:CANCEL when an invite had been sent."""
    return messages.registration_message(registration, change)


def event_changed(event, registrations) -> None:
    """The event's time or place changed: every listed (confirmed) attendee gets an updated invite
    (same UID, higher SEQUENCE). Call after raising the sequences."""
    for registration in registrations:
        messages.registration_message(registration, "event_changed")


def event_cancelled(event, registrations) -> None:
    """The event is cancelled: each listed attendee is told, with METHOD:CANCEL if they had an invite."""
    for registration in registrations:
        messages.registration_message(registration, "event_cancelled")


def send_plain(
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    *,
    locale: str = DEFAULT_LOCALE,
    dedupe_key: str | None = None,
    event=None,
) -> OutboxMessage | None:
    """A plain message already written in the recipient's language (invitations, report returns…);
    it gets an HTML part in the platform's mail layout too. `event`: the event it is about, if any."""
    html = messages.plain_html(subject, body, locale=locale)
    return enqueue(
        kind,
        recipient,
        subject=subject,
        body_text=body,
        body_html=html,
        locale=locale,
        dedupe_key=dedupe_key,
        event_id=event.id if event is not None else None,
    )
