"""Locale choice: ?lang=, then the user's preference, then the session, then Accept-Language; zh_CN default.

Source strings are written in Chinese (the platform's first language); English lives in each
feature's `translations/en/LC_MESSAGES/messages.po`.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale
from flask import current_app, has_request_context, request, session
from flask_login import current_user

PACKAGE_DIR = Path(__file__).resolve().parent


def normalize_locale(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().replace("-", "_").lower()
    if value.startswith("en"):
        return "en"
    if value.startswith("zh"):
        return "zh_CN"
    return None


_PARSED: dict[str, Locale] = {}


def parsed_locale(name: str) -> Locale:
    """Babel parses a locale's data on every Locale.parse: keep one object per name (hot scan path)."""
    locale = _PARSED.get(name)
    if locale is None:
        locale = _PARSED[name] = Locale.parse(name)
    return locale


def select_locale() -> Locale:
    return parsed_locale(_select_locale_name())


def _select_locale_name() -> str:
    if not has_request_context():  # CLI commands and services called outside a request
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    from_query = normalize_locale(request.args.get("lang"))
    if from_query:
        return from_query
    if not request.path.startswith("/api/"):  # API clients choose by ?lang or Accept-Language only
        if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale:
            chosen = normalize_locale(current_user.locale)
            if chosen:
                return chosen
        chosen = normalize_locale(session.get("lang"))
        if chosen:
            return chosen
    return (
        _from_accept_language(request.headers.get("Accept-Language", "")) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


_ACCEPTED: dict[str, str | None] = {}


def _from_accept_language(header: str) -> str | None:
    """The locale an Accept-Language header asks for — a pure function of the header, remembered
    (parsing it is a visible share of a scan's time; clients send the same few headers)."""
    try:
        return _ACCEPTED[header]
    except KeyError:
        pass
    from werkzeug.datastructures import LanguageAccept
    from werkzeug.http import parse_accept_header

    best = parse_accept_header(header, LanguageAccept).best_match(["zh_CN", "zh", "zh-CN", "en", "en-US", "en-GB"])
    chosen = normalize_locale(best)
    if len(_ACCEPTED) < 256 and len(header) <= 200:
        _ACCEPTED[header] = chosen
    return chosen


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]


def translation_directories() -> str:
    """Every feature keeps its own catalog, so features are translated without touching each other."""
    dirs = [str(PACKAGE_DIR / "translations")]
    dirs += sorted(str(p) for p in PACKAGE_DIR.glob("*/translations") if p.is_dir())
    return ";".join(dirs)
