"""A district bureau's organizer writes and submits a report; the commission returns it with a comment."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser._server import login_page, report_browser, report_live_server  # noqa: F401 (fixtures)
from trainhub.extensions import db
from trainhub.models import CampaignReport

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_bureau_writes_and_submits_commission_returns(app, make, report_live_server, report_browser, tmp_path, dialect):
    if dialect != "sqlite":
        pytest.skip("the browser flow runs once, on SQLite")
    chaoyang = make.unit(name="朝阳区市场监管局", kind="district_bureau", district="朝阳区")
    campaign = make.campaign(title="世界标准日宣传周")
    campaign.reporting_units = [chaoyang]
    db.session.commit()
    make.organizer(unit=chaoyang, email="cy@example.cn")
    make.organizer(email="boss@example.cn")
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    page = login_page(report_browser, report_live_server, "cy@example.cn")
    page.goto(f"{report_live_server}/manage/reports")
    page.get_by_role("link", name="填写总结").click()
    page.fill("textarea[name=summary]", "10月在朝阳区开展标准化宣贯活动三场。")
    page.fill("textarea[name=outcomes]", "覆盖企业 30 家。")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    page.set_input_files("input[name=file]", str(photo))
    page.get_by_role("button", name="上传").click()
    expect(page.locator("#attachments").get_by_text("现场照片.png")).to_be_visible()
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_text("活动总结已提交。")).to_be_visible()
    expect(page.locator("#report-form")).to_have_count(0)  # locked

    boss = login_page(report_browser, report_live_server, "boss@example.cn")
    boss.goto(f"{report_live_server}/manage/reports/{campaign.id}")
    expect(boss.locator("#tracker").get_by_text("已提交")).to_be_visible()
    boss.locator("#tracker").get_by_role("link", name="查看").click()
    expect(boss.locator("#summary")).to_have_text(re.compile(r"^\s*10月在朝阳区"))
    boss.fill("textarea[name=comment]", "请补充活动现场签到照片")
    boss.get_by_role("button", name="退回修改").click()
    expect(boss.get_by_text("已退回，并已通知该单位。")).to_be_visible()

    page.reload()
    expect(page.locator("#return-comment")).to_contain_text("请补充活动现场签到照片")
    expect(page.locator("#report-form")).to_be_visible()  # editable again
    db.session.rollback()  # end the test thread's read snapshot
    assert db.session.query(CampaignReport).one().status == "returned"
