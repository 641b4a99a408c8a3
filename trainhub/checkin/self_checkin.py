"""Self check-in (自助签到) for online and hybrid events: the presenter shows a rotating 6-digit code (an
HMAC of the event's secret and the minute), the attendee enters it on their ticket page, and the scan's
rules (checkin.rules, through the scan engine) decide. Wrong codes are counted and rate-limited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from trainhub import ratelimit
from trainhub.checkin import rules, scan  # the module (tickets.views imports both while scan is loading)
from trainhub.checkin.results import MESSAGES, CheckInResult, render_message
from trainhub.db import begin_write, use_case
from trainhub.errors import DomainError
from trainhub.events.rules import supports_self_checkin
from trainhub.extensions import db
from trainhub.models import CheckIn, Event
from trainhub.tickets.services import find_by_token, parse_token

SELF_CODE_WINDOW = 60  # seconds a self check-in code lives (the previous one is still accepted)
SELF_RATE_WINDOW = 300  # wrong self check-in codes are counted per 5 minutes


@use_case
def ensure_self_checkin_secret(event: Event) -> Event:
    """Give the event its secret for rotating codes (once)."""
    if event.self_checkin_secret:
        return event
    begin_write()
    locked = db.session.scalars(
        sa.select(Event).where(Event.id == event.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    if not locked.self_checkin_secret:
        locked.self_checkin_secret = secrets.token_hex(32)
    db.session.commit()
    return locked


def _code_for(secret: str, window: int) -> str:
    digest = hmac.new(secret.encode(), str(window).encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def current_self_checkin_code(event: Event, now: datetime) -> tuple[str, int]:
    """The 6-digit code shown now and the seconds it has left (HMAC of the secret and the 60-s window)."""
    if not event.self_checkin_secret:
        raise DomainError("self_checkin_unavailable", _l("本场活动不支持自助签到。"), 409)
    stamp = int(now.timestamp())
    return _code_for(event.self_checkin_secret, stamp // SELF_CODE_WINDOW), SELF_CODE_WINDOW - stamp % SELF_CODE_WINDOW


def self_code_valid(event: Event, code: str, now: datetime) -> bool:
    if not event.self_checkin_secret or not isinstance(code, str):
        return False
    code = code.strip()
    window = int(now.timestamp()) // SELF_CODE_WINDOW
    return any(hmac.compare_digest(code, _code_for(event.self_checkin_secret, w)) for w in (window, window - 1))


@use_case
def self_check_in(ticket_token: str, code: str, *, now: datetime, ip: str = "") -> CheckInResult:
    """The attendee enters (or scans) the presenter's code on their ticket page."""
    registration = find_by_token(parse_token(ticket_token))
    if registration is None:
        raise DomainError("invalid_token", MESSAGES["invalid_token"], 404)
    event = registration.event
    if not supports_self_checkin(event):
        raise DomainError("self_checkin_unavailable", _l("本场活动不支持自助签到。"), 409)
    limit = current_app.config.get("SELF_CHECKIN_RATE_LIMIT", 10)
    keys = [f"selfcheckin:reg:{registration.id}"] + ([f"selfcheckin:ip:{ip}"] if ip else [])
    limits = [limit] + [limit * 5] * (len(keys) - 1)
    if any(
        ratelimit.is_limited(k, limit=n, window_seconds=SELF_RATE_WINDOW, now=now)
        for k, n in zip(keys, limits, strict=True)
    ):
        raise DomainError("rate_limited", _l("尝试次数过多，请稍后再试。"), 429)
    if not self_code_valid(event, code, now):
        begin_write()
        db.session.add(
            CheckIn(
                event_id=event.id,
                registration_id=registration.id,
                token_tried=scan.short_token(code),
                direction=rules.IN,
                method="self",
                result=rules.INVALID_TOKEN,
                device=(ip or "")[:200],
                created_at=now,
            )
        )
        db.session.commit()
        for key in keys:
            ratelimit.record(key, window_seconds=SELF_RATE_WINDOW, now=now)
        raise DomainError("invalid_code", _l("签到码错误或已过期。"), 422)
    begin_write()
    locked = find_by_token(registration.ticket_token, lock=True)
    result = scan.decide_and_record(
        locked,
        locked.ticket_token if locked else None,
        ticket_token,
        event,
        actor=None,
        device=ip,
        now=now,
        direction=rules.IN,
        method="self",
    )
    render_message(result)
    return result
