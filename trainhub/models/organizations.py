"""Enterprises (organizations) and organizing units (主办/承办单位)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from trainhub.models.accounts import User

UNIT_KINDS = ("commission", "district_bureau", "institute", "technical_committee", "federation", "other")


class Organization(Base):
    """An enterprise (or pilot unit, 试点单位) whose members register attendees."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    uscc: Mapped[str] = mapped_column(sa.String(18), unique=True)  # 统一社会信用代码 (GB 32100-2015)
    district: Mapped[str] = mapped_column(sa.String(50), index=True, default="", server_default="")
    industry: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    contact_name: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")
    # The flag in force (set by an organizer) and what the enterprise asked for at sign-up.
    is_pilot_unit: Mapped[bool] = mapped_column(default=False, server_default=sa.text("false"))
    pilot_unit_requested: Mapped[bool] = mapped_column(default=False, server_default=sa.text("false"))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.text("true"))
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="organization")

    def __repr__(self) -> str:
        return f"<Organization {self.uscc} {self.name}>"


class Unit(Base):
    """An organizing unit: the commission, a district bureau, the institute, a TC, the federation…"""

    __tablename__ = "units"
    __table_args__ = (
        sa.CheckConstraint(
            "kind in ('commission', 'district_bureau', 'institute', 'technical_committee', 'federation', 'other')",
            name="kind_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    district: Mapped[str] = mapped_column(sa.String(50), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organizers: Mapped[list[User]] = relationship(back_populates="unit")

    def __repr__(self) -> str:
        return f"<Unit {self.kind} {self.name}>"
