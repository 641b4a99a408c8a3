"""`flask --app wsgi issue-certificates EVENT_ID` with a progress bar."""

from __future__ import annotations

import click

from trainhub.timeutil import now


def register_cli(app) -> None:
    @app.cli.command("issue-certificates")
    @click.argument("event_id", type=int)
    def issue_certificates_command(event_id: int):
        """Issue certificates to every eligible attendee of EVENT_ID."""
        from trainhub.certificates.services import SKIP_REASONS, issue_certificates
        from trainhub.errors import DomainError
        from trainhub.extensions import db
        from trainhub.models import Event

        event = db.session.get(Event, event_id)
        if event is None:
            raise click.ClickException(f"event {event_id} not found")

        bar = None

        def progress(items):
            nonlocal bar
            bar = click.progressbar(items, label="Issuing certificates", show_pos=True)
            with bar:
                yield from bar

        try:
            result = issue_certificates(event, actor=None, now=now(), progress=progress)
        except DomainError as error:
            raise click.ClickException(str(error.message)) from None
        click.echo(f"issued: {result['issued']}")
        from trainhub.certificates.queries import certificates_query
        from trainhub.certificates.services import prerender

        certificates = list(db.session.scalars(certificates_query(event=event)))
        with click.progressbar(length=len(certificates), label="Rendering PDFs", show_pos=True) as pdf_bar:

            def step(groups):
                for group in groups:
                    yield group
                    pdf_bar.update(len(group))

            prerender(certificates, progress=step)
        for reason, people in result["skipped"].items():
            label = SKIP_REASONS.get(reason, reason)
            click.echo(f"skipped ({reason}, {label}): {len(people)}")
