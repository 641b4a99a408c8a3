"""Shared form helpers: a service's field errors shown next to the form's fields."""
from __future__ import annotations

from flask import flash


def show_service_errors(form, error, *, aliases: dict | None = None, fallback=None, summary: bool = False) -> None:
    """Put a ValidationError's `fields` on the matching form fields (`aliases` maps service names to
    form names); errors of fields the form lacks go to `fallback`, or to flash messages. With
    `summary`, the error's own message is flashed too."""
    for name, messages in (error.fields or {}).items():
        target = getattr(form, (aliases or {}).get(name, name), None)
        if target is None or not hasattr(target, "errors"):
            target = fallback
        if target is not None:
            target.errors = list(target.errors or []) + [str(m) for m in messages]
        else:
            for message in messages:
                flash(str(message), "danger")
    if summary:
        flash(str(error.message), "danger")
