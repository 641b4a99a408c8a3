"""Plain factory functions for tests: rows with sensible defaults, committed, returned fresh."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, time, timedelta, timezone

import sqlalchemy as sa

from trainhub.extensions import db
from trainhub.models import ApiToken, Campaign, Event, Organization, Registration, Unit, User
from trainhub.organizations import uscc
from trainhub.security import hash_token, new_token

_counter = itertools.count(1)
_rng = random.Random(20211014)

SHANGHAI = timezone(timedelta(hours=8))


def local(year, month, day, hour=9, minute=0) -> datetime:
    """A Shanghai wall-clock time as an aware datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def hashed(password: str) -> str:
    from werkzeug.security import generate_password_hash

    # Cheap hashing in tests only; the app uses werkzeug's default (scrypt).
    return generate_password_hash(password, method="pbkdf2:sha256:1000")


class Factory:
    def __init__(self, app):
        self.app = app

    # -- units, organizations, users -------------------------------------------------------
    def commission(self) -> Unit:
        return db.session.scalar(sa.select(Unit).where(Unit.kind == "commission"))

    def unit(self, name=None, kind="district_bureau", district="朝阳区") -> Unit:
        n = next(_counter)
        unit = Unit(name=name or f"测试单位{n}", kind=kind, district=district)
        db.session.add(unit)
        db.session.commit()
        return unit

    def organization(self, name=None, *, is_pilot_unit=False, district="朝阳区", **fields) -> Organization:
        n = next(_counter)
        org = Organization(
            name=name or f"测试企业{n}有限公司",
            uscc=fields.pop("uscc", None) or uscc.generate(_rng),
            district=district,
            industry=fields.pop("industry", "制造业"),
            contact_name=fields.pop("contact_name", "王明"),
            contact_phone=fields.pop("contact_phone", "13800000000"),
            contact_email=fields.pop("contact_email", f"contact{n}@example.cn"),
            is_pilot_unit=is_pilot_unit,
            pilot_unit_requested=is_pilot_unit,
            **fields,
        )
        db.session.add(org)
        db.session.commit()
        return org

    def user(
        self,
        role="enterprise",
        *,
        email=None,
        name=None,
        password="secret-pass-123",
        organization=None,
        unit=None,
        **fields,
    ) -> User:
        n = next(_counter)
        if role == "enterprise" and organization is None:
            organization = self.organization()
        if role == "organizer" and unit is None:
            unit = self.commission()
        user = User(
            email=email or f"user{n}@example.cn",
            name=name or f"用户{n}",
            role=role,
            password_hash=hashed(password),
            organization=organization,
            unit=unit,
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    def organizer(self, unit=None, **kw) -> User:
        return self.user("organizer", unit=unit, **kw)

    def trainer(self, **kw) -> User:
        return self.user("trainer", **kw)

    def member(self, organization=None, **kw) -> User:
        return self.user("enterprise", organization=organization, **kw)

    def token(self, user) -> str:
        raw = new_token()
        db.session.add(ApiToken(user_id=user.id, name="test", token_hash=hash_token(raw)))
        db.session.commit()
        return raw

    # -- campaigns and events ---------------------------------------------------------------
    def campaign(self, title=None, **fields) -> Campaign:
        today = datetime.now(UTC).date()
        campaign = Campaign(
            title=title or f"专题活动{next(_counter)}",
            theme=fields.pop("theme", "标准促进可持续发展"),
            starts_on=fields.pop("starts_on", today - timedelta(days=10)),
            ends_on=fields.pop("ends_on", today + timedelta(days=30)),
            status=fields.pop("status", "published"),
            **fields,
        )
        db.session.add(campaign)
        db.session.commit()
        return campaign

    def event(
        self, title=None, *, starts_at=None, hours=3, trainers=(), host_unit=None, co_units=(), **fields
    ) -> Event:
        now = datetime.now(UTC)
        if starts_at is None:
            day = (now + timedelta(days=7)).astimezone(SHANGHAI).date()
            starts_at = datetime.combine(day, time(9, 0), tzinfo=SHANGHAI)
        event = Event(
            title=title or f"标准化云课堂第{next(_counter)}讲",
            kind=fields.pop("kind", "training"),
            mode=fields.pop("mode", "offline"),
            topic=fields.pop("topic", "标准化法律法规"),
            description=fields.pop("description", "课程介绍"),
            venue=fields.pop("venue", "市标准化研究院报告厅"),
            starts_at=starts_at,
            ends_at=fields.pop("ends_at", starts_at + timedelta(hours=hours)),
            capacity=fields.pop("capacity", 50),
            registration_opens_at=fields.pop("registration_opens_at", now - timedelta(days=1)),
            registration_closes_at=fields.pop("registration_closes_at", starts_at),
            status=fields.pop("status", "published"),
            host_unit=host_unit or self.commission(),
            **fields,
        )
        event.trainers = list(trainers)
        event.co_units = list(co_units)
        db.session.add(event)
        db.session.commit()
        return event

    def registration(
        self, event, organization=None, *, status="confirmed", name=None, phone=None, **fields
    ) -> Registration:
        n = next(_counter)
        organization = organization or self.organization()
        registration = Registration(
            event_id=event.id,
            organization_id=organization.id,
            name=name or f"参训人{n}",
            phone=phone or f"139{n:08d}",
            email=fields.pop("email", f"attendee{n}@example.cn"),
            job_title=fields.pop("job_title", "标准化专员"),
            status=status,
            ticket_token=fields.pop("ticket_token", new_token() if status == "confirmed" else None),
            confirmed_at=datetime.now(UTC) if status == "confirmed" else None,
            **fields,
        )
        db.session.add(registration)
        db.session.commit()
        return registration


class ApiCaller:
    """api(user).post(url, json=...) → response; api(None) calls anonymously."""

    def __init__(self, client, make: Factory):
        self.client = client
        self.make = make

    def __call__(self, user=None, lang: str | None = None):
        headers = {}
        if user is not None:
            headers["Authorization"] = f"Bearer {self.make.token(user)}"
        if lang:
            headers["Accept-Language"] = lang
        return _BoundCaller(self.client, headers)


class _BoundCaller:
    def __init__(self, client, headers):
        self.client = client
        self.headers = headers

    def _call(self, method, url, **kw):
        headers = {**self.headers, **kw.pop("headers", {})}
        return getattr(self.client, method)(url, headers=headers, **kw)

    def get(self, url, **kw):
        return self._call("get", url, **kw)

    def post(self, url, **kw):
        return self._call("post", url, **kw)

    def put(self, url, **kw):
        return self._call("put", url, **kw)

    def patch(self, url, **kw):
        return self._call("patch", url, **kw)

    def delete(self, url, **kw):
        return self._call("delete", url, **kw)
