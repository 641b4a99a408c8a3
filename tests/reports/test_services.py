"""Report life cycle, figures, late/overdue with an injected clock, reminders — through the services."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from tests.reports.conftest import PDF
from trainhub.errors import DomainError
from trainhub.extensions import db
from trainhub.models import Certificate, CheckIn, OutboxMessage
from trainhub.reports import services
from trainhub.reports.reminders import send_report_reminders

ZERO = dict.fromkeys(services.FIGURE_KEYS, 0)


def _code(excinfo):
    return excinfo.value.code


def test_not_started_until_first_draft(world, before_due):
    view = services.report_for(world.campaign, world.chaoyang, now=before_due)
    assert (view.status, view.overdue, view.late, view.figures) == ("not_started", False, False, ZERO)


def test_life_cycle_draft_submit_locked_returned_resubmitted_accepted(world, before_due):
    c, unit, author, boss = world.campaign, world.chaoyang, world.cy_org, world.boss
    view = services.save_draft(c, unit, {"summary": "", "outcomes": ""}, actor=author, now=before_due)
    assert view.status == "draft"  # a draft may be empty
    services.save_draft(
        c, unit, {"summary": "开展宣贯 3 场", "outcomes": "企业覆盖 20 家"}, actor=author, now=before_due
    )
    view = services.submit(c, unit, actor=author, now=before_due)
    assert (view.status, view.late, view.submitted_at) == ("submitted", False, before_due)

    with pytest.raises(DomainError) as excinfo:
        services.save_draft(c, unit, {"summary": "改"}, actor=author, now=before_due)
    assert _code(excinfo) == "report_locked"
    assert services.report_for(c, unit, now=before_due).summary == "开展宣贯 3 场"

    view = services.return_report(c, unit, "请补充照片", actor=boss, now=before_due)
    assert (view.status, view.comment, view.editable) == ("returned", "请补充照片", True)
    mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "report_returned")).all()
    assert [m.recipient for m in mail] == ["cy@example.cn"]
    assert "请补充照片" in mail[0].body_text

    view = services.save_draft(c, unit, {"outcomes": "企业覆盖 25 家"}, actor=author, now=before_due)
    assert view.status == "returned"  # until resubmitted
    view = services.submit(c, unit, actor=author, now=before_due + timedelta(hours=1))
    assert view.status == "submitted"
    view = services.accept(c, unit, actor=boss, now=before_due)
    assert view.status == "accepted" and not view.editable
    with pytest.raises(DomainError) as excinfo:
        services.return_report(c, unit, "再改", actor=boss, now=before_due)
    assert _code(excinfo) == "report_not_submitted"


@pytest.mark.parametrize("summary", ["", "   \n\t "])
def test_submit_refuses_blank_summary(world, before_due, summary):
    services.save_draft(world.campaign, world.chaoyang, {"summary": summary}, actor=world.cy_org, now=before_due)
    with pytest.raises(DomainError) as excinfo:
        services.submit(world.campaign, world.chaoyang, actor=world.cy_org, now=before_due)
    assert excinfo.value.status == 422 and "summary" in excinfo.value.fields
    assert services.report_for(world.campaign, world.chaoyang, now=before_due).status == "draft"


def test_late_is_fixed_at_submission_and_overdue_until_submitted(world, before_due, after_due):
    c = world.campaign
    assert services.report_for(c, world.haidian, now=after_due).overdue  # not_started, past due
    services.save_draft(c, world.chaoyang, {"summary": "x"}, actor=world.cy_org, now=before_due)
    assert services.report_for(c, world.chaoyang, now=after_due).overdue  # draft, past due
    view = services.submit(c, world.chaoyang, actor=world.cy_org, now=after_due)
    assert view.late and not view.overdue
    # Moving the due time later does not undo "late"; an on-time report stays on time.
    c.report_due_at = after_due + timedelta(days=10)
    db.session.commit()
    assert services.report_for(c, world.chaoyang, now=after_due).late
    services.save_draft(c, world.tc, {"summary": "y"}, actor=world.tc_org, now=before_due)
    view = services.submit(c, world.tc, actor=world.tc_org, now=before_due)
    assert not view.late


def test_returned_report_past_due_is_overdue(world, before_due, after_due):
    c = world.campaign
    services.submit(c, world.chaoyang, {"summary": "x"}, actor=world.cy_org, now=before_due)
    services.return_report(c, world.chaoyang, "补充", actor=world.boss, now=after_due)
    assert services.report_for(c, world.chaoyang, now=after_due).overdue


def _events_with_activity(make, world):
    """Chaoyang hosts two published events, a draft and a cancelled one in the campaign, one outside it."""
    c = world.campaign
    e1 = make.event(host_unit=world.chaoyang, campaign_id=c.id, co_units=[world.tc])
    e2 = make.event(host_unit=world.chaoyang, campaign_id=c.id)
    draft = make.event(host_unit=world.chaoyang, campaign_id=c.id, status="draft")
    cancelled = make.event(host_unit=world.chaoyang, campaign_id=c.id, status="cancelled")
    outside = make.event(host_unit=world.chaoyang)
    other_unit = make.event(host_unit=world.haidian, campaign_id=c.id)
    org_a, org_b = make.organization(), make.organization()
    r1 = make.registration(e1, org_a)
    r2 = make.registration(e1, org_a)
    r3 = make.registration(e2, org_b)
    make.registration(e2, org_b, status="waitlisted")
    make.registration(e2, make.organization(), status="cancelled")
    make.registration(e1, make.organization(), status="pending")
    for ev in (draft, cancelled, outside, other_unit):
        make.registration(ev, org_a)
    r1.checked_in_at = r1.event.starts_at
    db.session.add(CheckIn(event_id=e2.id, registration_id=r3.id, result="ok", direction="in"))
    db.session.add(
        CheckIn(event_id=e1.id, registration_id=r2.id, result="ok", direction="in", undone_at=r2.event.starts_at)
    )
    db.session.add(Certificate(serial="TH-T-1", registration_id=r1.id))
    db.session.add(Certificate(serial="TH-T-2", registration_id=r3.id, revoked_at=r3.event.starts_at))
    db.session.commit()
    return e1, e2, org_a


def test_figures_count_what_registrations_and_checkins_say(make, world, before_due):
    _events_with_activity(make, world)
    figures = services.report_for(world.campaign, world.chaoyang, now=before_due).figures
    assert figures == {
        "events": 2,
        "enterprises": 2,
        "attendees_registered": 3,
        "attendees_checked_in": 2,
        "certificates": 1,
    }
    # The co-organizing TC's figures do not count Chaoyang's events; Haidian has one event, one registration.
    assert services.report_for(world.campaign, world.tc, now=before_due).figures == ZERO
    assert services.report_for(world.campaign, world.haidian, now=before_due).figures["attendees_registered"] == 1


def test_figures_freeze_at_submission_and_thaw_when_returned(make, world, before_due):
    e1, _e2, org_a = _events_with_activity(make, world)
    c, unit = world.campaign, world.chaoyang
    services.submit(c, unit, {"summary": "总结"}, actor=world.cy_org, now=before_due)
    make.registration(e1, org_a)
    make.event(host_unit=unit, campaign_id=c.id)
    frozen = services.report_for(c, unit, now=before_due).figures
    assert (frozen["attendees_registered"], frozen["events"]) == (3, 2)
    assert services.reports_for(c, actor=world.boss, now=before_due)[0].figures == frozen
    services.return_report(c, unit, "请更新数据", actor=world.boss, now=before_due)
    live = services.report_for(c, unit, now=before_due).figures
    assert (live["attendees_registered"], live["events"]) == (4, 3)


def test_only_the_unit_writes_and_only_the_commission_reviews(world, before_due):
    c = world.campaign
    for actor in (world.boss, world.hd_org):
        with pytest.raises(DomainError) as excinfo:
            services.save_draft(c, world.chaoyang, {"summary": "x"}, actor=actor, now=before_due)
        assert excinfo.value.status == 403
    services.submit(c, world.chaoyang, {"summary": "x"}, actor=world.cy_org, now=before_due)
    for action in (
        lambda a: services.accept(c, world.chaoyang, actor=a, now=before_due),
        lambda a: services.return_report(c, world.chaoyang, "no", actor=a, now=before_due),
    ):
        with pytest.raises(DomainError) as excinfo:
            action(world.cy_org)
        assert excinfo.value.status == 403


def test_tracker_lists_every_reporting_unit_for_the_commission_and_its_own_for_a_unit(world, before_due):
    services.save_draft(world.campaign, world.haidian, {"summary": "x"}, actor=world.hd_org, now=before_due)
    rows = services.reports_for(world.campaign, actor=world.boss, now=before_due)
    assert [(r.unit.name, r.status) for r in rows] == [
        ("朝阳区市场监管局", "not_started"),
        ("海淀区市场监管局", "draft"),
        ("全国某标准化技术委员会", "not_started"),
    ]
    assert [r.unit.id for r in services.reports_for(world.campaign, actor=world.hd_org, now=before_due)] == [
        world.haidian.id
    ]


def test_attachment_type_and_size_checked(app, world, before_due):
    app.config["MAX_UPLOAD_MB"] = 1
    ok = FileStorage(io.BytesIO(PDF), filename="纸质版扫描.pdf")
    attachment = services.add_attachment(world.campaign, world.chaoyang, ok, actor=world.cy_org, now=before_due)
    assert (attachment.filename, attachment.size) == ("纸质版扫描.pdf", len(PDF))
    bad = FileStorage(io.BytesIO(b"MZ..."), filename="virus.exe")
    with pytest.raises(DomainError) as excinfo:
        services.add_attachment(world.campaign, world.chaoyang, bad, actor=world.cy_org, now=before_due)
    assert excinfo.value.status == 422 and "file" in excinfo.value.fields
    big = FileStorage(io.BytesIO(b"%PDF" + b"0" * (1024 * 1024)), filename="big.pdf")
    with pytest.raises(DomainError) as excinfo:
        services.add_attachment(world.campaign, world.chaoyang, big, actor=world.cy_org, now=before_due)
    assert excinfo.value.status == 413
    assert len(services.report_for(world.campaign, world.chaoyang, now=before_due).attachments) == 1


def test_reminders_three_days_and_one_day_before_never_twice(make, world):
    c, due = world.campaign, world.due
    services.submit(c, world.tc, {"summary": "已完成"}, actor=world.tc_org, now=due - timedelta(days=5))
    make.organizer(unit=world.chaoyang, email="cy2@example.cn")

    def reminders():
        return sorted(
            db.session.scalars(sa.select(OutboxMessage.dedupe_key).where(OutboxMessage.kind == "report_reminder"))
        )

    assert send_report_reminders(due - timedelta(days=4)) == 0
    assert send_report_reminders(due - timedelta(days=3) + timedelta(minutes=1)) == 3  # cy, cy2, hd
    assert send_report_reminders(due - timedelta(days=2)) == 0
    services.save_draft(c, world.haidian, {"summary": "x"}, actor=world.hd_org, now=due - timedelta(days=2))
    services.submit(c, world.haidian, actor=world.hd_org, now=due - timedelta(days=2))
    assert send_report_reminders(due - timedelta(hours=20)) == 2  # Chaoyang's two organizers
    assert send_report_reminders(due - timedelta(hours=2)) == 0
    assert send_report_reminders(due + timedelta(hours=1)) == 0
    keys = reminders()
    assert len(keys) == 5 and len(set(keys)) == 5
    assert sum(k.endswith(":1d") for k in keys) == 2


def test_send_reminders_runs_the_report_job(world):
    from trainhub.notifications.reminders import run_reminders

    results = run_reminders(world.due - timedelta(hours=12))
    assert results["send_report_reminders"] == 3  # every organizer of the three units
    assert run_reminders(world.due - timedelta(hours=11))["send_report_reminders"] == 0


def test_tracker_statement_count_does_not_grow_with_units(make, world, before_due):
    from sqlalchemy import event as sa_event

    def count_statements():
        statements = []
        engine = db.engine

        def _count(*_args):
            statements.append(1)

        sa_event.listen(engine, "before_cursor_execute", _count)
        try:
            db.session.expire_all()
            campaign = db.session.get(type(world.campaign), world.campaign.id)
            views = services.reports_for(campaign, actor=world.boss, now=before_due)
            _ = [(v.figures, v.attachments, v.unit.name) for v in views]
        finally:
            sa_event.remove(engine, "before_cursor_execute", _count)
        return len(statements), len(views)

    services.save_draft(world.campaign, world.chaoyang, {"summary": "x"}, actor=world.cy_org, now=before_due)
    few, n_few = count_statements()
    extra = [make.unit(name=f"新增单位{i}", kind="other", district="") for i in range(4)]
    world.campaign.reporting_units = list(world.campaign.reporting_units) + extra
    db.session.commit()
    for unit in extra[:2]:
        services.save_draft(world.campaign, unit, {"summary": "y"}, actor=make.organizer(unit=unit), now=before_due)
    many, n_many = count_statements()
    assert (n_few, n_many) == (3, 7)
    assert many == few <= 10


def test_concurrent_first_saves_and_submits_make_one_report(app, world, before_due):
    """Two organizers of the unit save at the same moment, then submit and return race: no 500, one row."""
    import threading

    from trainhub.models import Campaign, CampaignReport, Unit, User

    other = world.cy_org.id
    second = User(email="cy-second@example.cn", name="第二位", role="organizer", unit_id=world.chaoyang.id)
    db.session.add(second)
    db.session.commit()
    ids = (world.campaign.id, world.chaoyang.id)
    barrier = threading.Barrier(2)
    outcomes = []

    def act(user_id, fn):
        with app.app_context():
            try:
                campaign, unit = db.session.get(Campaign, ids[0]), db.session.get(Unit, ids[1])
                actor = db.session.get(User, user_id)
                barrier.wait()
                outcomes.append(fn(campaign, unit, actor).status)
            except DomainError as error:
                outcomes.append(error.code)
            finally:
                db.session.remove()

    def save(campaign, unit, actor):
        return services.save_draft(campaign, unit, {"summary": f"由{actor.name}填写"}, actor=actor, now=before_due)

    threads = [threading.Thread(target=act, args=(uid, save)) for uid in (other, second.id)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert outcomes == ["draft", "draft"]
    db.session.rollback()  # end this thread's read snapshot
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignReport)) == 1

    outcomes.clear()
    barrier.reset()

    def submit(campaign, unit, actor):
        return services.submit(campaign, unit, actor=actor, now=before_due)

    threads = [threading.Thread(target=act, args=(uid, submit)) for uid in (other, second.id)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(outcomes) == ["report_locked", "submitted"]
