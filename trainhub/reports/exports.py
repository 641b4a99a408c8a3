"""The commission's downloads: every report of a campaign as one XLSX, and as a ZIP of PDFs with attachments."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from flask import send_file
from flask_babel import gettext as _

from trainhub.db import use_case
from trainhub.exports.services import neutralize
from trainhub.reports import services
from trainhub.reports.files import stored_path
from trainhub.timeutil import to_local


def _require_commission(actor) -> None:
    services._require_reviewer(actor)


@use_case
def _audit(actor, action: str, campaign, now: datetime) -> None:
    """Bulk downloads are logged (who, what, when) before the file is built."""
    from trainhub.db import begin_write
    from trainhub.extensions import db
    from trainhub.models import AuditLog

    begin_write()
    db.session.add(
        AuditLog(actor_id=actor.id, action=action, object_type="campaign", object_id=campaign.id, created_at=now)
    )
    db.session.commit()


def _fmt(value: datetime | None) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def figure_labels() -> list[tuple[str, str]]:
    return [
        ("events", _("活动场次")),
        ("enterprises", _("覆盖企业")),
        ("attendees_registered", _("报名人数")),
        ("attendees_checked_in", _("签到人数")),
        ("certificates", _("发放证明")),
    ]


def _safe_filename(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "file"


def reports_xlsx(campaign, *, actor, now: datetime) -> bytes:
    """A row per reporting unit: status label (request's language), late/overdue, times, figures (0 written as 0)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    _require_commission(actor)
    _audit(actor, "reports.xlsx", campaign, now)
    views = services.reports_for(campaign, actor=actor, now=now)
    wb = Workbook()
    ws: Worksheet = wb.active  # type: ignore[assignment]  # a new workbook's one sheet
    ws.title = _("活动总结")[:31]
    header = [_("单位"), _("状态"), _("逾期提交"), _("已逾期"), _("提交时间"), _("更新时间")]
    header += [label for _key, label in figure_labels()]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    yes, no = _("是"), _("否")
    for view in views:
        ws.append(
            [
                neutralize(view.unit.name),
                view.status_label,
                yes if view.late else no,
                yes if view.overdue else no,
                _fmt(view.submitted_at),
                _fmt(view.updated_at),
            ]
            + [int(view.figures.get(key, 0)) for key, _label in figure_labels()]
        )
    ws.column_dimensions["A"].width = 30
    for col in "BCDEFGHIJK":
        ws.column_dimensions[col].width = 16
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(campaign, *, actor, now: datetime):
    data = reports_xlsx(campaign, actor=actor, now=now)
    return send_file(
        io.BytesIO(data),
        as_attachment=True,
        download_name=f"reports-{campaign.id}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _pdf_lines(view) -> tuple[str, list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    title = f"{view.campaign.title} · {_('活动总结')}"
    lines = [
        f"{_('单位')}：{view.unit.name}",
        f"{_('状态')}：{view.status_label}" + (f"（{_('逾期提交')}）" if view.late else ""),
        f"{_('提交时间')}：{_fmt(view.submitted_at)}",
    ]
    figures = [(_("指标"), _("数量"))] + [(label, str(int(view.figures.get(key, 0)))) for key, label in figure_labels()]
    sections = [(_("活动基本情况"), view.summary or "-"), (_("取得的成效"), view.outcomes or "-")]
    return title, lines, figures, sections


def _all_text(views) -> str:
    parts = []
    for view in views:
        title, lines, figures, sections = _pdf_lines(view)
        parts += [title, *lines, *(a + b for a, b in figures), *(a + b for a, b in sections)]
    return "".join(parts)


def report_pdf(view, fonts) -> bytes:
    """One report: title, unit, status and times, the figures in a table, summary and outcomes.

    `fonts` is the certificates' FontSubset (Noto Sans SC cut down to the batch's characters)."""
    from fpdf.fonts import FontFace

    from trainhub.certificates.pdf import FAMILY

    title, lines, figures, sections = _pdf_lines(view)
    pdf = fonts.new_pdf("P")  # one regular weight (the certificates draw bold as fill+stroke)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font(FAMILY, "", size=16)
    pdf.multi_cell(width, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=11)
    for line in lines:
        pdf.multi_cell(width, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    with pdf.table(
        col_widths=(60, 30),
        width=90,
        align="LEFT",
        text_align=("LEFT", "RIGHT"),
        headings_style=FontFace(emphasis="", fill_color=(230, 236, 245)),
    ) as table:
        for left, right in figures:
            row = table.row()
            row.cell(left)
            row.cell(right)
    for heading, text in sections:
        pdf.ln(4)
        pdf.set_font(FAMILY, "", size=13)
        pdf.multi_cell(width, 8, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, size=11)
        pdf.multi_cell(width, 7, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def reports_zip(campaign, *, actor, now: datetime) -> bytes:
    """Submitted and accepted reports: `<unit>/<unit>.pdf` and `<unit>/attachments/<n>-<filename>`."""
    _require_commission(actor)
    _audit(actor, "reports.zip", campaign, now)
    from trainhub.certificates.pdf import FontSubset

    views = [v for v in services.reports_for(campaign, actor=actor, now=now) if v.status in ("submitted", "accepted")]
    buffer = io.BytesIO()
    fonts = FontSubset(_all_text(views))
    try:
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for view in views:
                folder = f"{view.unit.id}-{_safe_filename(view.unit.name)}"
                archive.writestr(f"{folder}/{_safe_filename(view.unit.name)}.pdf", report_pdf(view, fonts))
                for n, attachment in enumerate(view.attachments, start=1):
                    path = stored_path(attachment.stored_name)
                    if path.exists():
                        archive.write(path, f"{folder}/attachments/{n}-{_safe_filename(attachment.filename)}")
    finally:
        fonts.close()
    return buffer.getvalue()


def zip_response(campaign, *, actor, now: datetime):
    data = reports_zip(campaign, actor=actor, now=now)
    return send_file(
        io.BytesIO(data), as_attachment=True, download_name=f"reports-{campaign.id}.zip", mimetype="application/zip"
    )
