"""What the features call when something happened that people must hear of.

Each function only adds OutboxMessage rows to the current session: the caller's use case commits
them together with the change (an outbox), and `flask send-mail` delivers them later through the
message's channel (`channels.py`). The features never know the channel: email today; an SMS or
WeChat channel is a class registered in `channels.py`, plus (here, in one place) the rows that
address it — no sending feature changes.
"""
from __future__ import annotations

import base64

import sqlalchemy as sa

from trainhub.models import OutboxMessage, db

DEFAULT_LOCALE = "zh_CN"


def attachment(filename: str, content_type: str, data: bytes, *, method: str | None = None) -> dict:
    """An attachment as stored in OutboxMessage.attachments (JSON: the bytes in base64)."""
    item = {"filename": filename, "content_type": content_type, "data": base64.b64encode(data).decode("ascii")}
    if method:
        item["method"] = method
    return item


def enqueue(kind: str, recipient: str, *, subject: str, body_text: str, body_html: str = "",
            attachments: list | None = None, locale: str = DEFAULT_LOCALE, dedupe_key: str | None = None,
            channel: str = "email", event_id: int | None = None) -> OutboxMessage | None:
    """Add one message to the outbox (no commit). Empty recipients are skipped; a message whose
    `dedupe_key` is already in the outbox is skipped too (never sent twice) — both return None.
    `event_id`: the event the message is about (its host unit's organizers see it in the outbox)."""
    if not recipient:
        return None
    if dedupe_key and db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return None
    message = OutboxMessage(
        channel=channel, kind=kind, recipient=recipient.strip(), locale=locale or DEFAULT_LOCALE,
        subject=subject[:300], body_text=body_text, body_html=body_html or "", attachments=attachments or None,
        dedupe_key=dedupe_key, event_id=event_id,
    )
    db.session.add(message)
    return message


def registration_changed(registration, change: str) -> OutboxMessage | None:
    """change: confirmed | waitlisted | pending | promoted | approved | rejected | cancelled.

    Confirmed, promoted and approved carry the invite (METHOD:REQUEST) and the QR ticket;
    cancelled and rejected carry METHOD:CANCEL when an invite had been sent."""
    from trainhub.notifications import messages

    return messages.registration_message(registration, change)


def event_changed(event, registrations) -> None:
    """The event's time or place changed: every listed (confirmed) attendee gets an updated invite
    (same UID, higher SEQUENCE). Call after raising the sequences."""
    from trainhub.notifications import messages

    for registration in registrations:
        messages.registration_message(registration, "event_changed")


def event_cancelled(event, registrations) -> None:
    """The event is cancelled: each listed attendee is told, with METHOD:CANCEL if they had an invite."""
    from trainhub.notifications import messages

    for registration in registrations:
        messages.registration_message(registration, "event_cancelled")


def send_plain(kind: str, recipient: str, subject: str, body: str, *, locale: str = DEFAULT_LOCALE,
               dedupe_key: str | None = None, event=None) -> OutboxMessage | None:
    """A plain message already written in the recipient's language (invitations, report returns…);
    it gets an HTML part in the platform's mail layout too. `event`: the event it is about, if any."""
    from trainhub.notifications import messages

    html = messages.plain_html(subject, body, locale=locale)
    return enqueue(kind, recipient, subject=subject, body_text=body, body_html=html, locale=locale,
                   dedupe_key=dedupe_key, event_id=event.id if event is not None else None)
