"""All models, re-exported: `from trainhub.models import Event, Registration`."""

from trainhub.models.accounts import ROLES, ApiToken, AuditLog, MemberInvitation, RateLimitHit, User
from trainhub.models.base import Base, UTCDateTime, utcnow
from trainhub.models.campaigns import (
    REPORT_STATUSES,
    Campaign,
    CampaignAttachment,
    CampaignReport,
    NewsItem,
    ReportAttachment,
    campaign_reporting_units,
)
from trainhub.models.events import (
    EVENT_KINDS,
    EVENT_MODES,
    EVENT_STATUSES,
    Event,
    EventInvitation,
    event_co_units,
    event_trainers,
)
from trainhub.models.notifications import OUTBOX_STATUSES, OutboxMessage
from trainhub.models.organizations import UNIT_KINDS, Organization, Unit
from trainhub.models.registrations import (
    ACTIVE_STATUSES,
    CHECKIN_RESULTS,
    REGISTRATION_STATUSES,
    Certificate,
    CheckIn,
    Registration,
    RetiredTicket,
)

__all__ = [name for name in dir() if not name.startswith("_")]
