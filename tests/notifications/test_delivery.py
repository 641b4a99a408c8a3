"""Delivery over a real SMTP server: headers, parts and attachments; outages lose nothing and every
message arrives exactly once; backoff, giving up visibly, retrying; two workers at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from trainhub.extensions import db
from trainhub.models import OutboxMessage
from trainhub.notifications import notify
from trainhub.notifications.services import deliver_due, retry_delay


def _now() -> datetime:
    """Delivery's clock: messages are due from the moment they were queued."""
    return datetime.now(UTC)


def _outbox(**where) -> list[OutboxMessage]:
    statement = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    for key, value in where.items():
        statement = statement.where(getattr(OutboxMessage, key) == value)
    db.session.expire_all()
    return list(db.session.scalars(statement))


def _decoded_ticket(png: bytes) -> str:
    """The text of the QR code in a ticket image — the image the ticket page downloads, caption included."""
    import io

    import zxingcpp
    from PIL import Image

    assert png.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(png))
    assert image.height > image.width  # the caption (event, attendee, time) is printed under the code
    [code] = zxingcpp.read_barcodes(image)
    return code.text


def test_the_mailed_ticket_is_the_tickets_own_image(app, smtp, world, register):
    registration = register()
    deliver_due(now=_now())
    [message] = smtp.messages
    [png] = [
        part.get_payload(decode=True) for part in message.iter_attachments() if part.get_filename() == "ticket.png"
    ]
    downloaded = app.test_client().get(f"/t/{registration.ticket_token}/ticket.png")
    assert downloaded.status_code == 200 and png == downloaded.data


def test_confirmation_arrives_with_text_html_invite_and_qr(smtp, world, register, now):
    registration = register()
    report = deliver_due(now=_now())
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [message] = smtp.messages
    assert smtp.envelopes == [("noreply@trainhub.test", ["zhangwei@jia.cn"])]
    assert message["To"] == "zhangwei@jia.cn"
    assert message["Subject"] == "报名成功：企业标准化良好行为创建"
    assert "noreply@trainhub.test" in message["From"] and message["Message-ID"] and message["Date"]
    assert message["Content-Language"] == "zh-CN"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    ticket = f"http://trainhub.test/t/{registration.ticket_token}"
    assert "张伟，您好" in text and ticket in text
    assert "<html" in html and ticket in html
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(attachments) == {"invite.ics", "ticket.png"}
    invite = attachments["invite.ics"]
    assert invite.get_content_type() == "text/calendar" and invite.get_param("method") == "REQUEST"
    assert b"METHOD:REQUEST" in invite.get_payload(decode=True)
    assert _decoded_ticket(attachments["ticket.png"].get_payload(decode=True)) == ticket
    [row] = _outbox()
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1


def test_messages_are_written_in_the_recipients_language(smtp, world, register, now):
    register(locale="en")
    deliver_due(now=_now())
    [message] = smtp.messages
    assert message["Subject"] == "Registration confirmed: 企业标准化良好行为创建"
    assert message["Content-Language"] == "en"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Dear 张伟" in text and "You are registered" in text and "Time:" in text


def test_waitlist_promotion_and_cancel_messages(smtp, world, register, now):
    from trainhub.registrations import services

    first = register()
    register(name="王芳", email="wangfang@jia.cn")  # capacity 1: waitlisted
    services.cancel_registration(first, actor=world.member, now=now)  # 王芳 is promoted
    deliver_due(now=_now())
    by_subject = {(m["To"], m["Subject"].split("：")[0]): m for m in smtp.messages}
    assert set(by_subject) == {
        ("zhangwei@jia.cn", "报名成功"),
        ("wangfang@jia.cn", "已进入候补名单"),
        ("zhangwei@jia.cn", "报名已取消"),
        ("wangfang@jia.cn", "候补转为正式报名"),
    }
    cancel = by_subject[("zhangwei@jia.cn", "报名已取消")]
    [ics] = list(cancel.iter_attachments())
    assert ics.get_content_type() == "text/calendar" and ics.get_param("method") == "CANCEL"
    promoted = by_subject[("wangfang@jia.cn", "候补转为正式报名")]
    assert {p.get_filename() for p in promoted.iter_attachments()} == {"invite.ics", "ticket.png"}
    assert not list(by_subject[("wangfang@jia.cn", "已进入候补名单")].iter_attachments())


