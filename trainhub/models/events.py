"""Events (training sessions, seminars, meetings), their trainers, co-organizers and invitations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from trainhub.models.accounts import User
    from trainhub.models.campaigns import Campaign
    from trainhub.models.organizations import Organization, Unit

EVENT_KINDS = ("training", "seminar", "meeting")
EVENT_MODES = ("online", "offline", "hybrid")
EVENT_STATUSES = ("draft", "published", "cancelled")

event_trainers = sa.Table(
    "event_trainers",
    Base.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)

event_co_units = sa.Table(
    "event_co_units",
    Base.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("kind in ('training', 'seminar', 'meeting')", name="kind_known"),
        sa.CheckConstraint("mode in ('online', 'offline', 'hybrid')", name="mode_known"),
        sa.CheckConstraint("status in ('draft', 'published', 'cancelled')", name="status_known"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint(
            "pilot_reserved_seats >= 0 and pilot_reserved_seats <= capacity", name="reserved_within_capacity"
        ),
        sa.CheckConstraint("per_enterprise_quota is null or per_enterprise_quota > 0", name="quota_positive"),
        sa.Index("ix_events_status_starts_at", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20), default="training")
    mode: Mapped[str] = mapped_column(sa.String(20), default="offline")
    topic: Mapped[str] = mapped_column(sa.String(100), default="", server_default="", index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    venue: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    online_url: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(default=0)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    per_enterprise_quota: Mapped[int | None] = mapped_column()
    pilot_reserved_seats: Mapped[int] = mapped_column(default=0, server_default="0")
    requires_approval: Mapped[bool] = mapped_column(default=False, server_default=sa.text("false"))
    status: Mapped[str] = mapped_column(sa.String(20), default="draft", server_default="draft")
    checkin_opens_minutes_before: Mapped[int] = mapped_column(default=60, server_default="60")
    checkin_closes_minutes_after: Mapped[int] = mapped_column(default=30, server_default="30")
    certificate_min_minutes: Mapped[int | None] = mapped_column()
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    host_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    # Raised on every change of time or place: calendar invites carry it as SEQUENCE.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    # Secret behind the rotating self check-in code of online/hybrid events.
    self_checkin_secret: Mapped[str | None] = mapped_column(sa.String(64))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign | None] = relationship(back_populates="events")
    host_unit: Mapped[Unit] = relationship(foreign_keys=[host_unit_id])
    co_units: Mapped[list[Unit]] = relationship(secondary=event_co_units, order_by="Unit.id")
    trainers: Mapped[list[User]] = relationship(secondary=event_trainers, order_by="User.id")

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title}>"


class EventInvitation(Base):
    """A district bureau invited an enterprise of its district to an event."""

    __tablename__ = "event_invitations"
    __table_args__ = (sa.UniqueConstraint("event_id", "organization_id", name="uq_event_invitations_event_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    organization: Mapped[Organization] = relationship()
