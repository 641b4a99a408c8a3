"""The texts of the messages, written in the recipient's language. (Issue 4 enriches: HTML, invites, QR.)"""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, gettext

from trainhub.notifications.notify import DEFAULT_LOCALE, enqueue
from trainhub.templating import localtime


def _subjects():
    return {
        "confirmed": gettext("报名成功：%(title)s"),
        "waitlisted": gettext("已进入候补名单：%(title)s"),
        "pending": gettext("报名待审核：%(title)s"),
        "promoted": gettext("候补转为正式报名：%(title)s"),
        "approved": gettext("报名已通过审核：%(title)s"),
        "rejected": gettext("报名未通过审核：%(title)s"),
        "cancelled": gettext("报名已取消：%(title)s"),
        "event_changed": gettext("活动时间或地点变更：%(title)s"),
        "event_cancelled": gettext("活动已取消：%(title)s"),
    }


def registration_message(registration, change: str) -> None:
    locale = registration.locale or DEFAULT_LOCALE
    event = registration.event
    with force_locale(locale):
        subject = _subjects()[change] % {"title": event.title}
        lines = [
            gettext("%(name)s，您好：", name=registration.name),
            subject,
            gettext("时间：%(start)s", start=localtime(event.starts_at)),
            gettext("地点：%(venue)s", venue=event.venue or event.online_url),
        ]
        if change == "rejected" and registration.rejection_reason:
            lines.append(gettext("原因：%(reason)s", reason=registration.rejection_reason))
        if registration.ticket_token:
            lines.append(gettext("电子票：%(url)s", url=f"{current_app.config['BASE_URL']}/t/{registration.ticket_token}"))
        body = "\n".join(lines)
    enqueue(f"registration_{change}", registration.email, subject=subject, body_text=body, locale=locale)
