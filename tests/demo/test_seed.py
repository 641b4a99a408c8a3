"""`seed-demo` loads the seed's campaigns and is idempotent."""

import sqlalchemy as sa

from trainhub.extensions import db
from trainhub.models import Campaign, Event, Organization, Registration, Unit, User
from trainhub.organizations import uscc


def _counts():
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Unit, User, Organization, Campaign, Event, Registration)
    }


def test_seed_demo_twice_duplicates_nothing(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = _counts()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert _counts() == counts
    assert counts["Event"] >= 10 and counts["Registration"] > 0


def test_seed_has_world_standards_day_and_an_open_upcoming_campaign(runner):
    runner.invoke(args=["seed-demo"])
    wsd = db.session.scalar(sa.select(Campaign).where(Campaign.title.contains("世界标准日")))
    assert wsd.theme == "标准促进可持续发展，共建更加美好的世界"
    assert "实施标准化纲要，促进高质量发展" in wsd.description
    titles = {event.title for event in wsd.events}
    assert "“标准化与创新可持续发展”研讨会" in titles
    seminar = next(e for e in wsd.events if "创新可持续发展" in e.title)
    assert [u.name for u in seminar.co_units] == ["全国汽车标准化技术委员会"]
    from trainhub.timeutil import now

    upcoming = [e for e in db.session.scalars(sa.select(Event)) if e.starts_at > now()]
    assert upcoming and all(e.registration_opens_at <= now() <= e.registration_closes_at for e in upcoming)
    assert all(uscc.is_valid(org.uscc) for org in db.session.scalars(sa.select(Organization)))
    assert any(org.is_pilot_unit for org in db.session.scalars(sa.select(Organization)))


def test_demo_logins_lists_every_role(runner):
    runner.invoke(args=["seed-demo"])
    output = runner.invoke(args=["demo-logins"]).output
    for email in ("admin@trainhub.local", "trainer1@trainhub.local", "hr@huabei-jixie.example.cn"):
        assert email in output


def test_seed_has_reports_in_each_state_and_news(runner, client):
    runner.invoke(args=["seed-demo"])
    from trainhub.models import CampaignReport, NewsItem

    wsd = db.session.scalar(sa.select(Campaign).where(Campaign.title.contains("世界标准日")))
    statuses = sorted(
        r.status for r in db.session.scalars(sa.select(CampaignReport).where(CampaignReport.campaign_id == wsd.id))
    )
    assert statuses == ["draft", "submitted"]
    submitted = db.session.scalar(sa.select(CampaignReport).where(CampaignReport.status == "submitted"))
    assert submitted.late is False and submitted.frozen_figures["events"] >= 1
    assert sorted(n.status for n in db.session.scalars(sa.select(NewsItem))) == ["pending", "published"]
    assert "民营经济标准化工作会议顺利召开" in client.get(f"/campaigns/{wsd.id}").get_data(as_text=True)
