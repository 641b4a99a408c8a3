"""A worker killed mid-batch: the messages it claimed but never sent go out again within minutes, while a
live worker's slow batch keeps its claim."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from trainhub.extensions import db
from trainhub.models import OutboxMessage
from trainhub.notifications import notify, services
from trainhub.notifications.services import claim_due, deliver_due


def _queue(count: int) -> datetime:
    for i in range(count):
        notify.send_plain("test", f"p{i}@example.cn", f"消息 {i}", "正文")
    db.session.commit()
    return datetime.now(UTC)


def test_messages_claimed_by_a_worker_that_died_are_sent_within_two_minutes(app, smtp):
    moment = _queue(3)
    assert len(claim_due(moment)) == 3  # ... and the worker is killed before sending any of them
    assert deliver_due(now=moment + timedelta(seconds=30)).handled == 0  # it might still be alive
    report = deliver_due(now=moment + timedelta(minutes=2))
    assert report.sent == 3
    assert sorted(m["To"] for m in smtp.messages) == ["p0@example.cn", "p1@example.cn", "p2@example.cn"]


def test_a_slow_batch_keeps_its_claim_on_the_messages_it_has_not_sent_yet(app, smtp, monkeypatch):
    moment = _queue(4)
    clock = {"seconds": 1000.0}
    monkeypatch.setattr(services.time, "monotonic", lambda: clock["seconds"])
    real_send = services._send
    stolen = []

    def slow_send(message, *args):
        clock["seconds"] += 40  # each message takes 40 s (a sluggish SMTP server)
        elapsed = timedelta(seconds=clock["seconds"] - 1000.0)
        stolen.extend(m.id for m in claim_due(moment + elapsed))  # another worker looks for due mail
        return real_send(message, *args)

    monkeypatch.setattr(services, "_send", slow_send)
    report = deliver_due(now=moment)
    assert report.sent == 4 and stolen == []  # nobody else sent them, after 160 s in all
    db.session.expire_all()
    assert [m.attempts for m in db.session.scalars(db.select(OutboxMessage))] == [1, 1, 1, 1]
