"""Attendance exports (CSV with BOM, XLSX): one row per registration, streamed, every export logged.

Rows are read with `yield_per` as plain tuples; the CSV is a generator, the XLSX is written by
XlsxWriter in constant-memory mode to a temporary file that is then streamed back, so memory does
not grow with the number of rows.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime

import sqlalchemy as sa
import xlsxwriter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainhub.access import organizer_event_clause
from trainhub.certificates.attendance import attended_minutes, self_checkin_exists
from trainhub.db import begin_write, use_case
from trainhub.errors import ValidationError
from trainhub.events.rules import mode_supports_self_checkin
from trainhub.extensions import db
from trainhub.models import AuditLog, Campaign, Certificate, Event, Organization, Registration, User
from trainhub.templating import mask_phone
from trainhub.timeutil import local_day_bounds, local_zone, to_local

COLUMNS = (
    ("event", _l("活动"), 30),
    ("event_date", _l("活动日期"), 12),
    ("organization", _l("企业"), 30),
    ("uscc", _l("统一社会信用代码"), 21),
    ("district", _l("区"), 10),
    ("pilot_unit", _l("试点单位"), 9),
    ("name", _l("参训人"), 12),
    ("phone", _l("手机号"), 14),
    ("email", _l("邮箱"), 24),
    ("job_title", _l("职务"), 14),
    ("status", _l("状态"), 9),
    ("registered_at", _l("报名时间"), 17),
    ("checked_in_at", _l("签到时间"), 17),
    ("checked_out_at", _l("签退时间"), 17),
    ("minutes", _l("参训分钟"), 9),
    ("certificate", _l("证书编号"), 16),
)

STATUS_LABELS = {
    "pending": _l("待审核"),
    "confirmed": _l("已确认"),
    "waitlisted": _l("候补"),
    "cancelled": _l("已取消"),
    "rejected": _l("未通过"),
}

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: str) -> str:
    """A text cell Excel must not run as a formula: prefix a quote (OWASP CSV injection)."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass
class ExportFilters:
    """Across events: date range (local days), campaign, enterprise, district, pilot units only."""

    date_from: date | None = None
    date_to: date | None = None
    campaign_id: int | None = None
    organization_id: int | None = None
    district: str | None = None
    pilot_only: bool = False

    def as_details(self) -> dict:
        return {
            k: (v.isoformat() if isinstance(v, date) else v)
            for k, v in asdict(self).items()
            if v not in (None, False, "")
        }


def _base_statement():
    live_certificate = (
        sa.select(Certificate.serial)
        .where(Certificate.registration_id == Registration.id, Certificate.revoked_at.is_(None))
        .limit(1)
        .scalar_subquery()
    )
    return (
        sa.select(
            Event.title,
            Event.starts_at,
            Event.ends_at,
            Event.mode,
            Organization.name,
            Organization.uscc,
            Organization.district,
            Organization.is_pilot_unit,
            Registration.name,
            Registration.phone,
            Registration.email,
            Registration.job_title,
            Registration.status,
            Registration.created_at,
            Registration.checked_in_at,
            Registration.checked_out_at,
            self_checkin_exists().label("self_in"),
            live_certificate.label("certificate"),
        )
        .select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .join(Organization, Organization.id == Registration.organization_id)
    )


def _event_conditions(
    *, event: Event | None = None, user: User | None = None, filters: ExportFilters | None = None
) -> list:
    conditions = []
    if event is not None:
        conditions.append(Registration.event_id == event.id)
    if user is not None:
        conditions.append(organizer_event_clause(user))
    if filters is not None:
        if filters.date_from:
            conditions.append(Event.starts_at >= local_day_bounds(filters.date_from)[0])
        if filters.date_to:
            conditions.append(Event.starts_at <= local_day_bounds(filters.date_to)[1])
        if filters.campaign_id:
            conditions.append(Event.campaign_id == filters.campaign_id)
        if filters.organization_id:
            conditions.append(Registration.organization_id == filters.organization_id)
        if filters.district:
            conditions.append(Organization.district == filters.district)
        if filters.pilot_only:
            conditions.append(Organization.is_pilot_unit.is_(True))
    return conditions


def attendance_statement(**scope):
    return (
        _base_statement()
        .where(*_event_conditions(**scope))
        .order_by(Event.starts_at, Event.id, Organization.name, Registration.id)
    )


