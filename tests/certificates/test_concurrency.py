"""Serials stay unique when two organizers issue for two events at the same moment."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from tests.certificates.conftest import attend
from tests.factories import local
from trainhub.certificates import services
from trainhub.extensions import db
from trainhub.models import Certificate, Event, User


def test_parallel_issuing_allocates_distinct_serials(app, make, held_event):
    organizer = make.organizer()
    events = []
    for _ in range(3):
        event = held_event(certificate_min_minutes=None)
        for _ in range(5):
            attend(make.registration(event))
        events.append(event.id)
    organizer_id = organizer.id
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(events))

    def issue(event_id: int):
        try:
            with app.app_context(), app.test_request_context("/"):
                event = db.session.get(Event, event_id)
                actor = db.session.get(User, organizer_id)
                barrier.wait()
                services.issue_certificates(event, actor=actor, now=local(2021, 10, 15))
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=issue, args=(event_id,)) for event_id in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    db.session.rollback()  # end the test's read snapshot
    serials = sorted(db.session.scalars(sa.select(Certificate.serial)))
    assert serials == [f"TH-2021-{n:06d}" for n in range(1, 16)]
