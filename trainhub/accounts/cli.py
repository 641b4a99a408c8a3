"""`flask create-user` and `flask create-token`: thin adapters over accounts.services."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from trainhub.errors import DomainError


def _fail(error: DomainError) -> NoReturn:
    lines = [str(error.message)]
    for field, messages in (error.fields or {}).items():
        lines += [f"  {field}: {message}" for message in messages]
    raise click.ClickException("\n".join(lines))


def _load(schema, raw: dict) -> dict:
    """The options as the API's schema loads them; refused ones exit as a service's 422 would."""
    from trainhub.errors import ValidationError
    from trainhub.schemas import load

    try:
        return load(schema, raw)
    except ValidationError as error:
        _fail(error)


def register_cli(app) -> None:
    @app.cli.command("create-user")
    @click.option("--role", type=click.Choice(["organizer", "trainer", "enterprise"]), required=True)
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--organization-id", type=int, default=None, help="Required for --role enterprise.")
    @click.option("--unit-id", type=int, default=None, help="An organizer's unit (default: the commission).")
    @click.option("--password", default=None, help="Without it: asked for on a terminal, else generated and printed.")
    def create_user_command(role, email, name, organization_id, unit_id, password):
        """Create an account (organizer, trainer or enterprise member)."""
        from trainhub.accounts import services
        from trainhub.accounts.schemas import CommandLineUserSchema
        from trainhub.timeutil import now

        generated = False
        if password is None:
            if sys.stdin.isatty():
                password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
            else:
                password = services.generate_password()
                generated = True
        try:
            values = _load(
                CommandLineUserSchema(),
                {
                    "email": email,
                    "name": name,
                    "role": role,
                    "unit_id": unit_id,
                    "organization_id": organization_id,
                    "password": password,
                },
            )
            user = services.create_user(**values, actor=None, now=now())
        except DomainError as error:
            _fail(error)
        click.echo(
            f"Created {user.role} {user.email} (id {user.id})"
            + (f", unit {user.unit.name}" if user.unit else "")
            + (f", organization {user.organization.name}" if user.organization else "")
        )
        if generated:
            click.echo(f"Password: {password}")

    @app.cli.command("create-token")
    @click.argument("email")
    @click.option("--name", default=None, help="A label for the token (default: cli).")
    def create_token_command(email, name):
        """Create an API token for EMAIL; prints the token (shown once) alone on its last line."""
        from trainhub.accounts import services
        from trainhub.timeutil import now

        user = services.find_user_by_email(email)
        if user is None:
            raise click.ClickException(f"No user with email {email}")
        if not user.is_active:
            raise click.ClickException(f"User {email} is disabled")
        raw = services.create_api_token(user, name or "cli", now=now())
        click.echo(f"API token for {user.email} (only shown now):")
        click.echo(raw)
