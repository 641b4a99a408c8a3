"""trainhub.db.violated_constraint names the constraint an IntegrityError broke, as the naming convention
wrote it, on both databases (PostgreSQL tells the name; SQLite lists the columns, which the metadata
resolves); trainhub.db.commit turns a named violation into the refusal the use case mapped it to."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from trainhub.db import commit, violated_constraint
from trainhub.errors import DomainError
from trainhub.extensions import db
from trainhub.models import CampaignReport, EventInvitation, Registration, User


def _violation(statement) -> sa.exc.IntegrityError:
    with pytest.raises(sa.exc.IntegrityError) as info:
        with db.session.begin_nested():
            db.session.execute(statement)
    return info.value


def test_a_unique_column_is_named(app, make):
    user = make.user()
    error = _violation(sa.update(User).where(User.id == make.user().id).values(email=user.email))
    assert violated_constraint(error) == "uq_users_email"


def test_a_unique_constraint_on_two_columns_is_named(app, make):
    event, organization = make.event(), make.organization()
    row = {
        "event_id": event.id,
        "organization_id": organization.id,
        "invited_by_id": make.organizer().id,
        "invited_at": event.starts_at,
    }
    db.session.execute(sa.insert(EventInvitation).values(**row))
    assert violated_constraint(_violation(sa.insert(EventInvitation).values(**row))) == "uq_event_invitations_event_org"


def test_a_partial_unique_index_is_named(app, make):
    event = make.event()
    first = make.registration(event, status="confirmed")
    second = make.registration(event, status="confirmed")
    error = _violation(sa.update(Registration).where(Registration.id == second.id).values(phone=first.phone))
    assert violated_constraint(error) == "uq_registrations_event_phone_active"


def test_a_check_constraint_is_named(app, make):
    from trainhub.models import Event

    error = _violation(sa.update(Event).where(Event.id == make.event().id).values(capacity=-1))
    assert violated_constraint(error) == "ck_events_capacity_not_negative"
    error = _violation(sa.update(User).where(User.id == make.user().id).values(role="visitor"))
    assert violated_constraint(error) == "ck_users_role_known"


def test_what_the_driver_does_not_name_is_none_on_sqlite_and_named_on_postgresql(app, make):
    campaign_report = CampaignReport.__table__
    error = _violation(sa.insert(campaign_report).values(campaign_id=None, unit_id=None, status="draft"))
    # NOT NULL: SQLite names a column, no constraint; PostgreSQL names none either.
    assert violated_constraint(error) is None


def test_commit_maps_a_named_violation_to_its_refusal_and_rolls_back(app, make):
    taken = make.user()
    db.session.add(User(email=taken.email, name="重复", role="trainer", created_at=taken.created_at))
    with pytest.raises(DomainError) as info:
        commit(conflicts={"uq_users_email": lambda: DomainError("email_taken", "taken", 409)})
    assert info.value.code == "email_taken"
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email == taken.email)) == 1


def test_commit_reraises_a_violation_it_was_not_told_about(app, make):
    taken = make.user()
    db.session.add(User(email=taken.email, name="重复", role="trainer", created_at=taken.created_at))
    with pytest.raises(sa.exc.IntegrityError):
        commit(conflicts={"uq_organizations_uscc": lambda: DomainError("uscc_taken", "taken", 409)})
    assert not db.session.new
