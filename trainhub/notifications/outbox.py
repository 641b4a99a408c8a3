"""The outbox (待发消息): a message to send is a row, added to the caller's session and committed with
the change it tells of; `flask send-mail` delivers it later (services.deliver_due). notify.py decides
who hears of what; messages.py writes the texts; both add their rows here."""

from __future__ import annotations

import base64

import sqlalchemy as sa

from trainhub.extensions import db
from trainhub.models import OutboxMessage

DEFAULT_LOCALE = "zh_CN"


def attachment(filename: str, content_type: str, data: bytes, *, method: str | None = None) -> dict:
    """An attachment as stored in OutboxMessage.attachments (JSON: the bytes in base64)."""
    item = {"filename": filename, "content_type": content_type, "data": base64.b64encode(data).decode("ascii")}
    if method:
        item["method"] = method
    return item


def enqueue(
    kind: str,
    recipient: str,
    *,
    subject: str,
    body_text: str,
    body_html: str = "",
    attachments: list | None = None,
    locale: str = DEFAULT_LOCALE,
    dedupe_key: str | None = None,
    channel: str = "email",
    event_id: int | None = None,
) -> OutboxMessage | None:
    """Add one message to the outbox (no commit). Empty recipients are skipped; a message whose
    `dedupe_key` is already in the outbox is skipped too (never sent twice) — both return None.
    `event_id`: the event the message is about (its host unit's organizers see it in the outbox)."""
    if not recipient:
        return None
    if dedupe_key and db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return None
    message = OutboxMessage(
        channel=channel,
        kind=kind,
        recipient=recipient.strip(),
        locale=locale or DEFAULT_LOCALE,
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html or "",
        attachments=attachments or None,
        dedupe_key=dedupe_key,
        event_id=event_id,
    )
    db.session.add(message)
    return message
