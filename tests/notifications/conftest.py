"""A real SMTP server in the test process (aiosmtpd) that can be stopped and started again on the
same port, and a world with an event and an enterprise."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from types import SimpleNamespace

import pytest

from tests.factories import local


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """start()/stop() a real server; `messages` holds every message received (parsed)."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list = []
        self.envelopes: list = []
        self.refuse_code: str | None = None  # e.g. "451 try later": the server refuses DATA
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_code:
            return self.refuse_code
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def start(self):
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_port():
    return _free_port()


@pytest.fixture
def smtp(app, smtp_port):
    """The app delivers to this server (running); stop() it to simulate an outage."""
    server = SmtpServer(smtp_port)
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_port,
        MAIL_USE_TLS=False,
        MAIL_SENDER="标准化云课堂 <noreply@trainhub.test>",
        MAIL_MAX_ATTEMPTS=4,
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def now():
    return datetime.now(UTC)


@pytest.fixture
def world(make, now):
    organizer = make.organizer(email="organizer@example.cn")
    org = make.organization(name="甲标准科技有限公司")
    member = make.member(org, email="hr@jia.cn")
    event = make.event(
        "企业标准化良好行为创建",
        starts_at=local(2030, 10, 14, 9),
        hours=3,
        capacity=1,
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=local(2030, 10, 14, 9),
    )
    return SimpleNamespace(organizer=organizer, org=org, member=member, event=event)


@pytest.fixture
def register(world, now):
    from trainhub.registrations import services

    counter = iter(range(10, 99))

    def _register(name="张伟", email="zhangwei@jia.cn", locale=None, event=None):
        world.member.locale = locale
        attendee = {"name": name, "phone": f"138000000{next(counter)}", "email": email, "job_title": "工程师"}
        return services.register_attendees(event or world.event, world.org, [attendee], actor=world.member, now=now)[0]

    return _register