def test_outage_loses_nothing_and_each_message_arrives_exactly_once(smtp, world, register, now):
    for i in range(3):
        notify.send_plain("test", f"person{i}@example.cn", f"消息 {i}", "正文")
    db.session.commit()
    smtp.stop()

    now = _now()
    report = deliver_due(now=now)
    assert (report.sent, report.retrying) == (0, 3)
    rows = _outbox()
    assert all(r.status == "queued" and r.attempts == 1 and r.last_error for r in rows)
    assert all(now < r.next_attempt_at <= now + timedelta(seconds=30) for r in rows)
    assert deliver_due(now=_now()).handled == 0  # nothing is due before the retry time

    later = now + timedelta(seconds=31)
    assert deliver_due(now=later).retrying == 3  # still down: the second delay is longer
    assert all(r.next_attempt_at - later == timedelta(seconds=60) for r in _outbox())

    smtp.start()
    assert deliver_due(now=later + timedelta(seconds=61)).sent == 3
    assert deliver_due(now=later + timedelta(days=1)).handled == 0
    assert sorted(m["Subject"] for m in smtp.messages) == ["消息 0", "消息 1", "消息 2"]
    assert all(r.status == "sent" for r in _outbox())


def test_server_refusing_is_retried_then_given_up_visibly_and_retried_by_an_organizer(smtp, world, now):
    from trainhub.notifications.services import retry_message

    notify.send_plain("test", "someone@example.cn", "主题", "正文")
    db.session.commit()
    smtp.refuse_code = "451 4.3.0 try again later"
    moment = _now()
    for attempt in range(1, 5):  # MAIL_MAX_ATTEMPTS = 4
        report = deliver_due(now=moment)
        assert report.handled == 1
        moment += retry_delay(attempt)
    [row] = _outbox()
    assert row.status == "failed" and row.attempts == 4 and "451" in row.last_error
    assert deliver_due(now=moment + timedelta(days=1)).handled == 0

    smtp.refuse_code = None
    retry_message(row.id, actor=world.organizer, now=moment)
    assert deliver_due(now=moment).sent == 1
    assert len(smtp.messages) == 1 and _outbox()[0].status == "sent"


def test_backoff_grows_and_is_capped():
    delays = [retry_delay(n).total_seconds() for n in range(1, 10)]
    assert delays[0] <= 30 and delays == sorted(delays) and delays[-1] == 3600


def test_two_workers_never_send_the_same_message_twice(app, smtp, world, now):
    for i in range(30):
        notify.send_plain("test", f"p{i}@example.cn", f"消息 {i}", "正文")
    db.session.commit()
    moment = _now()
    errors = []

    def worker():
        try:
            with app.app_context():
                deliver_due(now=moment)
                db.session.remove()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    subjects = [m["Subject"] for m in smtp.messages]
    assert len(subjects) == 30 and len(set(subjects)) == 30
    assert all(r.status == "sent" and r.attempts == 1 for r in _outbox())


def test_without_a_server_messages_are_written_as_files(app, world, register, now, tmp_path):
    register()
    assert deliver_due(now=_now()).sent == 1
    [path] = list((tmp_path / "mail").glob("*.eml"))
    assert b"Subject:" in path.read_bytes() and b"text/calendar" in path.read_bytes()


def test_unknown_channel_is_kept_with_its_error_and_a_registered_channel_delivers(app, now, monkeypatch):
    from trainhub.notifications import channels
    from trainhub.notifications.channels import Channel, register_channel

    monkeypatch.setattr(channels, "_CHANNELS", dict(channels._CHANNELS))  # the registry is global

    notify.enqueue("test", "13800000000", subject="短信", body_text="验证", channel="sms-test")
    db.session.commit()
    assert deliver_due(now=_now()).retrying == 1
    assert "unknown channel" in _outbox()[0].last_error

    sent = []

    class FakeSms(Channel):
        name = "sms-test"

        def send(self, message):
            sent.append((message.recipient, message.body_text))

    register_channel("sms-test", FakeSms)
    assert deliver_due(now=_now() + timedelta(minutes=1)).sent == 1
    assert sent == [("13800000000", "验证")]


def test_outbox_row_is_part_of_the_change_transaction(world, now):
    from trainhub.errors import DomainError
    from trainhub.registrations import services

    attendee = {"name": "张伟", "phone": "13800000001", "email": "a@b.cn", "job_title": ""}
    services.register_attendees(world.event, world.org, [attendee], actor=world.member, now=now)
    try:
        services.register_attendees(world.event, world.org, [attendee], actor=world.member, now=now)
    except DomainError as error:
        assert error.code == "duplicate_phone"
    assert len(_outbox()) == 1  # the refused change wrote no message