@dataclass(frozen=True)
class Labels:
    """The words of a file in the request's language, rendered before it streams (after the view has
    returned there is no request to translate for, nor a user to ask for a language)."""

    header: tuple[str, ...]
    statuses: dict
    yes: str
    no: str


def labels() -> Labels:
    return Labels(
        header=tuple(str(label) for _key, label, _w in COLUMNS),
        statuses={key: str(label) for key, label in STATUS_LABELS.items()},
        yes=_("是"),
        no=_("否"),
    )


def rows(result, *, labels: Labels, full_phone: bool) -> Iterator[list]:
    """One list per registration in COLUMNS order, from the rows of `attendance_statement`.

    Instants come out as naive wall-clock datetimes of the platform's zone (what Excel shows).
    """
    zone = local_zone()

    def local(value):
        return value.astimezone(zone).replace(tzinfo=None) if value is not None else None

    for row in result:
        (
            title,
            starts_at,
            ends_at,
            mode,
            org_name,
            uscc,
            district,
            pilot,
            name,
            phone,
            email,
            job,
            status,
            created_at,
            checked_in_at,
            checked_out_at,
            self_in,
            serial,
        ) = row
        minutes = attended_minutes(
            starts_at, ends_at, checked_in_at, checked_out_at, bool(self_in) and mode_supports_self_checkin(mode)
        )
        yield [
            title,
            local(starts_at).date(),
            org_name,
            uscc,
            district,
            labels.yes if pilot else labels.no,
            name,
            phone if full_phone else mask_phone(phone),
            email,
            job,
            labels.statuses.get(status, status),
            local(created_at),
            local(checked_in_at),
            local(checked_out_at),
            minutes,
            serial or "",
        ]


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return neutralize(value)


def csv_chunks(
    engine: sa.Engine, statement, *, labels: Labels, full_phone: bool, rows_per_chunk: int = 500, batch: int = 1000
) -> Iterator[bytes]:
    """UTF-8 with BOM, comma separated, CRLF (Excel's own CSV): a header, then one row per registration.

    It streams after the view has returned, so it reads on its own connection (the request's session is
    closed by then); the first chunk holds the header and the first rows, so a query that fails, fails
    before the first byte.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(labels.header)
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=batch).execute(statement)
        for count, row in enumerate(rows(result, labels=labels, full_phone=full_phone), start=1):
            writer.writerow([_csv_cell(value) for value in row])
            if count % rows_per_chunk == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def totals(**scope) -> list[tuple[str, int]]:
    """Figures for the XLSX's second sheet."""
    conditions = _event_conditions(**scope)
    base = (
        sa.select(Registration.status, sa.func.count(Registration.id))
        .join(Event, Event.id == Registration.event_id)
        .join(Organization, Organization.id == Registration.organization_id)
        .where(*conditions)
    )
    by_status = dict(db.session.execute(base.group_by(Registration.status)).all())
    checked_in = db.session.scalar(
        sa.select(sa.func.count(Registration.id))
        .join(Event, Event.id == Registration.event_id)
        .join(Organization, Organization.id == Registration.organization_id)
        .where(*conditions, Registration.checked_in_at.is_not(None))
    )
    certificates = db.session.scalar(
        sa.select(sa.func.count(Certificate.id))
        .join(Registration, Registration.id == Certificate.registration_id)
        .join(Event, Event.id == Registration.event_id)
        .join(Organization, Organization.id == Registration.organization_id)
        .where(*conditions, Certificate.revoked_at.is_(None))
    )
    events = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Registration.event_id)))
        .join(Event, Event.id == Registration.event_id)
        .join(Organization, Organization.id == Registration.organization_id)
        .where(*conditions)
    )
    enterprises = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Registration.organization_id)))
        .join(Event, Event.id == Registration.event_id)
        .join(Organization, Organization.id == Registration.organization_id)
        .where(*conditions)
    )
    confirmed = by_status.get("confirmed", 0)
    figures = [
        (_("活动数"), events or 0),
        (_("企业数"), enterprises or 0),
        (_("报名总数"), sum(by_status.values())),
    ]
    figures += [(str(STATUS_LABELS[s]), by_status.get(s, 0)) for s in STATUS_LABELS]
    figures += [
        (_("已签到"), checked_in or 0),
        (_("未到场（已确认未签到）"), max(0, confirmed - (checked_in or 0))),
        (_("已发证书"), certificates or 0),
    ]
    return figures


