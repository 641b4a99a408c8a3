"""A scan's answer: the result (CheckInResult) and its message in the reader's language.

The message is rendered after the commit (translation and time formatting cost more than the SQL), from
a key of MESSAGES and the instant to show in it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_skeleton
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from trainhub.models import CheckIn, Registration, User
from trainhub.timeutil import to_local

MESSAGES = {
    "ok": _l("签到成功"),
    "ok_out": _l("签退成功"),
    "already_checked_in": _l("已于 %(time)s 签到"),
    "already_checked_out": _l("已于 %(time)s 签退"),
    "invalid_token": _l("无效的电子票"),
    "wrong_event": _l("这张电子票不属于本场活动"),
    "cancelled": _l("该报名已取消"),
    "not_confirmed": _l("该报名未确认"),
    "too_early": _l("签到尚未开始（%(time)s 开始）"),
    "too_late": _l("签到已结束"),
    "not_allowed": _l("您不是本场活动的签到人员"),
}


@dataclass
class CheckInResult:
    code: str
    registration: Registration | None = None
    checked_in_at: datetime | None = None  # the new time (ok) or the first one (already_checked_in)
    first_by: User | None = None
    message: str = ""
    # Rendered after the commit: a key of MESSAGES, the instant to show as HH:mm in it, and who did it first.
    message_key: str | None = None
    message_time: datetime | None = None
    message_date: str | None = None  # a date skeleton when the time is on another day than the scan
    stored: dict | None = None  # the audit row as written (with its id)

    @property
    def ok(self) -> bool:
        return self.code == "ok"

    @functools.cached_property
    def checkin(self) -> CheckIn | None:
        """The stored audit row, a detached copy — built on first use: the door's answer never needs it."""
        return CheckIn(**self.stored) if self.stored is not None else None


def date_skeleton(value: datetime, now: datetime) -> str | None:
    """How much of the date a time needs beside the scan's: none on the same day, the year only in another."""
    shown, today = to_local(value).date(), to_local(now).date()
    if shown == today:
        return None
    return "MMMd" if shown.year == today.year else "yMMMd"


def _hhmm(value: datetime) -> str:
    """A time of day as the door shows it (09:02): the same digits in every language of the platform."""
    return to_local(value).strftime("%H:%M")


def _day_and_time(value: datetime, skeleton: str) -> str:
    """A time on another day, its date in the reader's language (10月14日 08:00 / Oct 14 08:00)."""
    local = to_local(value)
    return f"{format_skeleton(skeleton, local, tzinfo=local.tzinfo, locale=get_locale())} {_hhmm(value)}"


def render_message(result: CheckInResult) -> None:
    """The answer in the actor's language — once the write lock is released."""
    if result.message:
        return
    template = translated(result.message_key or result.code)
    if result.message_time:
        shown = (
            _day_and_time(result.message_time, result.message_date)
            if result.message_date
            else _hhmm(result.message_time)
        )
        message = template % {"time": shown}
    else:
        message = template
    if result.code == "already_checked_in" and result.first_by is not None:
        message += f" · {result.first_by.name}"
    result.message = message


_TRANSLATED: dict[tuple[str, str], str] = {}


def translated(key: str) -> str:
    """MESSAGES[key] in the request's language, looked up in the catalog once per language and key (every
    scan answers with one of these few strings)."""
    language = str(get_locale())
    try:
        return _TRANSLATED[language, key]
    except KeyError:
        text = _TRANSLATED[language, key] = str(MESSAGES[key])
        return text
