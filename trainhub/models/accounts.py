"""Users, API tokens, member invitations, and rate-limit counters."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from trainhub.models.organizations import Organization, Unit

ROLES = ("organizer", "trainer", "enterprise")


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role in ('organizer', 'trainer', 'enterprise')", name="role_known"),
        sa.CheckConstraint("role != 'enterprise' or organization_id is not null", name="member_has_organization"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    is_active_flag: Mapped[bool] = mapped_column("is_active", sa.Boolean, default=True, server_default=sa.text("true"))
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on password change so other sessions (and remember-me cookies) stop working.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    organization: Mapped[Organization | None] = relationship(back_populates="members")
    unit: Mapped[Unit | None] = relationship(back_populates="organizers")

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled users (or organizations) cannot log in
        if not self.is_active_flag:
            return False
        return self.organization is None or self.organization.is_active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_organizer(self) -> bool:
        return self.role == "organizer"

    @property
    def is_trainer(self) -> bool:
        return self.role == "trainer"

    @property
    def is_enterprise(self) -> bool:
        return self.role == "enterprise"

    @property
    def is_commission(self) -> bool:
        """An organizer of the commission unit (市市场监管委) acts platform-wide."""
        return self.role == "organizer" and self.unit is not None and self.unit.kind == "commission"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(Base):
    """A bearer token for /api/v1; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Written at most once a minute: the scan path must not write bookkeeping on every call.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class MemberInvitation(Base):
    """A colleague invited by email link to join an organization (or a unit's organizer account)."""

    __tablename__ = "member_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str | None] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()


class RateLimitHit(Base):
    """Fixed-window counters for rate limits when no Redis is configured."""

    __tablename__ = "rate_limit_hits"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class AuditLog(Base):
    """Who did what, when: exports, bulk downloads, full-phone views, undone check-ins."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[int | None] = mapped_column()
    details: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()
