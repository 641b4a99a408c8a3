"""QR tickets (电子票): the token in the QR, its images, revoking and reissuing.

A ticket is `<BASE_URL>/t/<token>` where the token is the registration's `ticket_token`
(secrets, at least 128 bits). A token that stops being valid — the registration was cancelled or
rejected, or the ticket was reissued — is remembered as a *retired* token (a RetiredTicket row
keyed by the token's SHA-256: one primary-key lookup), so the door can say "cancelled" instead of
"invalid" while the old code still opens nothing.
"""

from __future__ import annotations

import functools
import io
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from trainhub.db import begin_write, use_case
from trainhub.errors import DomainError
from trainhub.extensions import db
from trainhub.models import AuditLog, Registration, RetiredTicket
from trainhub.security import hash_token, new_token

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def ticket_url(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/t/{token}"


def parse_token(value) -> str | None:
    """What a QR code holds — this platform's ticket URL (BASE_URL's origin and path, then /t/<token>)
    or the bare token — as the bare token; None for anything else (a look-alike URL on another host)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _TOKEN_RE.match(text):
        return text
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced [ in the host
        return None
    origin, prefix = _ticket_origin(current_app.config["BASE_URL"])
    if (parts.scheme.lower(), parts.netloc.lower()) != origin or not parts.path.startswith(prefix):
        return None
    token = parts.path[len(prefix) :].rstrip("/")
    return token if _TOKEN_RE.match(token) else None


@functools.lru_cache(maxsize=4)
def _ticket_origin(base_url: str) -> tuple[tuple[str, str], str]:
    """((scheme, host[:port]), the path before the token) of the ticket URLs this platform prints."""
    base = urlsplit(base_url.rstrip("/"))
    return (base.scheme.lower(), base.netloc.lower()), f"{base.path}/t/"


def find_by_token(token: str | None, *, lock: bool = False) -> Registration | None:
    """The registration holding this live token (one indexed lookup; its organization joined)."""
    if not token:
        return None
    statement = (
        sa.select(Registration)
        .where(Registration.ticket_token == token)
        .options(joinedload(Registration.organization, innerjoin=True))
    )
    if lock:
        statement = statement.with_for_update(of=Registration).execution_options(populate_existing=True)
    return db.session.scalar(statement)


def find_retired(token: str | None) -> Registration | None:
    """The registration a retired token (cancelled, rejected, reissued) used to open, if any."""
    if not token:
        return None
    retired = db.session.get(RetiredTicket, hash_token(token))
    return retired.registration if retired is not None else None


@sa.event.listens_for(Registration.ticket_token, "set", active_history=True)
def _remember_retired_token(target: Registration, value, oldvalue, _initiator):
    """Whoever clears or replaces a ticket token (cancel, reject, reissue), the old one is remembered."""
    if isinstance(oldvalue, str) and oldvalue and value != oldvalue:
        session = sa.orm.object_session(target)
        if session is not None:
            session.add(RetiredTicket(token_hash=hash_token(oldvalue), registration_id=target.id))


@use_case
def reissue_ticket(registration: Registration, *, actor, now: datetime) -> Registration:
    """A new token for a confirmed registration; the old QR code stops working at once."""
    begin_write()
    locked = db.session.scalar(
        sa.select(Registration)
        .where(Registration.id == registration.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None:
        raise DomainError("not_found", _l("未找到该对象。"), 404)
    if locked.status != "confirmed" or not locked.ticket_token:
        raise DomainError("no_ticket", _l("只有报名成功的参训人才有电子票。"), 409)
    locked.ticket_token = new_token()
    locked.updated_at = now
    db.session.add(
        AuditLog(
            actor_id=actor.id if actor is not None else None,
            action="tickets.reissue",
            object_type="registration",
            object_id=locked.id,
            created_at=now,
        )
    )
    db.session.commit()
    return locked


# -- images -----------------------------------------------------------------------------------


def _qr(data: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_svg(data: str) -> str:
    """An SVG QR code (one path: crisp at any print size)."""
    image = _qr(data).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def _font(size: int):
    from PIL import ImageFont

    path = Path(current_app.static_folder or "static") / "vendor" / "fonts" / "NotoSansSC_400Regular.ttf"
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default()


def ticket_caption(registration: Registration) -> tuple[str, ...]:
    """What is printed under the ticket's QR code: event, attendee (masked) and enterprise, time, venue."""
    from trainhub.templating import mask_name
    from trainhub.timeutil import to_local

    event = registration.event
    return (
        event.title,
        mask_name(registration.name) + " · " + registration.organization.name,
        to_local(event.starts_at).strftime("%Y-%m-%d %H:%M"),
        event.venue or "",
    )


def ticket_png(registration: Registration) -> bytes:
    """The ticket as one printable image — the same for the download and the confirmation mail."""
    return qr_png(ticket_url(registration.ticket_token), ticket_caption(registration))  # type: ignore[arg-type]  # a ticket has a token


def qr_png(data: str, caption_lines: tuple[str, ...] = ()) -> bytes:
    """A printable PNG: the QR code and, below it, the caption (event, attendee, time)."""
    from PIL import Image, ImageDraw

    qr_image = _qr(data).make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    width = max(qr_image.width, 480)
    line_height = 30
    canvas = Image.new("RGB", (width, qr_image.height + line_height * len(caption_lines) + 20), "white")
    canvas.paste(qr_image, ((width - qr_image.width) // 2, 0))
    if caption_lines:
        draw = ImageDraw.Draw(canvas)
        font = _font(20)
        for index, line in enumerate(caption_lines):
            draw.text((20, qr_image.height + index * line_height), line[:40], fill="black", font=font)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
