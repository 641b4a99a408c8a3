"""Instants are UTC-aware in the code and the database; people see the platform's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TypeVar, overload
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

# Dates people mean: anything outside is a typo (0001-01-01) that would only overflow later.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


Day = TypeVar("Day", bound=date)


def check_year(value: Day) -> Day:
    """The date (or datetime) itself, or ValueError outside 1900–2100."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"year {value.year} is outside {EARLIEST_YEAR}–{LATEST_YEAR}")
    return value


def parse_date(value: str) -> date:
    """An ISO date (2021-10-14) within 1900–2100. Raises ValueError."""
    if not isinstance(value, str):
        raise ValueError("not a date")
    return check_year(date.fromisoformat(value.strip()))


def local_zone() -> ZoneInfo:
    name = current_app.config["TIMEZONE"] if has_app_context() else "Asia/Shanghai"
    return ZoneInfo(name)


def now() -> datetime:
    return datetime.now(UTC)


@overload
def to_local(value: datetime) -> datetime: ...
@overload
def to_local(value: None) -> None: ...
def to_local(value: datetime | None) -> datetime | None:
    return value.astimezone(local_zone()) if value is not None else None


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with the platform zone's offset, as the API answers (2021-10-14T09:00:00+08:00)."""
    return value.astimezone(local_zone()).isoformat() if value is not None else None


def parse_datetime(value: str) -> datetime:
    """Parse ISO 8601; a time without an offset means the platform's zone. Raises ValueError, also
    outside 1900–2100."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("empty")
    text = value.strip().replace("Z", "+00:00")
    if " " in text and "T" not in text:
        text = text.replace(" ", "T", 1)
    parsed = check_year(datetime.fromisoformat(text))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=local_zone())
    return parsed.astimezone(UTC)


def local_datetime(day: date, at: time) -> datetime:
    """A wall-clock time in the platform's zone, as a UTC instant (ValueError outside 1900–2100)."""
    check_year(day)
    return datetime.combine(day, at, tzinfo=local_zone()).astimezone(UTC)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    start = local_datetime(day, time(0, 0))
    end = local_datetime(day, time(23, 59, 59, 999999))
    return start, end
