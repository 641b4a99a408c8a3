"""The organizers' outbox page: who sees what, the status filter, retrying failed messages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from trainhub.extensions import db
from trainhub.models import OutboxMessage
from trainhub.notifications import notify


@pytest.fixture
def outbox(make, world, register):
    """Messages: one about a district bureau's event (failed), one about the commission's event to the same
    attendee (failed), one unrelated (queued), one sent."""
    bureau = make.unit(name="朝阳区市场监管局")
    bureau_event = make.event("朝阳区专场", host_unit=bureau)
    make.registration(bureau_event, email="chaoyang@attendee.cn")
    failed = notify.send_plain("test", "chaoyang@attendee.cn", "朝阳区消息", "正文", event=bureau_event)
    # The same person is also an attendee of an event the bureau has nothing to do with.
    make.registration(world.event, email="chaoyang@attendee.cn")
    foreign = notify.send_plain("test", "chaoyang@attendee.cn", "委里活动的消息", "正文", event=world.event)
    queued = notify.send_plain("test", "someone@else.cn", "别处的消息", "正文")
    sent = notify.send_plain("test", "sent@else.cn", "已发出的消息", "正文")
    db.session.flush()
    for message in (failed, foreign):
        message.status, message.attempts, message.last_error = "failed", 8, "SMTPDataError: 554 rejected"
    sent.status = "sent"
    db.session.commit()
    return {"bureau": bureau, "failed": failed, "foreign": foreign, "queued": queued, "sent": sent}


def test_commission_sees_every_message_and_filters(client, login, world, outbox):
    login(world.organizer)
    html = client.get("/manage/outbox").get_data(as_text=True)
    for subject in ("朝阳区消息", "别处的消息", "已发出的消息"):
        assert subject in html
    assert "554 rejected" in html
    failed_only = client.get("/manage/outbox?status=failed").get_data(as_text=True)
    assert "朝阳区消息" in failed_only and "别处的消息" not in failed_only
    assert client.get("/manage/outbox?status=bogus").status_code == 200


def test_unit_organizer_sees_messages_of_their_events_only(client, login, make, outbox):
    login(make.organizer(unit=outbox["bureau"]))
    html = client.get("/manage/outbox").get_data(as_text=True)
    assert "朝阳区消息" in html and "别处的消息" not in html
    assert "委里活动的消息" not in html  # another unit's mail, even to one of our attendees
    assert 'data-count="failed">1<' in html
    assert client.post(f"/manage/outbox/{outbox['queued'].id}/retry").status_code == 404
    assert client.post(f"/manage/outbox/{outbox['foreign'].id}/retry").status_code == 404
    client.post("/manage/outbox/retry-failed")
    db.session.expire_all()
    assert db.session.get(OutboxMessage, outbox["failed"].id).status == "queued"
    assert db.session.get(OutboxMessage, outbox["foreign"].id).status == "failed"


def test_registration_mail_is_tied_to_its_event(make, world, register):
    """Every registration message carries its event, so its host unit finds it in the outbox."""
    register()
    [message] = db.session.scalars(sa.select(OutboxMessage)).all()
    assert message.kind == "registration_confirmed" and message.event_id == world.event.id


@pytest.mark.parametrize("role, status", [("anonymous", 302), ("enterprise", 403), ("trainer", 403)])
def test_others_cannot_open_the_outbox(client, login, make, role, status):
    if role != "anonymous":
        login(make.user(role))
    assert client.get("/manage/outbox").status_code == status


def test_retry_puts_a_failed_message_back_in_the_queue(client, login, world, outbox):
    login(world.organizer)
    response = client.post(f"/manage/outbox/{outbox['failed'].id}/retry")
    assert response.status_code == 302
    db.session.expire_all()
    message = db.session.get(OutboxMessage, outbox["failed"].id)
    assert message.status == "queued" and message.attempts == 0
    # Retrying a message that did not fail is refused, visibly.
    page = client.post(f"/manage/outbox/{outbox['sent'].id}/retry", follow_redirects=True)
    assert "只能重试发送失败的消息" in page.get_data(as_text=True)


def test_retry_all_failed(client, login, world, outbox):
    login(world.organizer)
    client.post("/manage/outbox/retry-failed")
    db.session.expire_all()
    assert not db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.status == "failed")).all()


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_retry_needs_csrf(client, login, world, outbox):
    login(world.organizer)
    assert client.post(f"/manage/outbox/{outbox['failed'].id}/retry").status_code == 400


def test_outbox_page_query_count_does_not_grow(client, login, world, app):
    login(world.organizer)
    for i in range(30):
        notify.send_plain("test", f"p{i}@example.cn", f"消息 {i}", "正文")
    db.session.commit()
    statements = []
    from sqlalchemy import event

    def count(*_args):
        statements.append(1)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get("/manage/outbox").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) <= 8
