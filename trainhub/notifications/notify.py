"""What the features call when something happened that people must hear of.

Each function only adds OutboxMessage rows to the current session: the caller's use case commits
them together with the change (an outbox), and `flask send-mail` delivers them later. The
features never know the channel (email today; SMS or WeChat can be added as channels).
"""
from __future__ import annotations

from flask_babel import force_locale, gettext

from trainhub.models import OutboxMessage, db

DEFAULT_LOCALE = "zh_CN"


def enqueue(kind: str, recipient: str, *, subject: str, body_text: str, body_html: str = "",
            attachments: list | None = None, locale: str = DEFAULT_LOCALE, dedupe_key: str | None = None,
            channel: str = "email") -> OutboxMessage | None:
    """Add one message to the outbox (no commit). Empty recipients are skipped."""
    if not recipient:
        return None
    message = OutboxMessage(
        channel=channel, kind=kind, recipient=recipient, locale=locale, subject=subject,
        body_text=body_text, body_html=body_html, attachments=attachments, dedupe_key=dedupe_key,
    )
    db.session.add(message)
    return message


def registration_changed(registration, change: str) -> None:
    """change: confirmed | waitlisted | pending | promoted | approved | rejected | cancelled."""
    from trainhub.notifications import messages

    messages.registration_message(registration, change)


def event_changed(event, registrations) -> None:
    """The event's time or place changed: every listed (confirmed) attendee gets an updated invite."""
    from trainhub.notifications import messages

    for registration in registrations:
        messages.registration_message(registration, "event_changed")


def event_cancelled(event, registrations) -> None:
    from trainhub.notifications import messages

    for registration in registrations:
        messages.registration_message(registration, "event_cancelled")


def send_plain(kind: str, recipient: str, subject: str, body: str, *, locale: str = DEFAULT_LOCALE,
               dedupe_key: str | None = None) -> OutboxMessage | None:
    """A plain message already written in the recipient's language (invitations, report returns…)."""
    return enqueue(kind, recipient, subject=subject, body_text=body, locale=locale, dedupe_key=dedupe_key)
