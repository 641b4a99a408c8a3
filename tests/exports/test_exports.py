"""Attendance exports read back as Excel would: the CSV (BOM, separators, no formulas) and the XLSX."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from tests.factories import local
from trainhub.extensions import db
from trainhub.models import AuditLog, Certificate

HEADER = [
    "活动",
    "活动日期",
    "企业",
    "统一社会信用代码",
    "区",
    "试点单位",
    "参训人",
    "手机号",
    "邮箱",
    "职务",
    "状态",
    "报名时间",
    "签到时间",
    "签退时间",
    "参训分钟",
    "证书编号",
]


@pytest.fixture
def attendance(make):
    start = local(2021, 10, 14, 9)
    host = make.unit(name="朝阳区市场监管局")
    event = make.event(
        title="标准化法规解读",
        starts_at=start,
        hours=3,
        host_unit=host,
        registration_opens_at=start - timedelta(days=9),
    )
    pilot = make.organization(name='=HYPERLINK("http://x")试点企业', is_pilot_unit=True, district="朝阳区")
    other = make.organization(name="海淀企业", district="海淀区")
    came = make.registration(event, pilot, name="张伟", phone="13812345678", job_title="-经理")
    came.checked_in_at, came.checked_out_at = start - timedelta(minutes=3), start + timedelta(minutes=150)
    db.session.add(
        Certificate(
            serial="TH-2021-000007", registration_id=came.id, minutes_attended=150, issued_at=start + timedelta(days=1)
        )
    )
    make.registration(event, other, name="@李娜", phone="13900001111")
    make.registration(event, other, name="王强", status="cancelled")
    db.session.commit()
    elsewhere = make.event(
        title="另一单位的活动",
        starts_at=start + timedelta(days=2),
        host_unit=make.unit(name="海淀局", district="海淀区"),
    )
    make.registration(elsewhere, other, name="赵敏")
    return event, host


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_event_csv_one_row_per_registration_masked_and_formula_safe(make, api, attendance):
    event, host = attendance
    organizer = make.organizer(unit=host)

    response = api(organizer).get(f"/api/v1/events/{event.id}/attendance.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert b"\r\n" in response.data
    table = read_csv(response.data)
    assert table[0] == HEADER
    assert len(table) == 4  # header + exactly one row per registration, nothing else
    by_name = {row[6]: dict(zip(HEADER, row, strict=True)) for row in table[1:]}
    zhang = by_name["张伟"]
    assert zhang["手机号"] == "138****5678"
    assert zhang["企业"].startswith("'=HYPERLINK")  # would be a formula: neutralized
    assert zhang["职务"] == "'-经理"
    assert zhang["试点单位"] == "是" and zhang["区"] == "朝阳区"
    assert zhang["签到时间"] == "2021-10-14 08:57" and zhang["参训分钟"] == "150"
    assert zhang["证书编号"] == "TH-2021-000007" and zhang["状态"] == "已确认"
    assert "'@李娜" in by_name
    assert by_name["王强"]["状态"] == "已取消"
    for row in table[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@"))
    log = db.session.scalar(sa.select(AuditLog))
    assert (log.actor_id, log.action, log.object_id, log.details["format"]) == (
        organizer.id,
        "exports.attendance",
        event.id,
        "csv",
    )


def test_full_phone_numbers_on_request_are_logged(make, api, attendance):
    event, host = attendance
    organizer = make.organizer(unit=host)
    table = read_csv(api(organizer).get(f"/api/v1/events/{event.id}/attendance.csv?full_phone=1").data)
    assert "13812345678" in [row[7] for row in table]
    log = db.session.scalar(sa.select(AuditLog))
    assert log.action == "exports.attendance_full_phone" and log.details["full_phone"] is True


def test_event_xlsx_dates_header_filter_and_totals(make, api, attendance):
    event, host = attendance
    response = api(make.organizer(unit=host)).get(f"/api/v1/events/{event.id}/attendance.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet, summary = book.worksheets
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:P")
    assert sheet.column_dimensions["C"].width > 20
    rows = {r[6]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 3
    zhang = rows["张伟"]
    assert isinstance(zhang[12], datetime) and zhang[12] == datetime(2021, 10, 14, 8, 57)
    assert isinstance(zhang[1], datetime) and zhang[1].date().isoformat() == "2021-10-14"
    assert zhang[14] == 150 and zhang[2].startswith("=HYPERLINK")
    assert sheet.cell(row=2, column=3).data_type == "s"  # text, not a formula
    figures = {r[0]: r[1] for r in summary.iter_rows(min_row=2, values_only=True)}
    assert figures["报名总数"] == 3 and figures["已签到"] == 1 and figures["已发证书"] == 1
    assert figures["未到场（已确认未签到）"] == 1


def test_cross_event_filters_and_unit_scope(make, api, attendance):
    event, host = attendance
    unit_organizer = make.organizer(unit=host)
    commission = make.organizer()

    def names(user, query=""):
        response = api(user).get(f"/api/v1/attendance.xlsx{query}")
        assert response.status_code == 200, response.json
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
        return sorted(r[6] for r in sheet.iter_rows(min_row=2, values_only=True))

    assert names(unit_organizer) == ["@李娜", "张伟", "王强"]  # only their unit's events
    assert names(commission) == ["@李娜", "张伟", "王强", "赵敏"]
    assert names(commission, "?pilot_only=true") == ["张伟"]
    assert names(commission, "?district=海淀区") == ["@李娜", "王强", "赵敏"]
    assert names(commission, "?from=2021-10-15&to=2021-10-31") == ["赵敏"]
    bad = api(commission).get("/api/v1/attendance.xlsx?from=yesterday&organization_id=x")
    assert bad.status_code == 422 and set(bad.json["error"]["fields"]) == {"from", "organization_id"}


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 401),
        ("member", 403),
        ("other_trainer", 404),
        ("event_trainer", 200),
        ("co_organizer", 200),
        ("other_unit", 404),
        ("commission", 200),
    ],
)
def test_event_export_access(make, api, attendance, who, status):
    event, host = attendance
    co = make.unit(name="协办单位")
    trainer = make.trainer()
    event.trainers = [trainer]
    event.co_units = [co]
    db.session.commit()
    users = {
        "anonymous": None,
        "member": make.member(),
        "other_trainer": make.trainer(),
        "event_trainer": trainer,
        "co_organizer": make.organizer(unit=co),
        "other_unit": make.organizer(unit=make.unit()),
        "commission": make.organizer(),
    }
    for suffix in ("csv", "xlsx"):
        assert api(users[who]).get(f"/api/v1/events/{event.id}/attendance.{suffix}").status_code == status
    if who in ("member", "event_trainer"):
        assert api(users[who]).get("/api/v1/attendance.xlsx").status_code == 403


def test_exports_page_and_download(make, client, login, attendance):
    event, host = attendance
    login(make.organizer(unit=host))
    page = client.get("/manage/exports")
    assert page.status_code == 200 and "标准化法规解读" in page.get_data(as_text=True)
    response = client.get(f"/manage/exports/attendance?event_id={event.id}&format=csv")
    assert response.status_code == 200 and len(read_csv(response.data)) == 4
    response = client.get("/manage/exports/attendance?format=xlsx&pilot_only=1")
    assert response.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0].max_row == 2


def test_cross_event_csv_and_preselected_event(make, api, client, login, attendance):
    event, host = attendance
    commission = make.organizer()
    table = read_csv(api(commission).get("/api/v1/attendance.csv?district=海淀区").data)
    assert table[0] == HEADER and sorted(row[6] for row in table[1:]) == ["'@李娜", "王强", "赵敏"]
    login(commission)
    html = client.get(f"/manage/exports?event_id={event.id}").get_data(as_text=True)
    assert f'value="{event.id}" selected' in html


def test_csv_names_its_charset_once(make, api, attendance):
    event, host = attendance
    response = api(make.organizer(unit=host)).get(f"/api/v1/events/{event.id}/attendance.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
