"""`flask send-mail [--once]` (the delivery worker) and `flask send-reminders` (cron)."""

from __future__ import annotations

import time

import click

from trainhub.timeutil import now


def register_cli(app) -> None:
    @app.cli.command("send-mail")
    @click.option(
        "--once", is_flag=True, help="Deliver what is due now and exit (exit code 0 even if the server is down)."
    )
    @click.option("--interval", default=5.0, show_default=True, help="Seconds between polls of the outbox.")
    def send_mail(once: bool, interval: float):
        """Deliver the outbox: retries with backoff, gives up after MAIL_MAX_ATTEMPTS (status failed)."""
        from trainhub.notifications.services import deliver_due

        while True:
            report = deliver_due(now=now(), clock=now)
            if report.handled or once:
                click.echo(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}")
                for error in sorted(set(report.errors))[:5]:
                    click.echo(f"  error: {error}", err=True)
            if once:
                return
            if not report.handled:
                try:
                    time.sleep(interval)
                except KeyboardInterrupt:
                    return

    @app.cli.command("send-reminders")
    def send_reminders():
        """Queue the reminders that are due (event the day before, and other features' jobs); never twice."""
        from trainhub.notifications.reminders import run_reminders

        results = run_reminders(now())
        for name, count in results.items():
            click.echo(f"{name}: {count}")
        click.echo(f"queued {sum(results.values())}")
