"""`send-reminders` (the day before, never twice, other features' jobs) and `send-mail --once`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tests.factories import local
from trainhub.extensions import db
from trainhub.models import OutboxMessage
from trainhub.notifications import reminders


def _reminders() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "event_reminder")))


def test_reminder_the_day_before_only_once(make, world, register):
    first = register()
    second = register(name="王芳", email="wangfang@jia.cn", locale="en")  # waitlisted (capacity 1)
    start = world.event.starts_at
    assert reminders.send_event_reminders(start - timedelta(days=2)) == 0
    assert reminders.send_event_reminders(start - timedelta(hours=23)) == 1
    assert reminders.send_event_reminders(start - timedelta(hours=22)) == 0
    assert reminders.send_event_reminders(start - timedelta(hours=1)) == 0
    [message] = _reminders()
    assert message.recipient == first.email and "明天参加" in message.subject
    assert f"/t/{first.ticket_token}" in message.body_text
    assert second.status == "waitlisted"
    db.session.refresh(first)
    assert first.reminder_sent_at is not None


def test_a_rescheduled_event_reminds_again(world, register, now):
    from trainhub.events import services as events

    register()
    start = world.event.starts_at
    assert reminders.send_event_reminders(start - timedelta(hours=20)) == 1
    events.update_event(
        world.event,
        {"starts_at": local(2030, 10, 15, 9), "ends_at": local(2030, 10, 15, 12)},
        actor=world.organizer,
        now=now,
    )
    assert reminders.send_event_reminders(start - timedelta(hours=19)) == 0
    assert reminders.send_event_reminders(local(2030, 10, 14, 12)) == 1
    assert len(_reminders()) == 2


def test_cancelled_and_draft_events_are_not_reminded(make, world, register, now):
    from trainhub.events import services as events

    register()
    events.cancel_event(world.event, actor=world.organizer, now=now)
    assert reminders.send_event_reminders(world.event.starts_at - timedelta(hours=5)) == 0


def test_send_reminders_command_runs_registered_jobs_and_never_twice(runner, make, monkeypatch):
    calls = []
    monkeypatch.setattr(reminders, "_JOBS", list(reminders._JOBS))

    @reminders.register_reminder_job
    def campaign_report_reminders(now):
        calls.append(now)
        return 2

    soon = datetime.now(UTC) + timedelta(hours=3)
    event = make.event(starts_at=soon)
    make.registration(event, email="soon@example.cn")
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "send_event_reminders: 1" in result.output and "campaign_report_reminders: 2" in result.output
    assert "queued 3" in result.output
    again = runner.invoke(args=["send-reminders"])
    assert "send_event_reminders: 0" in again.output
    assert len(calls) == 2 and len(_reminders()) == 1


def test_send_mail_once_exits_0_while_the_server_is_down(app, runner, smtp_port):
    from trainhub.notifications import notify

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port)  # nothing listens there
    notify.send_plain("test", "a@example.cn", "主题", "正文")
    db.session.commit()
    before = datetime.now(UTC)
    result = runner.invoke(args=["send-mail", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 0, retrying 1, failed 0" in result.output
    db.session.expire_all()
    [row] = db.session.scalars(sa.select(OutboxMessage)).all()
    assert row.status == "queued" and row.attempts == 1 and "Connection" in row.last_error
    assert row.next_attempt_at <= before + timedelta(seconds=31)


def test_send_mail_once_delivers_to_the_smtp_server(runner, smtp):
    from trainhub.notifications import notify

    notify.send_plain("test", "a@example.cn", "主题", "正文\n\n第二段")
    db.session.commit()
    result = runner.invoke(args=["send-mail", "--once"])
    assert result.exit_code == 0 and "sent 1" in result.output
    [message] = smtp.messages
    assert message["Subject"] == "主题"
    assert "第二段" in message.get_body(preferencelist=("html",)).get_content()


def test_send_mail_worker_loops_until_interrupted(runner, monkeypatch, tmp_path):
    from trainhub.notifications import cli, notify

    notify.send_plain("test", "a@example.cn", "主题", "正文")
    db.session.commit()
    sleeps = []

    def fake_sleep(seconds):
        sleeps.append(seconds)
        raise KeyboardInterrupt  # the operator stops the worker while it waits

    monkeypatch.setattr(cli.time, "sleep", fake_sleep)
    result = runner.invoke(args=["send-mail", "--interval", "2"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output and sleeps == [2.0]
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1
