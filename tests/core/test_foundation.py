"""The app factory, configuration, migrations and assets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trainhub import create_app
from trainhub.config import load_environment, parse_bool
from trainhub.organizations import uscc

ROOT = Path(__file__).resolve().parents[2]


def test_production_without_secret_key_refuses_to_start(tmp_path):
    with pytest.raises(RuntimeError, match="TRAINHUB_SECRET_KEY"):
        create_app(
            {
                "ENV_NAME": "production",
                "SECRET_KEY": None,
                "BASE_URL": "https://x.example",
                "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3",
            }
        )


def test_environment_overrides_are_typed():
    values = load_environment(
        {"TRAINHUB_MAIL_USE_TLS": "0", "TRAINHUB_MAIL_PORT": "2525", "TRAINHUB_TIMEZONE": "Asia/Shanghai", "OTHER": "x"}
    )
    assert values == {"MAIL_USE_TLS": False, "MAIL_PORT": 2525, "TIMEZONE": "Asia/Shanghai"}
    assert parse_bool("true") and parse_bool("1") and not parse_bool("false")
    with pytest.raises(ValueError):
        parse_bool("maybe")


def test_a_given_config_is_not_overridden_by_the_environment_or_instance_config(tmp_path, monkeypatch):
    """create_app(config) (tests, benchmarks) is the defaults and that dict: a TRAINHUB_* variable or an
    instance/config.py on the machine changes nothing. create_app() (wsgi, the CLI) reads both."""
    import trainhub

    monkeypatch.setattr(trainhub, "ROOT", tmp_path)  # its instance/ folder, not the repository's
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "config.py").write_text('LOGIN_RATE_LIMIT = 99\nTIMEZONE = "Europe/Paris"\n')
    monkeypatch.setenv("TRAINHUB_ENV_NAME", "development")
    monkeypatch.setenv("TRAINHUB_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("TRAINHUB_BASE_URL", "https://from-the-environment.example")
    monkeypatch.setenv("TRAINHUB_MAIL_SERVER", "smtp.from-the-environment.example")
    monkeypatch.setenv("TRAINHUB_DATABASE_URL", f"sqlite:///{tmp_path}/environment.sqlite3")

    def seen(app):
        return {
            key: app.config[key]
            for key in ("SECRET_KEY", "BASE_URL", "MAIL_SERVER", "DATABASE_URL", "LOGIN_RATE_LIMIT", "TIMEZONE")
        }

    given = create_app({"SECRET_KEY": "given", "DATABASE_URL": f"sqlite:///{tmp_path}/given.sqlite3"})
    assert seen(given) == {
        "SECRET_KEY": "given",
        "BASE_URL": "http://127.0.0.1:5000",
        "MAIL_SERVER": None,
        "DATABASE_URL": f"sqlite:///{tmp_path}/given.sqlite3",
        "LOGIN_RATE_LIMIT": 10,
        "TIMEZONE": "Asia/Shanghai",
    }
    assert seen(create_app()) == {
        "SECRET_KEY": "from-the-environment",
        "BASE_URL": "https://from-the-environment.example",
        "MAIL_SERVER": "smtp.from-the-environment.example",
        "DATABASE_URL": f"sqlite:///{tmp_path}/environment.sqlite3",
        "LOGIN_RATE_LIMIT": 99,
        "TIMEZONE": "Europe/Paris",
    }


def test_health_endpoint(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


@pytest.mark.parametrize(
    "code, problem",
    [
        ("91110000802100433B", None),  # a real, published code
        ("91110000802100433C", "check"),
        ("91110000802100433", "length"),
        ("9111000080210043IB", "alphabet"),
    ],
)
def test_uscc_validation(code, problem):
    assert uscc.problem(code) == problem


def test_generated_uscc_codes_are_valid():
    import random

    rng = random.Random(1)
    assert all(uscc.is_valid(uscc.generate(rng)) for _ in range(200))


def test_no_cdn_address_in_templates_or_static_sources():
    pattern = re.compile(r"https?://[^\s\"']*(cdn|jsdelivr|unpkg|googleapis|cdnjs|bootcdn|staticfile)", re.I)
    offenders = []
    for path in (
        list((ROOT / "templates").rglob("*.html"))
        + list((ROOT / "static").glob("js/**/*.js"))
        + list((ROOT / "static").glob("css/**/*.css"))
    ):
        if pattern.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_every_script_and_stylesheet_is_served_by_the_app():
    srcs = set()
    for path in (ROOT / "templates").rglob("*.html"):
        for _match in re.finditer(r"(?:src|href)=\"(https?:)?//", path.read_text(encoding="utf-8")):
            srcs.add(str(path.relative_to(ROOT)))
    assert srcs == set(), "templates must not load assets from other hosts"


def test_production_requires_an_explicit_base_url(tmp_path):
    with pytest.raises(RuntimeError, match="TRAINHUB_BASE_URL"):
        create_app(
            {"ENV_NAME": "production", "SECRET_KEY": "k" * 32, "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3"}
        )


def test_development_generates_and_keeps_a_secret_key(tmp_path, monkeypatch):
    import trainhub

    monkeypatch.setattr(trainhub, "ROOT", tmp_path)
    (tmp_path / "instance").mkdir()
    first = create_app({"SECRET_KEY": None, "DATABASE_URL": f"sqlite:///{tmp_path}/d.sqlite3"})
    second = create_app({"SECRET_KEY": None, "DATABASE_URL": f"sqlite:///{tmp_path}/d.sqlite3"})
    assert first.config["SECRET_KEY"] and first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "instance" / "secret_key").exists()


@pytest.mark.parametrize("app", [{"PROXY_COUNT": 1}], indirect=True)
def test_behind_one_proxy_the_client_address_is_the_forwarded_one(app):
    from flask import request

    @app.get("/_test/remote")
    def _remote():
        return request.remote_addr or ""

    answer = app.test_client().get(
        "/_test/remote", headers={"X-Forwarded-For": "10.1.2.3"}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    )
    assert answer.get_data(as_text=True) == "10.1.2.3"


def test_without_proxy_configuration_forwarded_headers_are_ignored(client, app):
    from flask import request

    @app.get("/_test/remote")
    def _remote():
        return request.remote_addr or ""

    answer = client.get(
        "/_test/remote", headers={"X-Forwarded-For": "10.1.2.3"}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    )
    assert answer.get_data(as_text=True) == "127.0.0.1"
