"""`flask register EVENT_ID --organization-id ID --name N --phone P`: the same service as the pages."""

from __future__ import annotations

import click

from trainhub.errors import DomainError, ValidationError
from trainhub.extensions import db
from trainhub.models import Event, Organization
from trainhub.registrations import services
from trainhub.registrations.schemas import RegistrationRequestSchema
from trainhub.schemas import load
from trainhub.timeutil import now


def register_cli(app) -> None:
    @app.cli.command("register")
    @click.argument("event_id", type=int)
    @click.option("--organization-id", type=int, required=True)
    @click.option("--name", required=True)
    @click.option("--phone", required=True)
    @click.option("--email", default="")
    @click.option("--job-title", default="")
    def register_command(event_id, organization_id, name, phone, email, job_title):
        """Register one attendee of an organization for an event (rules as on the page)."""
        event = db.session.get(Event, event_id)
        organization = db.session.get(Organization, organization_id)
        if event is None or event.status == "draft":
            raise click.ClickException(f"event {event_id} not found")
        if organization is None:
            raise click.ClickException(f"organization {organization_id} not found")
        try:
            attendees = load(
                RegistrationRequestSchema(),
                {"attendees": [{"name": name, "phone": phone, "email": email, "job_title": job_title}]},
            )["attendees"]
        except ValidationError as error:
            detail = "; ".join(f"{k}: {', '.join(str(m) for m in v)}" for k, v in (error.fields or {}).items())
            raise click.ClickException(f"invalid: {detail}") from None
        try:
            created = services.register_attendees(event, organization, attendees, actor=None, now=now())
        except DomainError as error:
            detail = "; ".join(f"{k}: {', '.join(str(m) for m in v)}" for k, v in (error.fields or {}).items())
            raise click.ClickException(f"{error.code}: {error.message}" + (f" ({detail})" if detail else "")) from None
        for registration in created:
            click.echo(f"{registration.id}\t{registration.status}\t{registration.name}")
