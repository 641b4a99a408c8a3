"""seed_demo: idempotent — every row is looked up by its natural key before it is created."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from trainhub.db import use_case
from trainhub.demo import data
from trainhub.extensions import db
from trainhub.models import Campaign, CheckIn, Event, Organization, Registration, Unit, User
from trainhub.organizations import uscc
from trainhub.security import new_token
from trainhub.timeutil import local_datetime, local_zone


def _find_unit(name: str | None) -> Unit | None:
    if name is None:
        return db.session.scalar(sa.select(Unit).where(Unit.kind == "commission").order_by(Unit.id))
    return db.session.scalar(sa.select(Unit).where(Unit.name == name))


def _unit(name: str | None) -> Unit:
    """A unit the demo seeded (NoResultFound otherwise)."""
    unit = _find_unit(name)
    if unit is None:
        raise sa.exc.NoResultFound(f"demo unit {name!r}")
    return unit


def _seed_units() -> None:
    if _find_unit(None) is None:
        db.session.add(Unit(name="市市场监督管理委员会", kind="commission", district=""))
    for name, kind, district in data.UNITS:
        if _find_unit(name) is None:
            db.session.add(Unit(name=name, kind=kind, district=district))
    db.session.flush()


def _seed_staff(password_hash: str) -> None:
    for email, name, role, unit_name in data.STAFF:
        if db.session.scalar(sa.select(User).where(User.email == email)) is None:
            db.session.add(
                User(
                    email=email,
                    name=name,
                    role=role,
                    password_hash=password_hash,
                    unit=_unit(unit_name) if role == "organizer" else None,
                )
            )
    db.session.flush()


def _seed_enterprises(password_hash: str) -> list[Organization]:
    rng = random.Random(20211014)  # the same codes on every machine
    organizations = []
    for name, region, district, industry, pilot, email, member in data.ENTERPRISES:
        body = "91" + region + "".join(rng.choice(uscc.ALPHABET) for _ in range(9))
        code = body + uscc.check_character(body)
        org = db.session.scalar(sa.select(Organization).where(Organization.name == name))
        if org is None:
            org = Organization(
                name=name,
                uscc=code,
                district=district,
                industry=industry,
                contact_name=member,
                contact_phone="13800000000",
                contact_email=email,
                is_pilot_unit=pilot,
                pilot_unit_requested=pilot,
            )
            db.session.add(org)
            db.session.flush()
        if db.session.scalar(sa.select(User).where(User.email == email)) is None:
            db.session.add(
                User(email=email, name=member, role="enterprise", password_hash=password_hash, organization=org)
            )
        organizations.append(org)
    db.session.flush()
    return organizations


def _campaign(title: str, **fields) -> Campaign:
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.title == title))
    if campaign is None:
        campaign = Campaign(title=title, **fields)
        db.session.add(campaign)
        db.session.flush()
    return campaign


def _event(campaign: Campaign, title: str, **fields) -> tuple[Event, bool]:
    event = db.session.scalar(sa.select(Event).where(Event.title == title, Event.campaign_id == campaign.id))
    if event is not None:
        return event, False
    event = Event(title=title, campaign=campaign, **fields)
    db.session.add(event)
    db.session.flush()
    return event, True


def _trainers() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.role == "trainer").order_by(User.id)))


def _register(
    event: Event,
    organizations: list[Organization],
    count: int,
    rng: random.Random,
    *,
    checked_in_share: float,
    now: datetime,
) -> None:
    """Confirmed attendees spread over the enterprises; some checked in (past events)."""
    for index in range(count):
        org = organizations[index % len(organizations)]
        name = data.ATTENDEE_NAMES[index % len(data.ATTENDEE_NAMES)]
        phone = f"13{event.id % 10}{index:08d}"
        registration = Registration(
            event=event,
            organization=org,
            name=name,
            phone=phone,
            email=f"attendee{event.id}-{index}@example.cn",
            job_title="标准化专员",
            status="confirmed",
            ticket_token=new_token(),
            created_at=min(now, event.starts_at - timedelta(days=3)),
            confirmed_at=min(now, event.starts_at - timedelta(days=3)),
        )
        db.session.add(registration)
        if event.starts_at < now and rng.random() < checked_in_share:
            arrived = event.starts_at - timedelta(minutes=rng.randint(0, 25))
            registration.checked_in_at = arrived
            registration.checked_out_at = event.ends_at + timedelta(minutes=rng.randint(0, 10))
            db.session.flush()
            db.session.add(
                CheckIn(
                    event_id=event.id,
                    registration_id=registration.id,
                    token_tried="",
                    direction="in",
                    method="scan",
                    result="ok",
                    device="demo",
                    created_at=arrived,
                )
            )


@use_case
def seed_demo(*, now: datetime, progress: Callable[[str], None] = lambda step: None) -> dict:
    """Load the demo; a second run adds nothing. Returns how many events were created."""
    password_hash = generate_password_hash(data.DEMO_PASSWORD)
    progress("units")
    _seed_units()
    progress("staff")
    _seed_staff(password_hash)
    progress("enterprises")
    organizations = _seed_enterprises(password_hash)
    trainers = _trainers()
    rng = random.Random(7)
    created = 0

    progress("World Standards Day 2021")
    c = data.CAMPAIGN_2021
    campaign = _campaign(
        c["title"],
        theme=c["theme"],
        description=c["description"],
        status="published",
        starts_on=date(*c["starts_on"]),
        ends_on=date(*c["ends_on"]),
        report_due_at=local_datetime(date(*c["report_due"][:3]), time(*c["report_due"][3:])),
    )
    if not campaign.reporting_units:
        campaign.reporting_units = [_unit(name) for name, _kind, _district in data.UNITS]
    for title, kind, mode, topic, host, co, start, hours, venue, capacity in data.EVENTS_2021:
        starts_at = local_datetime(date(*start[:3]), time(*start[3:]))
        event, is_new = _event(
            campaign,
            title,
            kind=kind,
            mode=mode,
            topic=topic,
            description=f"{title}。{c['theme']}。",
            venue=venue,
            online_url="https://meeting.example.cn/room/2021" if mode != "offline" else "",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            capacity=capacity,
            registration_opens_at=starts_at - timedelta(days=14),
            registration_closes_at=starts_at,
            status="published",
            host_unit=_unit(host),
            self_checkin_secret=new_token() if mode != "offline" else None,
            certificate_min_minutes=int(hours * 60 * 0.8),
        )
        if is_new:
            created += 1
            event.trainers = trainers[:1] if kind == "training" else trainers
            event.co_units = [_unit(name) for name in co]
            _register(event, organizations, min(capacity, 18), rng, checked_in_share=0.85, now=now)

    progress("upcoming campaign")
    today = now.astimezone(local_zone()).date()
    upcoming = _campaign(
        data.UPCOMING_CAMPAIGN_TITLE,
        theme="实施标准化纲要，促进高质量发展",
        description="面向企业和试点单位的标准化系列公开课程，欢迎报名参加。",
        status="published",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=60),
        report_due_at=local_datetime(today + timedelta(days=45), time(17, 0)),
    )
    if not upcoming.reporting_units:
        upcoming.reporting_units = [_unit(name) for name, kind, _d in data.UNITS if kind == "district_bureau"]
    for (
        title,
        kind,
        mode,
        topic,
        host,
        co,
        days,
        hour,
        hours,
        venue,
        capacity,
        quota,
        reserved,
        approval,
    ) in data.UPCOMING_EVENTS:
        starts_at = local_datetime(today + timedelta(days=days), time(hour, 0))
        event, is_new = _event(
            upcoming,
            title,
            kind=kind,
            mode=mode,
            topic=topic,
            description=f"{title}：讲解要点、案例分析与互动答疑。",
            venue=venue,
            online_url="https://meeting.example.cn/room/cloud" if mode != "offline" else "",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            capacity=capacity,
            registration_opens_at=local_datetime(today - timedelta(days=2), time(9, 0)),
            registration_closes_at=starts_at - timedelta(hours=2),
            per_enterprise_quota=quota,
            pilot_reserved_seats=reserved,
            requires_approval=approval,
            status="published",
            host_unit=_unit(host),
            self_checkin_secret=new_token() if mode != "offline" else None,
        )
        if is_new:
            created += 1
            event.trainers = trainers[:1]
            event.co_units = [_unit(name) for name in co]
            if capacity > 20 and not approval:
                _register(event, organizations[2:], 4, rng, checked_in_share=0, now=now)
    db.session.commit()
    progress("reports and news")
    _seed_reports_and_news(campaign)
    return {"events_created": created}


def _seed_reports_and_news(campaign: Campaign) -> None:
    """Through the reports services (their rules hold): one unit submitted on time, one draft,
    and a published and a pending news item. Skipped once the campaign has reports."""
    from trainhub.campaigns.schemas import NewsSchema
    from trainhub.models import CampaignReport
    from trainhub.reports import news
    from trainhub.reports import services as reports
    from trainhub.reports.schemas import ReportSchema

    if db.session.scalar(sa.select(CampaignReport.id).where(CampaignReport.campaign_id == campaign.id).limit(1)):
        return
    campaign_id = campaign.id

    def organizer(email: str) -> User:
        return db.session.scalars(sa.select(User).where(User.email == email)).one()

    def at(day: int, hour: int) -> datetime:
        return local_datetime(date(2021, 10, day), time(hour, 0))

    def current() -> Campaign:
        return db.session.get_one(Campaign, campaign_id)

    reports.submit(
        current(),
        _unit("朝阳区市场监督管理局"),
        ReportSchema().load(data.REPORT_CHAOYANG),
        actor=organizer("chaoyang@trainhub.local"),
        now=at(25, 16),
    )
    reports.save_draft(
        current(),
        _unit("市标准化研究院"),
        ReportSchema().load(data.REPORT_INSTITUTE_DRAFT),
        actor=organizer("institute@trainhub.local"),
        now=at(26, 10),
    )
    item = news.post_news(
        current(), NewsSchema().load(data.NEWS_FEDERATION), actor=organizer("federation@trainhub.local"), now=at(20, 18)
    )
    news.publish(item.id, actor=organizer("admin@trainhub.local"), now=at(21, 9))
    news.post_news(
        current(),
        NewsSchema().load(data.NEWS_CHAOYANG_PENDING),
        actor=organizer("chaoyang@trainhub.local"),
        now=at(23, 17),
    )


def demo_logins() -> list[tuple[str, str, str]]:
    """(role label, email, password) for the README and `make run`."""
    rows = [
        (role if role != "organizer" else f"organizer ({unit or '市市场监督管理委员会'})", email, data.DEMO_PASSWORD)
        for email, _name, role, unit in data.STAFF
    ]
    rows += [(f"enterprise ({name})", email, data.DEMO_PASSWORD) for name, *_rest, email, _m in data.ENTERPRISES]
    return rows
