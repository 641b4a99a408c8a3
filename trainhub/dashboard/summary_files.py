"""The activity summary as XLSX and as PDF (ready to send to superiors), and the download log."""

from __future__ import annotations

import io
from datetime import datetime

from flask_babel import gettext as _
from fpdf.fonts import FontFace

from trainhub.certificates.pdf import FAMILY, FontSubset, bold
from trainhub.dashboard.labels import KIND_LABELS, MODE_LABELS
from trainhub.db import begin_write, use_case
from trainhub.extensions import db
from trainhub.models import AuditLog, Campaign, User
from trainhub.timeutil import to_local

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@use_case
def log(actor: User, campaign: Campaign, fmt: str, *, now: datetime) -> None:
    begin_write()
    db.session.add(
        AuditLog(
            actor_id=actor.id,
            action="dashboard.campaign_summary",
            object_type="campaign",
            object_id=campaign.id,
            details={"format": fmt},
            created_at=now,
        )
    )
    db.session.commit()


def _rate(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def overview(summary: dict) -> list[tuple[str, object]]:
    rows = [
        (_("活动场次"), summary["events"]),
        *[(_("其中：%(label)s", label=KIND_LABELS.get(k, k)), n) for k, n in sorted(summary["by_kind"].items())],
        *[(_("其中：%(label)s", label=MODE_LABELS.get(k, k)), n) for k, n in sorted(summary["by_mode"].items())],
        (_("覆盖企业"), summary["enterprises"]),
        (_("覆盖人数"), summary["people"]),
        (_("确认报名"), summary["attendees_registered"]),
        (_("实际签到"), summary["attendees_checked_in"]),
        (_("出勤率"), _rate(summary["attendance_rate"])),
        (_("发放参训证明"), summary["certificates"]),
    ]
    return rows


def event_columns() -> list[str]:
    return [_("日期"), _("活动"), _("类型"), _("形式"), _("主办单位"), _("确认报名"), _("签到"), _("出勤率"), _("证书")]


def event_cells(event: dict) -> list:
    return [
        event["date"],
        event["title"],
        str(KIND_LABELS.get(event["kind"], event["kind"])),
        str(MODE_LABELS.get(event["mode"], event["mode"])),
        event["host"],
        event["confirmed"],
        event["checked_in"],
        _rate(event["attendance_rate"]),
        event["certificates"],
    ]


def summary_xlsx(summary: dict) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#DDE5F0", "border": 1})
    sheet = book.add_worksheet(_("概况"))
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 14)
    sheet.write_string(0, 0, _("%(title)s 活动总结", title=summary["campaign"]["title"]), title)
    if summary.get("unit"):
        sheet.write_string(1, 0, summary["unit"]["name"], bold)
    for index, (label, value) in enumerate(overview(summary), start=3):
        sheet.write_string(index, 0, label)
        if isinstance(value, int):
            sheet.write_number(index, 1, value)
        else:
            sheet.write_string(index, 1, str(value))
    events = book.add_worksheet(_("活动列表"))
    for col, width in enumerate((12, 36, 8, 12, 24, 10, 8, 8, 8)):
        events.set_column(col, col, width)
    for col, label in enumerate(event_columns()):
        events.write_string(0, col, label, head)
    for row, event in enumerate(summary["event_list"], start=1):
        for col, value in enumerate(event_cells(event)):
            events.write(row, col, value) if isinstance(value, int) else events.write_string(row, col, str(value))
    events.freeze_panes(1, 0)
    top = book.add_worksheet(_("最活跃企业"))
    top.set_column(0, 0, 36)
    for col, label in enumerate((_("企业"), _("确认报名"), _("签到"))):
        top.write_string(0, col, label, head)
    for row, item in enumerate(summary["top_enterprises"], start=1):
        top.write_string(row, 0, str(item["key"]))
        top.write_number(row, 1, item["confirmed"])
        top.write_number(row, 2, item["checked_in"])
    if summary.get("units"):
        units = book.add_worksheet(_("各单位活动总结"))
        units.set_column(0, 0, 30)
        units.set_column(1, 1, 14)
        for col, label in enumerate(unit_columns()):
            units.write_string(0, col, label, head)
        for row, cells in enumerate(unit_rows(summary), start=1):
            for col, value in enumerate(cells):
                units.write(row, col, value) if isinstance(value, int) else units.write_string(row, col, str(value))
    book.close()
    return buffer.getvalue()


