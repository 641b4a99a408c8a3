"""参训证明: who may get one, issuing with serials, revoking, reissuing, downloads (logged)."""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from trainhub.certificates.attendance import attended_minutes, minutes_until_end, self_checkin_exists
from trainhub.certificates.pdf import CertificateData, FontSubset, chinese_date, hours_text, render_certificate
from trainhub.certificates.queries import certificates_query
from trainhub.db import begin_write, use_case
from trainhub.errors import DomainError
from trainhub.events.rules import supports_self_checkin
from trainhub.extensions import db
from trainhub.models import AuditLog, Certificate, Event, Registration, User
from trainhub.timeutil import to_local

SKIP_REASONS = {
    "not_checked_in": _l("未签到"),
    "not_checked_out": _l("未签退，无法计算参训时长"),
    "too_short": _l("参训时长不足"),
}


@dataclass
class Candidate:
    registration: Registration
    minutes: int | None
    reason: str | None  # None: eligible
    certificate: Certificate | None  # the live one, if any


def _live_certificates(registration_ids) -> dict[int, Certificate]:
    if not registration_ids:
        return {}
    rows = db.session.scalars(
        sa.select(Certificate).where(
            Certificate.registration_id.in_(registration_ids), Certificate.revoked_at.is_(None)
        )
    )
    return {c.registration_id: c for c in rows}


def candidates(event: Event) -> list[Candidate]:
    """Every confirmed attendee of the event with their minutes and why they are (not) eligible."""
    rows = db.session.execute(
        sa.select(Registration, self_checkin_exists().label("self_in"))
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
        .options(selectinload(Registration.organization))
        .order_by(Registration.organization_id, Registration.id)
    ).all()
    live = _live_certificates([r.id for r, _ in rows])
    result = []
    for registration, self_in in rows:
        self_in = bool(self_in) and supports_self_checkin(event)
        minutes = attended_minutes(
            event.starts_at, event.ends_at, registration.checked_in_at, registration.checked_out_at, self_in
        )
        reason = None
        if registration.checked_in_at is None:
            reason = "not_checked_in"
        elif event.certificate_min_minutes:
            if minutes is None:
                reason = "not_checked_out"
            elif minutes < event.certificate_min_minutes:
                reason = "too_short"
        result.append(Candidate(registration, minutes, reason, live.get(registration.id)))
    return result


