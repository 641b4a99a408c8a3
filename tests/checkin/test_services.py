"""The rules of the check-in service: every code of API.md, tampered tokens, undo, check-out, audit."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from trainhub.checkin import queries, services
from trainhub.checkin import scan as checkin_scan
from trainhub.extensions import db
from trainhub.models import CheckIn, Registration, Unit
from trainhub.tickets.services import reissue_ticket


def scans(event):
    return db.session.scalars(sa.select(CheckIn).where(CheckIn.event_id == event.id).order_by(CheckIn.id)).all()


def test_first_scan_checks_in_and_second_says_when_and_who(event, attendee, trainer, at):
    first = checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, device="phone-1", now=at(-10))
    assert first.code == "ok"
    assert first.registration.id == attendee.id
    assert first.checked_in_at == at(-10)
    again = checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, device="phone-2", now=at(5))
    assert again.code == "already_checked_in"
    assert again.checked_in_at == at(-10)
    assert again.first_by.id == trainer.id
    assert "08:50" in again.message and trainer.name in again.message
    rows = scans(event)
    assert [(r.result, r.device, r.actor_id) for r in rows] == [
        ("ok", "phone-1", trainer.id),
        ("already_checked_in", "phone-2", trainer.id),
    ]


def test_the_ticket_url_is_accepted_as_well_as_the_bare_token(app, event, attendee, trainer, at):
    url = f"{app.config['BASE_URL']}/t/{attendee.ticket_token}"
    assert checkin_scan.check_in(url, event, actor=trainer, now=at()).code == "ok"


@pytest.mark.parametrize(
    "template",
    [
        "https://evil.example/t/{token}",  # another host
        "http://trainhub.test.evil.example/t/{token}",  # a look-alike host
        "https://trainhub.test/t/{token}",  # another scheme: not what the platform prints
        "http://trainhub.test/evil/t/{token}",  # another path before /t/
        "http://evil.example/?next=http://trainhub.test/t/{token}",
        "http://[trainhub.test/t/{token}",  # not even a URL
    ],
)
def test_a_ticket_url_not_of_this_platform_is_an_invalid_token(event, attendee, trainer, at, template):
    result = checkin_scan.check_in(template.format(token=attendee.ticket_token), event, actor=trainer, now=at())
    assert result.code == "invalid_token" and result.registration is None
    assert db.session.get(Registration, attendee.id).checked_in_at is None
    # The platform's own URL, with a trailing slash or a query, still opens the door.
    url = f"HTTP://TrainHub.test/t/{attendee.ticket_token}/?utm=print"
    assert checkin_scan.check_in(url, event, actor=trainer, now=at()).code == "ok"


def test_one_character_changed_is_an_invalid_token(event, attendee, trainer, at):
    token = attendee.ticket_token
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    result = checkin_scan.check_in(tampered, event, actor=trainer, now=at())
    assert result.code == "invalid_token" and result.registration is None
    assert checkin_scan.check_in("not a ticket at all", event, actor=trainer, now=at()).code == "invalid_token"
    assert checkin_scan.check_in("", event, actor=trainer, now=at()).code == "invalid_token"
    assert db.session.get(Registration, attendee.id).checked_in_at is None
    assert [r.result for r in scans(event)] == ["invalid_token"] * 3


def test_another_events_ticket_is_the_wrong_event(make, event, trainer, org, at):
    other = make.event(starts_at=event.starts_at, trainers=[trainer])
    stranger = make.registration(other, org, status="confirmed")
    assert checkin_scan.check_in(stranger.ticket_token, event, actor=trainer, now=at()).code == "wrong_event"


def test_a_cancelled_registrations_ticket_says_cancelled(app, event, attendee, trainer, at):
    from trainhub.registrations.services import cancel_registration

    token = attendee.ticket_token
    with app.test_request_context():  # the cancellation notice renders a template
        cancel_registration(attendee, actor=None, now=at(-60 * 24))
    result = checkin_scan.check_in(token, event, actor=trainer, now=at())
    assert result.code == "cancelled"
    assert result.registration.id == attendee.id


def test_a_reissued_tickets_old_code_stops_working(event, attendee, trainer, at):
    old = attendee.ticket_token
    fresh = reissue_ticket(attendee, actor=trainer, now=at(-100)).ticket_token
    assert fresh != old and len(fresh) >= 22
    assert checkin_scan.check_in(old, event, actor=trainer, now=at()).code == "invalid_token"
    assert checkin_scan.check_in(fresh, event, actor=trainer, now=at()).code == "ok"


def test_a_registration_no_longer_confirmed_is_not_confirmed(event, attendee, trainer, at):
    token = attendee.ticket_token
    attendee.status = "rejected"
    attendee.ticket_token = None
    db.session.commit()
    assert checkin_scan.check_in(token, event, actor=trainer, now=at()).code == "not_confirmed"


def test_window_opens_before_the_start_and_closes_after_the_end_plus_grace(event, attendee, trainer, at):
    # 60 minutes before the start, until 30 minutes after the 3-hour event.
    assert checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at(-61)).code == "too_early"
    late = checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at(180 + 31))
    assert late.code == "too_late"
    assert checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at(180 + 30)).code == "ok"


def test_too_early_names_the_opening_time(event, attendee, trainer, at):
    result = checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at(-120))
    assert result.code == "too_early" and "08:00" in result.message


def test_too_early_days_before_names_the_opening_date_in_the_scanners_language(app, event, attendee, trainer, at):
    from flask_babel import force_locale

    days_before = at(-3 * 24 * 60)  # 2030-10-11, the event opens its doors on 10-14 at 08:00
    with force_locale("zh_CN"):
        chinese = checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=days_before)
    with force_locale("en"):
        english = checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=days_before)
    assert chinese.code == english.code == "too_early"
    assert chinese.message == "签到尚未开始（10月14日 08:00 开始）"
    assert english.message == "Check-in has not opened yet (opens at Oct 14 08:00)"
    a_year_before = checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at(-400 * 24 * 60))
    assert "2030" in a_year_before.message and "08:00" in a_year_before.message
    # On the day itself the time alone is enough.
    assert (
        checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at(-120)).message
        == "签到尚未开始（08:00 开始）"
    )


def test_a_trainer_not_assigned_or_another_units_organizer_is_not_allowed(make, event, attendee, at):
    other_trainer = make.trainer()
    other_unit_organizer = make.organizer(unit=make.unit())
    for actor in (other_trainer, other_unit_organizer):
        assert checkin_scan.check_in(attendee.ticket_token, event, actor=actor, now=at()).code == "not_allowed"
    assert db.session.get(Registration, attendee.id).checked_in_at is None
    assert [r.result for r in scans(event)] == ["not_allowed", "not_allowed"]


def test_the_commission_organizer_and_the_cli_without_actor_may_check_in(make, event, org, at):
    organizer = make.organizer()
    one, two = make.registration(event, org), make.registration(event, org)
    assert checkin_scan.check_in(one.ticket_token, event, actor=organizer, now=at()).code == "ok"
    assert checkin_scan.check_in(two.ticket_token, event, actor=None, now=at(), method="cli").code == "ok"


def test_check_out_records_the_leaving_time(event, attendee, trainer, at):
    checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at(-5))
    out = checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at(170), direction="out")
    assert out.code == "ok"
    registration = db.session.get(Registration, attendee.id)
    assert (registration.checked_in_at, registration.checked_out_at) == (at(-5), at(170))
    assert (
        checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at(175), direction="out").code
        == "already_checked_in"
    )


def test_undo_keeps_the_record_and_lets_the_attendee_check_in_again(make, event, attendee, trainer, at):
    from trainhub.models import AuditLog

    organizer = make.organizer()
    first = checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at())
    services.undo_check_in(first.checkin, actor=organizer, now=at(1))
    registration = db.session.get(Registration, attendee.id)
    assert registration.checked_in_at is None
    row = db.session.get(CheckIn, first.checkin.id)
    assert row.undone_at == at(1) and row.undone_by_id == organizer.id and row.result == "ok"
    assert checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at(2)).code == "ok"
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.action == "checkin.undo"))
        == 1
    )
    import pytest

    from trainhub.errors import DomainError

    with pytest.raises(DomainError) as error:
        services.undo_check_in(row, actor=organizer, now=at(3))
    assert error.value.code == "not_undoable"


def test_counters_and_by_enterprise(make, event, attendee, trainer, org, at):
    make.registration(event, org)
    make.registration(event, make.organization(name="另一家企业"))
    make.registration(event, org, status="waitlisted")
    checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at())
    assert queries.counters(event) == {"confirmed": 3, "checked_in": 1, "expected": 2, "rate": 33.3}
    rows = {row["name"]: (row["confirmed"], row["checked_in"]) for row in queries.by_organization(event)}
    assert rows == {"华东精密机械有限公司": (2, 1), "另一家企业": (1, 0)}


def test_search_by_name_phone_last_four_or_enterprise(make, event, attendee, org):
    make.registration(event, make.organization(name="别的公司"), name="王芳", phone="13800001111")
    assert [r.name for r in queries.search_attendees(event, "大伟")] == ["张大伟"]
    assert [r.name for r in queries.search_attendees(event, "5678")] == ["张大伟"]
    assert [r.name for r in queries.search_attendees(event, "华东")] == ["张大伟"]
    assert queries.search_attendees(event, "") == []


def test_the_scan_path_is_a_handful_of_statements(app, event, attendee, trainer, at):
    statements = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    token = attendee.ticket_token
    db.session.expire_all()
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = checkin_scan.check_in(token, event, actor=trainer, now=at())
        refused = checkin_scan.check_in(token[:-2] + "zz", event, actor=trainer, now=at())
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert result.code == "ok" and refused.code == "invalid_token"
    selects, writes = _reads_and_writes(statements)
    # First scan: the actor and the event (expired above), the trainer's assignment, the locked registration
    # by token, one insert and one update (on PostgreSQL one statement). The refused scan: the assignment,
    # the lookup, the retired-token lookup, one insert — nothing the request had loaded is read again
    # after a commit.
    assert len(writes) == (2 if db.engine.dialect.name == "postgresql" else 3), writes
    assert len(selects) == 7, selects


def _reads_and_writes(statements):
    def writes(statement):
        text = statement.lstrip().upper()
        return text.startswith(("INSERT", "UPDATE")) or (
            text.startswith("WITH") and ") INSERT" in " ".join(text.split())
        )

    return [s for s in statements if not writes(s) and s.lstrip().upper().startswith(("SELECT", "WITH"))], [
        s for s in statements if writes(s)
    ]


def test_a_trainers_scan_reads_event_assignment_and_ticket_in_one_statement(app, event, attendee, trainer, at):
    statements = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    token, event_id, _ = attendee.ticket_token, event.id, trainer.id  # the request has its user loaded
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = checkin_scan.trainer_check_in(token, event_id, actor=trainer, now=at())
        again = checkin_scan.trainer_check_in(token, event_id, actor=trainer, now=at(1))
        refused = checkin_scan.trainer_check_in(token[:-2] + "zz", event_id, actor=trainer, now=at())
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert (result.code, again.code, refused.code) == ("ok", "already_checked_in", "invalid_token")
    assert again.first_by.name == "李讲师" and again.checked_in_at == at()
    assert result.registration.organization.name == attendee.organization.name
    selects, writes = _reads_and_writes(statements)
    # ok: one read, the insert and the update (one statement on PostgreSQL); repeat: one read, one insert;
    # refused: one read, the retired-token lookup, one insert.
    assert len(selects) == 4, selects
    assert len(writes) == (3 if db.engine.dialect.name == "postgresql" else 4), writes
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 3


def test_a_trainers_scan_answers_for_an_unknown_event_and_one_not_theirs(make, event, attendee, trainer, at):
    assert checkin_scan.trainer_check_in(attendee.ticket_token, event.id + 1000, actor=trainer, now=at()) is None
    other = make.trainer(name="别的讲师")
    refused = checkin_scan.trainer_check_in(attendee.ticket_token, event.id, actor=other, now=at())
    assert refused.code == "not_allowed" and refused.registration is None
    rows = db.session.scalars(sa.select(CheckIn)).all()
    assert [(r.result, r.actor_id) for r in rows] == [("not_allowed", other.id)]
    assert db.session.get(Registration, attendee.id).checked_in_at is None


def test_the_unique_index_refuses_a_second_accepted_row_even_past_the_lock(event, attendee, trainer, at):
    # A stale state: an accepted row exists but the registration does not show it (as if two writers
    # had both read "not checked in"). The insert is refused by uq_checkins_accepted; the answer is
    # already_checked_in and nothing half-written stays.
    db.session.add(
        CheckIn(
            event_id=event.id,
            registration_id=attendee.id,
            result="ok",
            direction="in",
            method="scan",
            created_at=at(-1),
        )
    )
    db.session.commit()
    result = checkin_scan.check_in(attendee.ticket_token, event, actor=trainer, now=at())
    assert result.code == "already_checked_in"
    assert db.session.get(Registration, attendee.id).checked_in_at is None
    assert [r.result for r in scans(event)] == ["ok", "already_checked_in"]


def test_a_scan_for_an_unknown_event_is_the_wrong_event_and_stores_nothing(make, event, attendee, trainer, at):
    commission = make.organizer(unit=db.session.scalar(sa.select(Unit).where(Unit.kind == "commission")))
    for actor in (trainer, commission):  # the trainer's one-statement path and the organizer's event path
        result = checkin_scan.scan(attendee.ticket_token, 999999, actor=actor, device="t", now=at())
        assert result.code == "wrong_event" and result.registration is None and result.message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0
    ok = checkin_scan.scan(attendee.ticket_token, event.id, actor=commission, device="t", now=at())
    assert ok.code == "ok" and ok.checkin.actor_id == commission.id
