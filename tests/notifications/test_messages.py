"""What each message says and carries, in the recipient's language (composed in the outbox)."""

from __future__ import annotations

import sqlalchemy as sa

from trainhub.extensions import db
from trainhub.models import OutboxMessage


def _messages(address):
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.recipient == address).order_by(OutboxMessage.id)
        )
    )


def _attachments(message):
    return [(a["filename"], a.get("method")) for a in message.attachments or []]


def test_approval_flow_messages(world, register, now):
    from trainhub.registrations import services

    world.event.requires_approval = True
    db.session.commit()
    approved = register()
    rejected = register(name="王芳", email="wangfang@jia.cn")
    services.approve_registration(approved, actor=world.organizer, now=now)
    services.reject_registration(rejected, "名额仅限会员单位", actor=world.organizer, now=now)

    pending, ok = _messages("zhangwei@jia.cn")
    assert pending.kind == "registration_pending" and not pending.attachments
    assert ok.kind == "registration_approved"
    assert _attachments(ok) == [("invite.ics", "REQUEST"), ("ticket.png", None)]
    _, no = _messages("wangfang@jia.cn")
    assert no.kind == "registration_rejected" and "名额仅限会员单位" in no.body_text
    assert "名额仅限会员单位" in no.body_html
    assert not no.attachments  # never had an invite: nothing to cancel


def test_event_change_message_in_english_with_updated_invite(world, register, now):
    from trainhub.events import services as events

    register(locale="en")
    events.update_event(world.event, {"venue": "Citizen Centre, 3F"}, actor=world.organizer, now=now)
    _, changed = _messages("zhangwei@jia.cn")
    assert changed.kind == "registration_event_changed" and changed.locale == "en"
    assert changed.subject.startswith("Time or place changed") or "changed" in changed.subject.lower()
    assert "Citizen Centre, 3F" in changed.body_text and 'lang="en"' in changed.body_html
    assert _attachments(changed)[0] == ("invite.ics", "REQUEST")


def test_html_part_escapes_what_people_typed(world, register):
    register(name="<script>x</script>")
    [message] = _messages("zhangwei@jia.cn")
    assert "<script>x</script>" not in message.body_html and "&lt;script&gt;" in message.body_html


LINK = "https://meeting.example.cn/j/secret-room"


def _online(world):
    world.event.mode = "online"
    world.event.venue = ""
    world.event.online_url = LINK
    db.session.commit()


def test_only_a_confirmed_attendee_is_mailed_the_meeting_link(world, register, now):
    from trainhub.registrations import services

    _online(world)
    confirmed = register()  # capacity 1: the next one waits
    register(name="王芳", email="wangfang@jia.cn")
    [welcome] = _messages("zhangwei@jia.cn")
    [waiting] = _messages("wangfang@jia.cn")
    assert welcome.kind == "registration_confirmed" and LINK in welcome.body_text and LINK in welcome.body_html
    assert waiting.kind == "registration_waitlisted"
    assert LINK not in waiting.body_text and LINK not in waiting.body_html
    assert "线上" in waiting.body_text  # the place still says it is online

    services.cancel_registration(confirmed, actor=world.member, now=now)
    cancelled = _messages("zhangwei@jia.cn")[-1]
    promoted = _messages("wangfang@jia.cn")[-1]
    assert cancelled.kind == "registration_cancelled" and LINK not in cancelled.body_text
    assert promoted.kind == "registration_promoted" and LINK in promoted.body_text


def test_a_pending_attendee_is_not_mailed_the_meeting_link(world, register):
    _online(world)
    world.event.requires_approval = True
    db.session.commit()
    register()
    [pending] = _messages("zhangwei@jia.cn")
    assert pending.kind == "registration_pending"
    assert LINK not in pending.body_text and LINK not in pending.body_html
