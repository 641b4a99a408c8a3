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

# Until every caller imports them from their own modules: `db` from trainhub.extensions, the
# transactions and statements from trainhub.db. Looked up when asked (trainhub.db imports the models).
_MOVED = {"db": "trainhub.extensions", "DirectStatement": "trainhub.db", "autocommit_connection": "trainhub.db",
          "autocommit_engine": "trainhub.db", "begin_write": "trainhub.db", "use_case": "trainhub.db"}


def __getattr__(name: str):
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
