"""`flask create-user` and `flask create-token`."""

from __future__ import annotations

import pytest

from trainhub.extensions import db
from trainhub.models import User


def test_create_user_with_password(runner, make):
    result = runner.invoke(
        args=[
            "create-user",
            "--role",
            "trainer",
            "--email",
            "T@example.cn",
            "--name",
            "讲师",
            "--password",
            "long-password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "t@example.cn"))
    assert user.role == "trainer" and "long-password" not in user.password_hash
    from werkzeug.security import check_password_hash

    assert check_password_hash(user.password_hash, "long-password")


@pytest.mark.parametrize("app", [{"PASSWORD_HASH_METHOD": None}], indirect=True)
def test_passwords_are_hashed_with_scrypt_by_default(runner):
    result = runner.invoke(
        args=[
            "create-user",
            "--role",
            "trainer",
            "--email",
            "s@example.cn",
            "--name",
            "讲师",
            "--password",
            "long-password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(User).where(User.email == "s@example.cn")).password_hash.startswith("scrypt:")


def test_create_user_without_password_generates_and_prints_it(runner, make):
    bureau = make.unit()
    result = runner.invoke(
        args=[
            "create-user",
            "--role",
            "organizer",
            "--email",
            "o@example.cn",
            "--name",
            "王",
            "--unit-id",
            str(bureau.id),
        ]
    )
    assert result.exit_code == 0, result.output
    password = result.output.strip().splitlines()[-1].removeprefix("Password: ")
    from trainhub.accounts.services import authenticate
    from trainhub.timeutil import now

    user = authenticate("o@example.cn", password, ip=None, now=now())
    assert user.unit_id == bureau.id


def test_create_enterprise_member_needs_organization(runner, make):
    failed = runner.invoke(
        args=[
            "create-user",
            "--role",
            "enterprise",
            "--email",
            "m@example.cn",
            "--name",
            "成员",
            "--password",
            "long-password",
        ]
    )
    assert failed.exit_code != 0 and "organization_id" in failed.output
    organization = make.organization()
    ok = runner.invoke(
        args=[
            "create-user",
            "--role",
            "enterprise",
            "--email",
            "m@example.cn",
            "--name",
            "成员",
            "--password",
            "long-password",
            "--organization-id",
            str(organization.id),
        ]
    )
    assert ok.exit_code == 0, ok.output


def test_create_user_refuses_duplicates_and_short_passwords(runner, make):
    make.trainer(email="t@example.cn")
    assert (
        runner.invoke(
            args=[
                "create-user",
                "--role",
                "trainer",
                "--email",
                "t@example.cn",
                "--name",
                "x",
                "--password",
                "long-password",
            ]
        ).exit_code
        != 0
    )
    short = runner.invoke(
        args=["create-user", "--role", "trainer", "--email", "n@example.cn", "--name", "x", "--password", "short"]
    )
    assert short.exit_code != 0 and "password" in short.output


def test_create_token_prints_token_alone_on_last_line(runner, make, client):
    make.trainer(email="t@example.cn")
    result = runner.invoke(args=["create-token", "t@example.cn", "--name", "scanner"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert " " not in token and len(token) >= 32
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()["email"] == "t@example.cn"
    assert runner.invoke(args=["create-token", "nobody@example.cn"]).exit_code != 0