def _lock_serials(year: int) -> None:
    """Serialize serial allocation: SQLite's BEGIN IMMEDIATE already does; PostgreSQL takes an xact lock."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": 7_000_000 + year})


def _next_serial_number(year: int) -> int:
    prefix = f"TH-{year}-"
    last = db.session.scalar(sa.select(sa.func.max(Certificate.serial)).where(Certificate.serial.like(prefix + "%")))
    return int(last[len(prefix) :]) + 1 if last else 1


def _allocate(
    registration: Registration, minutes: int | None, *, actor: User | None, now: datetime, year: int, number: int
) -> Certificate:
    certificate = Certificate(
        serial=f"TH-{year}-{number:06d}",
        registration_id=registration.id,
        minutes_attended=minutes,
        issued_at=now,
        issued_by_id=actor.id if actor else None,
    )
    db.session.add(certificate)
    return certificate


@use_case
def issue_certificates(
    event: Event, *, actor: User | None, now: datetime, progress: Callable[[Iterable], Iterable] | None = None
) -> dict:
    """Issue a certificate to every eligible attendee not yet holding one.

    → {"issued": n, "skipped": {reason: [{"registration_id", "name", "organization"}, ...]}}.
    `progress` wraps the loop (the CLI passes click's progressbar).
    """
    begin_write()
    event = db.session.scalars(sa.select(Event).where(Event.id == event.id).with_for_update()).one()
    if event.status == "draft":
        raise DomainError("event_not_published", _l("活动尚未发布，不能发放证明。"), 409)
    if now < event.ends_at:
        raise DomainError("event_not_ended", _l("活动尚未结束，结束后才能发放证明。"), 409)
    year = to_local(now).year
    _lock_serials(year)
    number = _next_serial_number(year)
    issued = 0
    skipped: dict[str, list] = defaultdict(list)
    todo = candidates(event)
    for candidate in progress(todo) if progress else todo:
        registration = candidate.registration
        if candidate.certificate is not None:
            skipped["already_issued"].append(_who(registration))
            continue
        if candidate.reason:
            skipped[candidate.reason].append(_who(registration))
            continue
        minutes = (
            candidate.minutes
            if candidate.minutes is not None
            else minutes_until_end(
                event.starts_at, event.ends_at, registration.checked_in_at, registration.checked_out_at
            )
        )
        _allocate(registration, minutes, actor=actor, now=now, year=year, number=number)
        number += 1
        issued += 1
    if issued:
        db.session.add(
            AuditLog(
                actor_id=actor.id if actor else None,
                action="certificates.issue",
                object_type="event",
                object_id=event.id,
                details={"issued": issued},
                created_at=now,
            )
        )
    db.session.commit()
    return {"issued": issued, "skipped": dict(skipped)}


def _who(registration: Registration) -> dict:
    return {
        "registration_id": registration.id,
        "name": registration.name,
        "organization": registration.organization.name,
    }


@use_case
def revoke(certificate: Certificate, reason: str, *, actor: User, now: datetime) -> Certificate:
    """Revoke a live certificate with a reason (as RevokeSchema loads it: required, at most 500 characters)."""
    begin_write()
    certificate = db.session.scalars(
        sa.select(Certificate).where(Certificate.id == certificate.id).with_for_update()
    ).one()
    if certificate.revoked_at is not None:
        raise DomainError("already_revoked", _l("该证书已撤销。"), 409)
    certificate.revoked_at = now
    certificate.revoked_reason = reason
    db.session.add(
        AuditLog(
            actor_id=actor.id,
            action="certificates.revoke",
            object_type="certificate",
            object_id=certificate.id,
            details={"serial": certificate.serial, "reason": reason},
            created_at=now,
        )
    )
    db.session.commit()
    return certificate


@use_case
def reissue(certificate: Certificate, *, actor: User, now: datetime, reason: str = "") -> Certificate:
    """A new serial for the same attendee; the current live certificate (if any) is revoked."""
    begin_write()
    old = db.session.scalars(sa.select(Certificate).where(Certificate.id == certificate.id).with_for_update()).one()
    registration = old.registration
    if registration.status != "confirmed":
        raise DomainError("not_confirmed", _l("该报名已不是确认状态，不能补发。"), 409)
    live = _live_certificates([registration.id]).get(registration.id)
    if live is not None:
        live.revoked_at = now
        live.revoked_reason = (reason or "").strip()[:500] or "重新签发"
        db.session.flush()
    year = to_local(now).year
    _lock_serials(year)
    new = _allocate(
        registration, old.minutes_attended, actor=actor, now=now, year=year, number=_next_serial_number(year)
    )
    db.session.add(
        AuditLog(
            actor_id=actor.id,
            action="certificates.reissue",
            object_type="certificate",
            object_id=old.id,
            details={"old": old.serial, "new": new.serial},
            created_at=now,
        )
    )
    db.session.commit()
    return new


# -- reading and downloading -----------------------------------------------------------------


def verify_url(certificate: Certificate) -> str:
    """What the certificate's QR code and link carry: its random code, never the sequential serial."""
    return f"{current_app.config['BASE_URL']}/verify/{certificate.verify_code}"


def certificate_url(serial: str) -> str:
    return f"{current_app.config['BASE_URL']}/api/v1/certificates/{serial}.pdf"


def stated_minutes(certificate: Certificate) -> int:
    """The attended minutes a certificate and its verification state (学时), never the schedule."""
    if certificate.minutes_attended is not None:
        return certificate.minutes_attended
    registration = certificate.registration
    return minutes_until_end(
        registration.event.starts_at,
        registration.event.ends_at,
        registration.checked_in_at,
        registration.checked_out_at,
    )


def certificate_data(certificate: Certificate) -> CertificateData:
    registration = certificate.registration
    event = registration.event
    return CertificateData(
        serial=certificate.serial,
        name=registration.name,
        organization=registration.organization.name,
        event_title=event.title,
        event_date=chinese_date(to_local(event.starts_at)),
        hours=hours_text(stated_minutes(certificate)),
        issuer=event.host_unit.name,
        issued_on=chinese_date(to_local(certificate.issued_at)),
        verify_url=verify_url(certificate),
        revoked=certificate.revoked_at is not None,
    )


def cache_dir() -> Path:
    """Rendered PDFs, named by serial and a hash of their content (a changed fact is a new file)."""
    configured = current_app.config.get("CERTIFICATE_CACHE_DIR")
    if configured:
        return Path(configured)
    uploads = Path(current_app.config.get("UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")
    return uploads.parent / "certificates"


def _cache_path(data: CertificateData) -> Path:
    digest = hashlib.sha256(repr(data).encode("utf-8")).hexdigest()[:24]
    return cache_dir() / f"{data.serial}-{digest}.pdf"


def _store(path: Path, body: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(body)
    partial.replace(path)  # atomic: readers see the whole file or none


def render_batch(items: list[CertificateData]) -> Iterator[tuple[CertificateData, bytes]]:
    """Each certificate's PDF in order: from the cache, or rendered (one font cut per batch) and cached."""
    misses = [item for item in items if not _cache_path(item).exists()]
    fonts = FontSubset("".join(item.text() for item in misses)) if misses else None
    try:
        for item in items:
            path = _cache_path(item)
            if path.exists():
                yield item, path.read_bytes()
                continue
            body = render_certificate(item, fonts)  # type: ignore[arg-type]  # a miss means fonts were cut
            _store(path, body)
            yield item, body
    finally:
        if fonts is not None:
            fonts.close()


def certificate_pdf(certificate: Certificate) -> bytes:
    return next(render_batch([certificate_data(certificate)]))[1]


def prerender(
    certificates: list[Certificate], *, batch: int = 100, progress: Callable[[Iterable], Iterable] | None = None
) -> int:
    """Render (and cache) the PDFs ahead of downloads; the CLI shows a progress bar over it."""
    data = [certificate_data(c) for c in certificates]
    groups = [data[i : i + batch] for i in range(0, len(data), batch)]
    done = 0
    for group in progress(groups) if progress else groups:
        for _item in render_batch(group):
            done += 1
    return done


def verification(certificate: Certificate) -> dict:
    """What anyone may learn from a certificate (API.md): valid, the masked name (张*伟), the event, the
    dates and the attended hours — not the employer, not the full name (VerificationSchema in the API)."""
    from trainhub.templating import mask_name

    registration = certificate.registration
    return {
        "valid": certificate.revoked_at is None,
        "name": mask_name(registration.name),
        "event": registration.event.title,
        "hours": float(hours_text(stated_minutes(certificate))),
        "issued_at": certificate.issued_at,
        "revoked_at": certificate.revoked_at,
    }


@use_case
def log_download(
    actor: User, action: str, *, object_type: str | None, object_id: int | None, details: dict, now: datetime
) -> None:
    """Every export and bulk download leaves an AuditLog row (who, what, when)."""
    begin_write()
    db.session.add(
        AuditLog(
            actor_id=actor.id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=details,
            created_at=now,
        )
    )
    db.session.commit()


def event_certificates_for_download(event, *, actor: User, now: datetime) -> list[CertificateData]:
    """What an event's ZIP holds (its live certificates, read now: the ZIP streams after the view has
    returned); the bulk download is logged."""
    items = [certificate_data(c) for c in db.session.scalars(certificates_query(event=event))]
    log_download(
        actor, "certificates.zip", object_type="event", object_id=event.id, details={"count": len(items)}, now=now
    )
    return items


def enterprise_certificates_for_download(
    organization_id: int, *, actor: User, now: datetime, event_id: int | None = None
) -> list[CertificateData]:
    """What the enterprise's ZIP holds: its own people's live certificates (optionally of one event),
    read now; logged."""
    items = [
        certificate_data(c)
        for c in enterprise_certificates(organization_id)
        if event_id is None or c.registration.event_id == event_id
    ]
    log_download(
        actor,
        "certificates.zip",
        object_type="organization",
        object_id=organization_id,
        details={"count": len(items), "event_id": event_id},
        now=now,
    )
    return items


class _Sink:
    """A write-only file for zipfile whose bytes are taken out as they come (no seeking)."""

    def __init__(self):
        self.chunks: list[bytes] = []
        self.offset = 0

    def write(self, data) -> int:
        data = bytes(data)
        self.chunks.append(data)
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def close(self) -> None:  # zipfile's writable protocol; the sink has nothing to release
        pass

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


def zip_certificates(certificates: list[Certificate], *, batch: int = 100) -> Iterator[bytes]:
    """A ZIP of the certificates' PDFs; their facts are read at once, only the PDFs are made as it streams."""
    return zip_stream([certificate_data(c) for c in certificates], batch=batch)


def zip_stream(items: list[CertificateData], *, batch: int = 100) -> Iterator[bytes]:
    """Stream a ZIP of the PDFs: one PDF in memory at a time, taken from the cache when rendered before;
    every `batch` certificates share one font cut to their characters. Plain data in: it runs after the
    view has returned, when the request's database session is gone."""
    sink = _Sink()
    archive = zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED)
    seen: set[str] = set()
    for start in range(0, len(items), batch):
        for item, body in render_batch(items[start : start + batch]):
            name = f"{item.serial}-{item.name}.pdf".replace("/", "_")
            if name in seen:
                name = f"{item.serial}.pdf"
            seen.add(name)
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), body)
            chunk = sink.take()
            if chunk:
                yield chunk
    archive.close()
    yield sink.take()


def enterprise_certificates(organization_id: int) -> list[Certificate]:
    return list(db.session.scalars(certificates_query(organization_id=organization_id)))


def live_serials(registration_ids) -> dict[int, str]:
    """{registration_id: serial} of live certificates, for `certificate_url` in registration JSON (one query)."""
    ids = list(registration_ids)
    if not ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(Certificate.registration_id, Certificate.serial).where(
                Certificate.registration_id.in_(ids), Certificate.revoked_at.is_(None)
            )
        ).all()
    )
