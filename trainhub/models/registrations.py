"""Registrations (one per attendee), check-in scans and certificates."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from trainhub.models.accounts import User
    from trainhub.models.events import Event
    from trainhub.models.organizations import Organization

REGISTRATION_STATUSES = ("pending", "confirmed", "waitlisted", "cancelled", "rejected")
ACTIVE_STATUSES = ("pending", "confirmed", "waitlisted")


class Registration(Base):
    __tablename__ = "registrations"
    __table_args__ = (
        sa.CheckConstraint(
            "status in ('pending', 'confirmed', 'waitlisted', 'cancelled', 'rejected')", name="status_known"
        ),
        sa.CheckConstraint("status = 'confirmed' or ticket_token is null", name="ticket_only_when_confirmed"),
        # One live registration per mobile number and event (cancelled/rejected ones may be retried).
        sa.Index(
            "uq_registrations_event_phone_active",
            "event_id",
            "phone",
            unique=True,
            sqlite_where=sa.text("status in ('pending', 'confirmed', 'waitlisted')"),
            postgresql_where=sa.text("status in ('pending', 'confirmed', 'waitlisted')"),
        ),
        sa.Index("ix_registrations_event_status", "event_id", "status"),
        sa.Index("ix_registrations_org_event", "organization_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # arrival order: the waitlist is ordered by id
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[str] = mapped_column(sa.String(20))
    email: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")
    job_title: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    status: Mapped[str] = mapped_column(sa.String(20))
    rejection_reason: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    ticket_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # Raised on every change the attendee's calendar must hear of (SEQUENCE of the invite).
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    organization: Mapped[Organization] = relationship()
    checked_in_by: Mapped[User | None] = relationship(foreign_keys=[checked_in_by_id])

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.status}>"


class RetiredTicket(Base):
    """A ticket token that no longer opens the door (cancelled, rejected, reissued), by its hash: the
    console can then say `cancelled` or `not_confirmed` instead of `invalid_token`, in one key lookup."""

    __tablename__ = "retired_tickets"

    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship()


CHECKIN_RESULTS = (
    "ok",
    "already_checked_in",
    "invalid_token",
    "wrong_event",
    "cancelled",
    "not_confirmed",
    "too_early",
    "too_late",
    "not_allowed",
)


class CheckIn(Base):
    """Every scan, accepted or refused: the audit log of the door. Undone rows stay, marked."""

    __tablename__ = "checkins"
    __table_args__ = (
        sa.CheckConstraint("direction in ('in', 'out')", name="direction_known"),
        sa.CheckConstraint("method in ('scan', 'manual', 'self', 'cli', 'api')", name="method_known"),
        # At most one accepted, not undone check-in per registration and direction.
        sa.Index(
            "uq_checkins_accepted",
            "registration_id",
            "direction",
            unique=True,
            sqlite_where=sa.text("result = 'ok' and undone_at is null"),
            postgresql_where=sa.text("result = 'ok' and undone_at is null"),
        ),
        sa.Index("ix_checkins_event_created", "event_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    token_tried: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    direction: Mapped[str] = mapped_column(sa.String(3), default="in", server_default="in")
    method: Mapped[str] = mapped_column(sa.String(10), default="scan", server_default="scan")
    result: Mapped[str] = mapped_column(sa.String(30))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    device: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    registration: Mapped[Registration | None] = relationship()
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


def new_verify_code() -> str:
    return secrets.token_urlsafe(16)


class Certificate(Base):
    """参训证明: serial like TH-2021-000123 (printed, sequential); its QR code links to /verify/<verify_code>,
    a random code, so the links on certificates cannot be walked."""

    __tablename__ = "certificates"
    __table_args__ = (
        sa.Index(
            "uq_certificates_live_registration",
            "registration_id",
            unique=True,
            sqlite_where=sa.text("revoked_at is null"),
            postgresql_where=sa.text("revoked_at is null"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(sa.String(30), unique=True)
    verify_code: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_verify_code)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    minutes_attended: Mapped[int | None] = mapped_column()
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")

    registration: Mapped[Registration] = relationship()
