"""The outbox: every message is a row written in the same transaction as the change behind it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from trainhub.models.base import Base, UTCDateTime, utcnow

OUTBOX_STATUSES = ("queued", "sent", "failed")


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.CheckConstraint("status in ('queued', 'sent', 'failed')", name="status_known"),
        sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(20), default="email", server_default="email")
    kind: Mapped[str] = mapped_column(sa.String(50))  # registration_confirmed, reminder, …
    recipient: Mapped[str] = mapped_column(sa.String(254))
    locale: Mapped[str] = mapped_column(sa.String(10), default="zh_CN", server_default="zh_CN")
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # [{"filename", "content_type", "data" (base64), "method"?}]
    attachments: Mapped[list | None] = mapped_column(sa.JSON)
    # A message that must never be sent twice (a reminder) carries a unique key.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    # The event a message is about (registration mail, reminders, invitations): it ties the message to
    # the event's host unit, whose organizers see it on the outbox page. NULL: platform mail (account
    # links, member invitations, report reminders), seen by the commission only.
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="queued", server_default="queued")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