def summary_pdf(summary: dict, *, generated_at: datetime) -> bytes:
    """A4 portrait: overview, most active enterprises, the list of events with their figures."""
    heading = _("%(title)s 活动总结", title=summary["campaign"]["title"])
    period = f"{summary['campaign']['starts_on']} — {summary['campaign']['ends_on']}"
    texts = [
        heading,
        period,
        _("生成时间"),
        _("概况"),
        _("最活跃企业"),
        _("活动列表"),
        _("企业"),
        _("确认报名"),
        _("签到"),
        _("项目"),
        _("数量"),
    ]
    texts += [str(label) + str(value) for label, value in overview(summary)]
    texts += [str(item["key"]) for item in summary["top_enterprises"]]
    texts += ["".join(map(str, event_cells(e))) for e in summary["event_list"]] + event_columns()
    if summary.get("unit"):
        texts.append(summary["unit"]["name"])
    texts += [_("各单位活动总结"), *unit_columns(), *("".join(map(str, r)) for r in unit_rows(summary))]
    with FontSubset("".join(texts)) as fonts:
        pdf = fonts.new_pdf("P")
        pdf.set_title(heading)
        pdf.set_auto_page_break(True, margin=15)
        pdf.add_page()
        bold(pdf)
        pdf.set_font(FAMILY, "", 18)
        pdf.multi_cell(0, 10, heading, align="C", new_x="LMARGIN", new_y="NEXT")
        bold(pdf, False)
        pdf.set_font(FAMILY, "", 10)
        line = period + (f"   {summary['unit']['name']}" if summary.get("unit") else "")
        pdf.cell(0, 6, line, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.cell(
            0, 6, f"{_('生成时间')}: {to_local(generated_at):%Y-%m-%d %H:%M}", align="C", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(4)

        def section(text):
            bold(pdf)
            pdf.set_font(FAMILY, "", 13)
            pdf.cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")
            bold(pdf, False)
            pdf.set_font(FAMILY, "", 10)

        def table(header, rows, widths):
            with pdf.table(
                col_widths=widths,
                text_align="LEFT",
                line_height=6,
                headings_style=FontFace(emphasis="", fill_color=(221, 229, 240)),
            ) as tbl:
                first = tbl.row()
                for cell in header:
                    first.cell(str(cell))
                for values in rows:
                    row = tbl.row()
                    for value in values:
                        row.cell(str(value))
            pdf.ln(4)

        section(_("概况"))
        table([_("项目"), _("数量")], overview(summary), (3, 1))
        if summary["top_enterprises"]:
            section(_("最活跃企业"))
            table(
                [_("企业"), _("确认报名"), _("签到")],
                [(i["key"], i["confirmed"], i["checked_in"]) for i in summary["top_enterprises"]],
                (4, 1, 1),
            )
        section(_("活动列表"))
        table(event_columns(), [event_cells(e) for e in summary["event_list"]], (14, 30, 9, 11, 22, 10, 8, 10, 8))
        if summary.get("units"):
            section(_("各单位活动总结"))
            table(unit_columns(), unit_rows(summary), (30, 14, 9, 9, 9, 9, 9))
        return bytes(pdf.output())


def unit_columns() -> list[str]:
    """The reporting units' table (reports feature): unit, report status, the report figures."""
    return [_("单位"), _("状态"), _("活动场次"), _("覆盖企业"), _("报名人数"), _("签到人数"), _("发放证明")]


def unit_rows(summary: dict) -> list[list]:
    keys = ("events", "enterprises", "attendees_registered", "attendees_checked_in", "certificates")
    return [
        [row["unit"]["name"], row["status_label"], *(int(row["figures"][k]) for k in keys)]
        for row in summary.get("units", [])
    ]
