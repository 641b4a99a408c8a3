"""`flask seed-demo` and `flask demo-logins`: thin adapters over trainhub.demo.services."""

import click

from trainhub.demo import services
from trainhub.timeutil import now


def register_cli(app) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the demo data (idempotent: a second run duplicates nothing)."""
        steps = ["units", "staff", "enterprises", "World Standards Day 2021", "upcoming campaign", "reports and news"]
        with click.progressbar(length=len(steps), label="Seeding demo data") as bar:
            result = services.seed_demo(now=now(), progress=lambda step: bar.update(1))
        click.echo(f"Demo data ready ({result['events_created']} events created).")

    @app.cli.command("demo-logins")
    def demo_logins_command():
        """Print the demo accounts."""
        click.echo(f"Demo logins (password for all: {services.demo_logins()[0][2]}):")
        for role, email, _password in services.demo_logins():
            click.echo(f"  {role:<40} {email}")
