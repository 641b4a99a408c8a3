"""Report pages: a unit writes and submits, the commission tracks, returns and accepts; news pages."""

from __future__ import annotations

import io

import pytest

from tests.reports.conftest import PNG
from trainhub.extensions import db
from trainhub.models import NewsItem
from trainhub.reports import services
from trainhub.timeutil import now


def test_unit_writes_saves_and_submits_through_the_page(client, login, make, world):
    make.event(title="朝阳区标准化宣贯会", host_unit=world.chaoyang, campaign_id=world.campaign.id)
    make.event(title="草稿活动", host_unit=world.chaoyang, campaign_id=world.campaign.id, status="draft")
    login(world.cy_org)
    page = client.get("/manage/reports")
    assert page.status_code == 200 and "世界标准日宣传周" in page.text
    edit = f"/manage/reports/{world.campaign.id}/{world.chaoyang.id}"
    assert client.get(f"/manage/reports/{world.campaign.id}").headers["Location"].endswith(edit)
    page = client.get(edit).text
    assert "朝阳区标准化宣贯会" in page and "不计入统计" in page and 'data-figure="events">1<' in page
    r = client.post(edit, data={"summary": "  ", "outcomes": "", "action": "submit"}, follow_redirects=True)
    assert "提交前请填写活动基本情况" in r.text
    r = client.post(edit, data={"summary": "举办宣贯会", "outcomes": "", "action": "save"}, follow_redirects=True)
    assert "草稿已保存" in r.text
    r = client.post(
        f"{edit}/attachments",
        data={"file": (io.BytesIO(b"MZ"), "a.exe")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "只接受以下类型的文件" in r.text
    r = client.post(
        f"{edit}/attachments",
        data={"file": (io.BytesIO(PNG), "现场.png")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "现场.png" in r.text
    r = client.post(
        edit, data={"summary": "举办宣贯会", "outcomes": "效果好", "action": "submit"}, follow_redirects=True
    )
    assert "活动总结已提交" in r.text and 'id="report-form"' not in r.text
    assert services.report_for(world.campaign, world.chaoyang, now=now()).status == "submitted"


def test_commission_tracks_returns_with_comment_and_accepts(client, login, world):
    services.submit(world.campaign, world.chaoyang, {"summary": "总结"}, actor=world.cy_org, now=now())
    login(world.boss)
    r = client.get(f"/manage/reports/{world.campaign.id}")
    assert r.status_code == 200 and "朝阳区市场监管局" in r.text and "海淀区市场监管局" in r.text
    assert "reports.xlsx" in r.text and "reports.zip" in r.text
    edit = f"/manage/reports/{world.campaign.id}/{world.chaoyang.id}"
    r = client.post(f"{edit}/review", data={"action": "return", "comment": ""}, follow_redirects=True)
    assert "退回时请填写退回意见" in r.text
    r = client.post(f"{edit}/review", data={"action": "return", "comment": "请补充签到照片"}, follow_redirects=True)
    assert "已退回" in r.text and "请补充签到照片" in r.text
    services.submit(world.campaign, world.chaoyang, actor=world.cy_org, now=now())
    r = client.post(f"{edit}/review", data={"action": "accept"}, follow_redirects=True)
    assert 'data-status="accepted"' in r.text


@pytest.mark.parametrize(
    "who, path, expected",
    [
        ("hd_org", "/manage/reports/{c}/{cy}", 404),
        ("hd_org", "/manage/reports/{c}", 302),  # its own report
        ("cy_org", "/manage/reports/999/{cy}", 404),
        ("enterprise", "/manage/reports", 403),
        (None, "/manage/reports", 302),  # to the login page
    ],
)
def test_report_pages_scope(client, login, make, world, who, path, expected):
    if who == "enterprise":
        login(make.member())
    elif who:
        login(getattr(world, who))
    r = client.get(path.format(c=world.campaign.id, cy=world.chaoyang.id))
    assert r.status_code == expected


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_report_form_needs_csrf(client, login, world):
    login(world.cy_org)
    r = client.post(f"/manage/reports/{world.campaign.id}/{world.chaoyang.id}", data={"summary": "x", "action": "save"})
    assert r.status_code == 400
    form = client.get(f"/manage/reports/{world.campaign.id}/{world.chaoyang.id}").text
    assert 'name="csrf_token"' in form
    assert services.report_for(world.campaign, world.chaoyang, now=now()).status == "not_started"


def test_news_posted_by_unit_published_by_commission_shown_on_campaign_partial(app, client, login, world):
    login(world.cy_org)
    page = f"/manage/campaigns/{world.campaign.id}/news"
    r = client.post(
        page,
        data={"title": "走进园区", "body": "宣讲标准化法", "photo": (io.BytesIO(PNG), "p.png")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "待市场监管委发布" in r.text
    item = db.session.query(NewsItem).one()
    with app.test_request_context():
        from flask import render_template_string

        html = render_template_string('{% include "reports/_campaign_news.html" %}', campaign=world.campaign)
        assert "走进园区" not in html
    login(world.boss)
    r = client.post(f"/manage/news/{item.id}/publish", follow_redirects=True)
    assert "已发布到专题活动页面" in r.text
    with app.test_request_context():
        from flask import render_template_string

        html = render_template_string('{% include "reports/_campaign_news.html" %}', campaign=world.campaign)
        assert "走进园区" in html and "朝阳区市场监管局" in html


def test_campaign_summary_includes_the_units_figures(client, login, make, world):
    import io as _io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    make.registration(make.event(host_unit=world.chaoyang, campaign_id=world.campaign.id))
    services.submit(world.campaign, world.chaoyang, {"summary": "总结"}, actor=world.cy_org, now=now())
    login(world.boss)
    page = client.get(f"/manage/campaigns/{world.campaign.id}/summary")
    assert page.status_code == 200 and 'id="unit-figures"' in page.text and "海淀区市场监管局" in page.text
    book = load_workbook(_io.BytesIO(client.get(f"/manage/campaigns/{world.campaign.id}/summary.xlsx").data))
    rows = list(book["各单位活动总结"].iter_rows(values_only=True))
    assert rows[1] == ("朝阳区市场监管局", "已提交", 1, 1, 1, 0, 0)
    pdf = client.get(f"/manage/campaigns/{world.campaign.id}/summary.pdf").data
    text = "".join(p.extract_text() for p in PdfReader(_io.BytesIO(pdf)).pages)
    assert "各单位活动总结" in text and "全国某标准化技术委员会" in text
