"""Campaigns (专题活动), their attachments, unit reports (活动总结) and news (日常动态)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from trainhub.models.events import Event
    from trainhub.models.organizations import Unit

campaign_reporting_units = sa.Table(
    "campaign_reporting_units",
    Base.metadata,
    sa.Column("campaign_id", sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (
        sa.CheckConstraint("status in ('draft', 'published')", name="status_known"),
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    theme: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(20), default="draft", server_default="draft")
    report_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attachments: Mapped[list[CampaignAttachment]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="CampaignAttachment.id"
    )
    reporting_units: Mapped[list[Unit]] = relationship(secondary=campaign_reporting_units, order_by="Unit.id")
    events: Mapped[list[Event]] = relationship(back_populates="campaign", order_by="Event.starts_at")


class StoredFileMixin:
    """A file uploaded into instance/uploads under a random name."""

    filename: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    size: Mapped[int] = mapped_column()
    content_type: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CampaignAttachment(StoredFileMixin, Base):
    __tablename__ = "campaign_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)

    campaign: Mapped[Campaign] = relationship(back_populates="attachments")


REPORT_STATUSES = ("draft", "submitted", "returned", "accepted")


class CampaignReport(Base):
    """A reporting unit's activity summary for a campaign. No row yet means `not_started`."""

    __tablename__ = "campaign_reports"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "unit_id", name="uq_campaign_reports_campaign_unit"),
        sa.CheckConstraint("status in ('draft', 'submitted', 'returned', 'accepted')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="draft", server_default="draft")
    summary: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # 活动基本情况
    outcomes: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # 取得的成效
    frozen_figures: Mapped[dict | None] = mapped_column(sa.JSON)  # set at submission
    comment: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    late: Mapped[bool] = mapped_column(default=False, server_default=sa.text("false"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit] = relationship()
    attachments: Mapped[list[ReportAttachment]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportAttachment.id"
    )


class ReportAttachment(StoredFileMixin, Base):
    __tablename__ = "report_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign_reports.id", ondelete="CASCADE"), index=True)

    report: Mapped[CampaignReport] = relationship(back_populates="attachments")


class NewsItem(Base):
    """日常动态: a unit's short update during a campaign, public once the commission publishes it."""

    __tablename__ = "news_items"
    __table_args__ = (sa.CheckConstraint("status in ('pending', 'published')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    photo_stored_name: Mapped[str | None] = mapped_column(sa.String(100))
    status: Mapped[str] = mapped_column(sa.String(20), default="pending", server_default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit] = relationship()
