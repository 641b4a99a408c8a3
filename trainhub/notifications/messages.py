"""The texts of the messages, written in the recipient's language: a plain-text part and an HTML
part (templates/notifications/email/message.html) from the same content, plus attachments — the
invite (text/calendar; method=REQUEST or CANCEL) and the QR ticket (PNG)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainhub.access import registration_sees_online_url
from trainhub.calendar.ics import location, registration_invite
from trainhub.extensions import db
from trainhub.notifications.outbox import DEFAULT_LOCALE, attachment, enqueue
from trainhub.templating import localtime
from trainhub.tickets.services import ticket_caption, ticket_url

# change → (subject, first paragraph). Subjects take %(title)s.
_TEXTS = {
    "confirmed": (
        _l("报名成功：%(title)s"),
        _l("您已报名成功。请按时参加，入场时出示电子票二维码。日历邀请已附在本邮件中。"),
    ),
    "waitlisted": (
        _l("已进入候补名单：%(title)s"),
        _l("名额已满，您已进入候补名单。有空位时将按顺序为您转为正式报名，并另行通知。"),
    ),
    "pending": (_l("报名待审核：%(title)s"), _l("您的报名已提交，正在等待主办方审核，审核结果将另行通知。")),
    "promoted": (
        _l("候补转为正式报名：%(title)s"),
        _l("有空位了，您已从候补名单转为正式报名。电子票和日历邀请已附在本邮件中。"),
    ),
    "approved": (_l("报名已通过审核：%(title)s"), _l("您的报名已通过审核。电子票和日历邀请已附在本邮件中。")),
    "rejected": (_l("报名未通过审核：%(title)s"), _l("很抱歉，您的报名未通过审核。")),
    "cancelled": (_l("报名已取消：%(title)s"), _l("您的报名已取消，电子票随之失效。")),
    "event_changed": (
        _l("活动时间或地点变更：%(title)s"),
        _l("活动的时间或地点有变更，请以下面的信息为准。更新后的日历邀请已附在本邮件中。"),
    ),
    "event_cancelled": (_l("活动已取消：%(title)s"), _l("很抱歉，该活动已取消，您的报名随之取消。")),
    "reminder": (_l("明天参加：%(title)s"), _l("提醒您：活动将于明天举行，请按时参加，入场时出示电子票二维码。")),
}
REQUEST_CHANGES = ("confirmed", "promoted", "approved", "event_changed")
CANCEL_CHANGES = ("cancelled", "rejected", "event_cancelled")


@dataclass
class Content:
    """What a message says, rendered twice (text and HTML)."""

    subject: str
    greeting: str
    paragraphs: list[str] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    footer: str = ""

    def text(self) -> str:
        lines = [self.greeting, ""]
        lines += [*self.paragraphs, ""]
        lines += [f"{label}：{value}" if _is_zh() else f"{label}: {value}" for label, value in self.details]
        if self.links:
            lines.append("")
            lines += [f"{label}：{url}" if _is_zh() else f"{label}: {url}" for label, url in self.links]
        lines += ["", "—", self.footer]
        return "\n".join(lines).strip() + "\n"

    def html(self, locale: str) -> str:
        # The bare Jinja environment: no request, so none of the pages' context processors.
        template = current_app.jinja_env.get_template("notifications/email/message.html")
        return template.render(content=self, html_lang="zh-CN" if locale.startswith("zh") else "en")


def _is_zh() -> bool:
    from flask_babel import get_locale

    return str(get_locale() or DEFAULT_LOCALE).startswith("zh")


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def _footer() -> str:
    return _("此邮件由标准化云课堂（TrainHub）自动发送，请勿直接回复。")


def event_details(event, *, with_link: bool = False) -> list[tuple[str, str]]:
    rows = [
        (_("活动"), event.title),
        (_("时间"), f"{localtime(event.starts_at, 'short')} – {localtime(event.ends_at, 'short')}"),
    ]
    place = location(event, with_link=with_link)
    if place:
        rows.append((_("地点"), place))
    return rows


def registration_content(registration, change: str) -> Content:
    event = registration.event
    subject_text, intro = _TEXTS[change]
    # The meeting link goes to confirmed attendees only, never to the waitlisted, pending or cancelled.
    with_link = change not in CANCEL_CHANGES and registration_sees_online_url(registration)
    content = Content(
        subject=str(subject_text) % {"title": event.title},
        greeting=_("%(name)s，您好：", name=registration.name),
        paragraphs=[str(intro)],
        details=event_details(event, with_link=with_link),
        footer=_footer(),
    )
    if change == "rejected" and registration.rejection_reason:
        content.details.append((_("原因"), registration.rejection_reason))
    if registration.organization is not None:
        content.details.append((_("报名单位"), registration.organization.name))
    if registration.ticket_token and registration.status == "confirmed":
        content.links.append((_("电子票"), ticket_url(registration.ticket_token)))
    if with_link and event.online_url:
        content.links.append((_("线上参会链接"), event.online_url))
    content.links.append((_("活动详情"), f"{_base_url()}/events/{event.id}"))
    return content


def registration_attachments(registration, change: str) -> list[dict]:
    items = []
    if change in REQUEST_CHANGES and registration.status == "confirmed":
        items.append(
            attachment("invite.ics", "text/calendar", registration_invite(registration, "REQUEST"), method="REQUEST")
        )
        if registration.ticket_token:
            # Drawn by the worker (channels.attachment_bytes), outside the caller's transaction: the
            # ticket's image (tickets.services.ticket_png) from its URL and caption, kept as text.
            items.append(
                {
                    "filename": "ticket.png",
                    "content_type": "image/png",
                    "qr": ticket_url(registration.ticket_token),
                    "caption": list(ticket_caption(registration)),
                }
            )
    elif change in CANCEL_CHANGES and registration.confirmed_at is not None:
        # Only who had an invite needs its cancellation.
        items.append(
            attachment("cancel.ics", "text/calendar", registration_invite(registration, "CANCEL"), method="CANCEL")
        )
    return items


def registration_message(registration, change: str, *, kind: str | None = None, dedupe_key: str | None = None):
    if change not in _TEXTS:
        raise ValueError(f"unknown change {change!r}")
    locale = registration.locale or DEFAULT_LOCALE
    if not registration.email:
        return None
    if registration.id is None:
        db.session.flush()
    with force_locale(locale):
        content = registration_content(registration, change)
        attachments = registration_attachments(registration, change)
        body_text, body_html = content.text(), content.html(locale)
    return enqueue(
        kind or f"registration_{change}",
        registration.email,
        subject=content.subject,
        body_text=body_text,
        body_html=body_html,
        attachments=attachments,
        locale=locale,
        dedupe_key=dedupe_key,
        event_id=registration.event_id,
    )


def plain_html(subject: str, body: str, *, locale: str = DEFAULT_LOCALE) -> str:
    """HTML for a message written as plain text by another feature (paragraphs kept)."""
    with force_locale(locale):
        content = Content(
            subject=subject, greeting="", paragraphs=[p for p in body.split("\n\n") if p.strip()], footer=_footer()
        )
        return content.html(locale)


def no_invite_message():
    return _l("该报名尚未确认，没有日历邀请。")
