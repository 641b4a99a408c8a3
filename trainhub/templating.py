"""Jinja filters and globals shared by every page."""

from __future__ import annotations

from flask_babel import format_date, format_datetime, get_locale

from trainhub.timeutil import to_local


def mask_name(name: str | None) -> str:
    """张伟 → 张*伟 (API.md's example), 张小伟 → 张*伟, 欧阳明华 → 欧**华: the middle is hidden."""
    if not name:
        return ""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*" + name[1]
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str | None) -> str:
    """13812345678 → 138****5678."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def localtime(value, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(to_local(value), fmt)


def localdate(value, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(value, fmt)


# Menu entries that features add at import: (order, endpoint, label, roles or None for everyone).
_NAV: list[tuple[int, str, object, tuple[str, ...] | None]] = []


def register_nav(endpoint: str, label, roles: tuple[str, ...] | None = None, order: int = 50) -> None:
    """Add a menu entry (label is a lazy gettext string) shown to the given roles (None: everyone)."""
    if not any(item[1] == endpoint for item in _NAV):
        _NAV.append((order, endpoint, label, roles))
        _NAV.sort(key=lambda item: item[0])


def nav_items() -> list[dict]:
    from flask import has_request_context, url_for
    from flask_login import current_user

    if not has_request_context():  # emails rendered by services or the CLI have no menu
        return []
    role = current_user.role if current_user and current_user.is_authenticated else None
    items = []
    for _order, endpoint, label, roles in _NAV:
        if roles is None or role in roles:
            items.append({"url": url_for(endpoint), "label": label, "endpoint": endpoint})
    return items


def rule_helpers() -> dict:
    """The rules a page also needs, as the one Python function the view, the API and the service use:
    templates call them instead of restating the rule in Jinja."""
    from trainhub import access
    from trainhub.checkin.services import can_undo
    from trainhub.events.rules import is_changeable, is_draft, seats_left, supports_self_checkin
    from trainhub.registrations.rules import awaits_approval, can_cancel, has_ticket
    from trainhub.reports.rules import awaits_review

    return {
        "seats_left": seats_left,
        "supports_self_checkin": supports_self_checkin,
        "is_changeable": is_changeable,
        "is_draft": is_draft,
        "can_cancel": can_cancel,
        "awaits_approval": awaits_approval,
        "has_ticket": has_ticket,
        "can_set_user_active": access.can_set_user_active,
        "can_invite": access.can_invite,
        "can_undo": can_undo,
        "awaits_review": awaits_review,
    }


def template_helpers() -> dict:
    locale = str(get_locale() or "zh_CN")
    return {
        **rule_helpers(),
        "nav_items": nav_items(),
        "current_locale": locale,
        "html_lang": "zh-CN" if locale.startswith("zh") else "en",
        "mask_name": mask_name,
        "mask_phone": mask_phone,
    }


def register_filters(app) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["localdate"] = localdate
    app.jinja_env.filters["mask_name"] = mask_name
    app.jinja_env.filters["mask_phone"] = mask_phone