def write_xlsx(
    statement, *, labels: Labels, full_phone: bool, figures: list[tuple[str, int]], target, batch: int = 1000
) -> None:
    """XLSX in constant-memory mode: real dates, frozen header, auto filter, widths; totals on sheet 2."""
    workbook = xlsxwriter.Workbook(
        target,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    header = workbook.add_format({"bold": True, "bg_color": "#DDE5F0", "border": 1, "text_wrap": True})
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet(_("签到明细"))
    for index, (_key, _label, width) in enumerate(COLUMNS):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 0)
    for index, label in enumerate(labels.header):
        sheet.write_string(0, index, label, header)
    last = 0
    write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
    result = db.session.execute(statement.execution_options(yield_per=batch))
    for last, row in enumerate(rows(result, labels=labels, full_phone=full_phone), start=1):
        for index, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, datetime):
                write_datetime(last, index, value, stamp)
            elif isinstance(value, date):
                write_datetime(last, index, datetime.combine(value, datetime.min.time()), day)
            elif isinstance(value, int):
                write_number(last, index, value)
            else:
                write_string(last, index, value)  # text, never a formula
    result.close()
    sheet.autofilter(0, 0, max(last, 1), len(COLUMNS) - 1)
    summary = workbook.add_worksheet(_("汇总"))
    summary.set_column(0, 0, 24)
    summary.set_column(1, 1, 12)
    summary.write_string(0, 0, _("项目"), header)
    summary.write_string(0, 1, _("数量"), header)
    for index, (label, value) in enumerate(figures, start=1):
        summary.write_string(index, 0, label)
        summary.write_number(index, 1, value)
    workbook.close()


def stream_file(handle, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        handle.seek(0)
        while True:
            chunk = handle.read(chunk_size)
            if not chunk:
                break
            yield chunk
    finally:
        handle.close()


@use_case
def export_attendance(
    *,
    actor: User,
    fmt: str,
    now: datetime,
    event: Event | None = None,
    filters: ExportFilters | None = None,
    full_phone: bool = False,
) -> tuple[Iterator[bytes], str, str]:
    """The use case: log who exported what (and whether full numbers), then the file as chunks.

    One event (`event`) or across the organizer's events (`filters`). → (chunks, mimetype, filename).
    """
    if fmt not in ("csv", "xlsx"):
        raise ValidationError({"format": [_l("格式应为 csv 或 xlsx。")]})
    full_phone = bool(full_phone and actor.is_organizer)
    scope = {"event": event} if event is not None else {"user": actor, "filters": filters or ExportFilters()}
    details = {"format": fmt, "full_phone": full_phone}
    if event is None:
        details["filters"] = (filters or ExportFilters()).as_details()
    begin_write()
    db.session.add(
        AuditLog(
            actor_id=actor.id,
            action="exports.attendance_full_phone" if full_phone else "exports.attendance",
            object_type="event" if event is not None else None,
            object_id=event.id if event is not None else None,
            details=details,
            created_at=now,
        )
    )
    db.session.commit()
    stem = f"attendance-event-{event.id}" if event is not None else f"attendance-{to_local(now):%Y%m%d-%H%M}"
    statement = attendance_statement(**scope)
    words = labels()
    if fmt == "csv":
        return (
            csv_chunks(db.engine, statement, labels=words, full_phone=full_phone),
            "text/csv; charset=utf-8",
            f"{stem}.csv",
        )
    handle = tempfile.TemporaryFile(prefix="trainhub-export-", suffix=".xlsx")  # noqa: SIM115 (stream_file closes it)
    write_xlsx(statement, labels=words, full_phone=full_phone, figures=totals(**scope), target=handle)
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return stream_file(handle), mimetype, f"{stem}.xlsx"


def campaigns_for_filter() -> list[Campaign]:
    return list(db.session.scalars(sa.select(Campaign).order_by(Campaign.starts_on.desc())))


def events_for(user: User) -> list[Event]:
    from trainhub.access import trainer_event_clause

    clause = trainer_event_clause(user) if user.is_trainer else organizer_event_clause(user)
    return list(
        db.session.scalars(
            sa.select(Event).where(clause, Event.status != "draft").order_by(Event.starts_at.desc()).limit(500)
        )
    )


def districts() -> list[str]:
    return [
        d for d in db.session.scalars(sa.select(Organization.district).distinct().order_by(Organization.district)) if d
    ]
