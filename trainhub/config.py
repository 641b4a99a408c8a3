"""Configuration: defaults here. For create_app() (the server, the CLI) `instance/config.py` and TRAINHUB_*
environment variables override them; create_app(config) takes the defaults and that dict only."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENV_PREFIX = "TRAINHUB_"


class DefaultConfig:
    ENV_NAME = "development"  # development | production | testing
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # default: SQLite in instance/
    BASE_URL = "http://127.0.0.1:5000"
    TIMEZONE = "Asia/Shanghai"
    REDIS_URL: str | None = None
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER = "TrainHub <noreply@trainhub.local>"
    MAIL_MAX_ATTEMPTS = 8
    MAX_UPLOAD_MB = 20
    LOGIN_RATE_LIMIT = 10  # failed attempts per 15 minutes per account/IP
    SELF_CHECKIN_RATE_LIMIT = 10  # wrong codes per 5 minutes per registration
    SIGNUP_RATE_LIMIT = 5  # enterprise sign-ups per hour per client address
    INVITATION_RATE_LIMIT = 20  # member invitations sent by enterprise members per hour per client address
    INVITATION_ORGANIZATION_RATE_LIMIT = 50  # … and per day per organization
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # True in production (finish_config): the session, remember-me and ticket cookies only travel over HTTPS.
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    JSON_AS_ASCII = False
    # Behind a reverse proxy (nginx): how many proxies to trust for X-Forwarded-For, so that
    # per-IP rate limits see the client's address. 0 = direct.
    PROXY_COUNT = 0
    # PostgreSQL: a pooled connection idle this long is pinged before use (a busy one is trusted unless its
    # socket shows the server hung up: trainhub.db.install_idle_ping).
    DB_PING_IDLE_SECONDS = 30
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}


_BOOL_KEYS = {"MAIL_USE_TLS"}
_INT_KEYS = {
    "PROXY_COUNT",
    "DB_PING_IDLE_SECONDS",
    "MAIL_PORT",
    "MAIL_MAX_ATTEMPTS",
    "MAX_UPLOAD_MB",
    "LOGIN_RATE_LIMIT",
    "SELF_CHECKIN_RATE_LIMIT",
    "SIGNUP_RATE_LIMIT",
    "INVITATION_RATE_LIMIT",
    "INVITATION_ORGANIZATION_RATE_LIMIT",
}


def parse_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {value!r} (use true|false|1|0)")


def load_environment(environ=os.environ) -> dict:
    """TRAINHUB_FOO=bar → {"FOO": "bar"}, typed where the key is known to be boolean or integer."""
    values: dict = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX) or key.startswith("TRAINHUB_TEST_"):
            continue
        name = key[len(ENV_PREFIX) :]
        if name in _BOOL_KEYS:
            values[name] = parse_bool(raw)
        elif name in _INT_KEYS:
            values[name] = int(raw)
        else:
            values[name] = raw
    return values


def ensure_secret_key(app) -> None:
    """Production refuses to start without a key; development keeps a generated one in instance/."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV_NAME"] == "production":
        raise RuntimeError(
            "TRAINHUB_SECRET_KEY is not set. Production mode refuses to start without a secret key: "
            "set TRAINHUB_SECRET_KEY (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)."
        )
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def finish_config(app) -> None:
    config = app.config
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "trainhub.sqlite3")
    config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    config["MAX_CONTENT_LENGTH"] = int(config["MAX_UPLOAD_MB"]) * 1024 * 1024
    config["BABEL_DEFAULT_TIMEZONE"] = config["TIMEZONE"]
    if config["ENV_NAME"] == "production" and config["BASE_URL"] == DefaultConfig.BASE_URL:
        # Absolute links (QR codes, invites, emails) are never taken from the request's Host header.
        raise RuntimeError("TRAINHUB_BASE_URL is required in production (absolute URLs in QR codes and emails).")
    config["BASE_URL"] = config["BASE_URL"].rstrip("/")
    if config["ENV_NAME"] == "production":
        # Production is served over HTTPS (HSTS is sent): no cookie may travel in clear text.
        config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = True
