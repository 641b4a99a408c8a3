"""Dashboard figures, the campaign activity summary (page, XLSX, PDF) and who may see them."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from tests.factories import local
from trainhub.dashboard import figures
from trainhub.extensions import db
from trainhub.models import AuditLog, Certificate

NOW = local(2021, 10, 20, 12)


@pytest.fixture
def campaign_data(make):
    start = local(2021, 10, 14, 9)
    campaign = make.campaign(
        title="世界标准日", starts_on=start.date() - timedelta(days=5), ends_on=start.date() + timedelta(days=20)
    )
    bureau = make.unit(name="朝阳区市场监管局")
    training = make.event(
        title="标准化法规解读",
        starts_at=start,
        campaign=campaign,
        host_unit=bureau,
        registration_opens_at=start - timedelta(days=9),
    )
    seminar = make.event(
        title="团体标准研讨",
        kind="seminar",
        mode="online",
        venue="",
        campaign=campaign,
        starts_at=start + timedelta(days=2),
        registration_opens_at=start - timedelta(days=9),
    )
    make.event(title="草稿活动", status="draft", campaign=campaign, starts_at=start)
    pilot = make.organization(name="星海精密", is_pilot_unit=True, district="朝阳区", industry="制造业")
    other = make.organization(name="海淀软件", district="海淀区", industry="信息技术")
    a = make.registration(training, pilot, name="张伟")
    b = make.registration(training, pilot, name="李娜")
    make.registration(training, other, name="王强")  # no-show
    make.registration(training, other, name="赵敏", status="waitlisted")
    c = make.registration(seminar, other, name="钱多")
    for r in (a, b, c):
        r.checked_in_at = r.event.starts_at
    db.session.add(Certificate(serial="TH-2021-000001", registration_id=a.id, issued_at=NOW))
    db.session.commit()
    return campaign, bureau, training, seminar


def test_dashboard_figures(campaign_data):
    campaign, bureau, training, seminar = campaign_data
    data = figures.dashboard(figures.Scope(campaign_id=campaign.id), now=NOW)
    t = data["totals"]
    assert (t["events"], t["registrations"], t["confirmed"], t["checked_in"], t["no_shows"], t["waitlisted"]) == (
        2,
        5,
        4,
        3,
        1,
        1,
    )
    assert t["attendance_rate"] == 0.75 and t["certificates"] == 1 and t["enterprises"] == 2
    assert {r["key"]: r["checked_in"] for r in data["by_district"]} == {"朝阳区": 2, "海淀区": 1}
    assert {r["key"]: r["confirmed"] for r in data["by_industry"]} == {"制造业": 2, "信息技术": 2}
    assert data["pilot"]["pilot"]["checked_in"] == 2 and data["pilot"]["others"]["no_shows"] == 1
    assert [e["title"] for e in data["events"]] == ["标准化法规解读", "团体标准研讨"]
    assert sum(n for _day, n in data["per_day"]) == 5
    only = figures.dashboard(figures.Scope(event_id=seminar.id), now=NOW)["totals"]
    assert (only["confirmed"], only["checked_in"]) == (1, 1)


def test_campaign_summary_whole_and_per_unit(campaign_data):
    campaign, bureau, training, seminar = campaign_data
    summary = figures.campaign_summary(campaign, now=NOW)
    assert summary["events"] == 2
    assert summary["by_kind"] == {"training": 1, "seminar": 1}
    assert summary["by_mode"] == {"offline": 1, "online": 1}
    assert (
        summary["enterprises"],
        summary["people"],
        summary["attendees_registered"],
        summary["attendees_checked_in"],
        summary["certificates"],
    ) == (2, 4, 4, 3, 1)
    assert summary["top_enterprises"][0]["key"] == "星海精密"
    assert [e["title"] for e in summary["event_list"]] == ["标准化法规解读", "团体标准研讨"]
    mine = figures.campaign_summary(campaign, unit=bureau, now=NOW)
    assert mine["events"] == 1 and mine["attendees_checked_in"] == 2


def test_dashboard_page_has_charts_and_tables_scoped_to_the_unit(make, client, login, campaign_data):
    campaign, bureau, training, seminar = campaign_data
    login(make.organizer(unit=bureau))
    page = client.get("/manage/dashboard")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "vendor/chartjs/chart.umd.js" in html and 'id="chart-districts"' in html and 'id="table-districts"' in html
    assert "标准化法规解读" in html and "团体标准研讨" not in html  # another unit's event
    assert client.get(f"/manage/dashboard?campaign_id={campaign.id}&from=2021-10-01&to=bad").status_code == 200


def test_summary_page_xlsx_and_pdf(make, client, login, campaign_data, tmp_path):
    campaign, *_ = campaign_data
    organizer = login(make.organizer())
    html = client.get(f"/manage/campaigns/{campaign.id}/summary").get_data(as_text=True)
    assert "世界标准日 活动总结" in html and "星海精密" in html and "团体标准研讨" in html

    response = client.get(f"/manage/campaigns/{campaign.id}/summary.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    overview = {r[0]: r[1] for r in book.worksheets[0].iter_rows(min_row=4, values_only=True)}
    assert overview["活动场次"] == 2 and overview["实际签到"] == 3 and overview["发放参训证明"] == 1
    assert [r[1] for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)] == [
        "标准化法规解读",
        "团体标准研讨",
    ]

    response = client.get(f"/manage/campaigns/{campaign.id}/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "世界标准日 活动总结" in text and "星海精密" in text and "标准化法规解读" in text
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
        ).stdout.decode()
        assert "活动总结" in out
    logged = db.session.scalars(sa.select(AuditLog.details).where(AuditLog.actor_id == organizer.id)).all()
    assert sorted(d["format"] for d in logged) == ["pdf", "xlsx"]


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("member", 403), ("trainer", 403), ("organizer", 200)])
def test_dashboard_and_summary_are_for_organizers(make, client, login, campaign_data, who, status):
    campaign, *_ = campaign_data
    users = {"member": make.member, "trainer": make.trainer, "organizer": make.organizer}
    if who != "anonymous":
        login(users[who]())
    assert client.get("/manage/dashboard").status_code == status
    assert client.get(f"/manage/campaigns/{campaign.id}/summary").status_code == status
    if who == "organizer":
        assert client.get("/manage/campaigns/9999/summary").status_code == 404


def test_dashboard_statement_count_does_not_grow_with_rows(app, make, client, login, campaign_data):
    campaign, bureau, training, seminar = campaign_data
    login(make.organizer())
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):  # not BEGIN/COMMIT bookkeeping
            statements.append(statement.split("\n")[0][:120])

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        db.session.expire_all()
        client.get("/manage/dashboard")
        first = len(statements)
        for n in range(30):
            make.registration(training, make.organization(district=f"区{n}"))
        statements.clear()
        db.session.expire_all()
        client.get("/manage/dashboard")
        assert len(statements) == first <= 16, "\n".join(statements)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_pages_in_english(make, client, login, campaign_data):
    campaign, *_ = campaign_data
    login(make.organizer())
    html = client.get("/manage/dashboard", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "By district" in html and "Attendance rate" in html
