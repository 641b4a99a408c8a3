"""A subject must never break sending: an event title with a line break (stored before input refused
them, or set by a script) used to leave every confirmation mail stuck in the outbox."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from trainhub.extensions import db
from trainhub.models import OutboxMessage
from trainhub.notifications import notify
from trainhub.notifications.services import deliver_due


@pytest.mark.parametrize(
    "subject", ["报名成功：第一讲\r\nBcc: victim@example.cn", "标题\n第二行", "a\x1cb\u2028c\x85d", "\t前后空白\t"]
)
def test_a_subject_with_line_breaks_is_sent_on_one_line(app, smtp, subject):
    notify.enqueue("test", "hr@example.cn", subject=subject, body_text="正文")
    db.session.commit()
    assert deliver_due(now=datetime.now(UTC)).sent == 1
    assert db.session.scalar(sa.select(OutboxMessage.status)) == "sent"
    [received] = smtp.messages
    assert "\n" not in received["Subject"] and "\r" not in received["Subject"]
    assert received["Bcc"] is None
    assert received["Subject"].split()[0] == subject.split()[0].split("\x1c")[0]
