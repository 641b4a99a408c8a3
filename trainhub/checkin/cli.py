"""`flask checkin EVENT_ID TOKEN [--as EMAIL] [--out]`: the same service as the console."""

from __future__ import annotations

import click
import sqlalchemy as sa

from trainhub.extensions import db
from trainhub.models import Event, User
from trainhub.timeutil import iso, now


def register_cli(app) -> None:
    @app.cli.command("checkin")
    @click.argument("event_id", type=int)
    @click.argument("token")
    @click.option("--as", "as_email", default=None, help="E-mail of the trainer or organizer acting.")
    @click.option("--out", "check_out", is_flag=True, help="Record the leaving time instead.")
    def checkin_command(event_id, token, as_email, check_out):
        """Check in the attendee holding TOKEN (a ticket URL, or the bare token — after `--` when it
        begins with "-") for EVENT_ID."""
        from trainhub.checkin import scan

        event = db.session.get(Event, event_id)
        if event is None:
            raise click.ClickException(f"event {event_id} not found")
        actor = None
        if as_email:
            actor = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == as_email.strip().lower()))
            if actor is None:
                raise click.ClickException(f"user {as_email} not found")
        result = scan.check_in(
            token, event, actor=actor, device="cli", now=now(), direction="out" if check_out else "in", method="cli"
        )
        name = result.registration.name if result.registration is not None else "-"
        click.echo(f"{result.code}\t{name}\t{iso(result.checked_in_at) or ''}\t{result.message}")
        if result.code not in ("ok", "already_checked_in"):
            raise SystemExit(1)
