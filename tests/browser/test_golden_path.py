"""The golden path of issue 2 in headless Chromium: an enterprise signs up, registers two attendees,
sees them confirmed and cancels one, while a waitlisted attendee of another enterprise is promoted."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser._server import report_browser, report_live_server  # noqa: F401 (fixtures)
from trainhub.extensions import db
from trainhub.models import Registration
from trainhub.organizations import uscc
from trainhub.registrations.services import register_attendees
from trainhub.timeutil import now

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_enterprise_signs_up_registers_cancels_and_the_waitlist_moves(
    app, make, report_live_server, report_browser, dialect
):
    if dialect != "sqlite":
        pytest.skip("the browser flow runs once, on SQLite")
    base = report_live_server
    event = make.event(title="标准化云课堂：团体标准制定实务", capacity=2)
    other_member = make.member(organization=make.organization(name="京安食品集团有限公司"))

    context = report_browser.new_context(viewport={"width": 360, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10000)
    page.on("dialog", lambda dialog: dialog.accept())  # "确定取消…的报名吗？"

    # Sign up: the enterprise with a valid 统一社会信用代码.
    page.goto(f"{base}/signup")
    page.fill("input[name=name]", "华北精密机械有限公司")
    page.fill("input[name=uscc]", uscc.generate(random.Random(5)))
    page.fill("input[name=district]", "朝阳区")
    page.fill("input[name=industry]", "装备制造")
    page.fill("input[name=contact_name]", "张伟")
    page.fill("input[name=contact_phone]", "13800000001")
    page.fill("input[name=contact_email]", "hr@huabei.example.cn")
    page.fill("input[name=password]", "a-long-password")
    page.fill("input[name=password_confirm]", "a-long-password")
    page.locator("form:has(input[name=uscc]) [type=submit]").click()
    expect(page.get_by_text("注册成功")).to_be_visible()

    # Find the session in the public catalogue and register two attendees in one form.
    page.goto(f"{base}/events?q=团体标准")
    page.get_by_role("link", name="标准化云课堂：团体标准制定实务").click()
    page.get_by_role("link", name="报名", exact=True).click()
    page.fill("input[name='attendees-0-name']", "杨帆")
    page.fill("input[name='attendees-0-phone']", "13912345601")
    page.get_by_role("button", name="添加一行").click()
    page.fill("input[name='attendees-1-name']", "周敏")
    page.fill("input[name='attendees-1-phone']", "13912345602")
    page.get_by_role("button", name="提交报名").click()
    rows = page.locator("#existing tbody tr")
    expect(rows).to_have_count(2)
    for i in range(2):
        expect(rows.nth(i).locator("[data-status]")).to_have_attribute("data-status", "confirmed")

    # Another enterprise registers after the seats are gone: waitlisted.
    db.session.rollback()
    waitlisted = register_attendees(
        event, other_member.organization, [{"name": "李娜", "phone": "13700000009"}], actor=other_member, now=now()
    )[0]
    assert waitlisted.status == "waitlisted"
    waitlisted_id = waitlisted.id

    # The first enterprise cancels one attendee; the waitlisted attendee is promoted at once.
    page.locator("#existing tbody tr", has_text="杨帆").get_by_role("button", name="取消报名").click()
    expect(page.locator("#existing tbody tr", has_text="杨帆").locator("[data-status]")).to_have_attribute(
        "data-status", "cancelled"
    )
    expect(page.locator("#existing tbody tr", has_text="周敏").locator("[data-status]")).to_have_attribute(
        "data-status", "confirmed"
    )

    db.session.rollback()  # end the test thread's read snapshot
    promoted = db.session.get(Registration, waitlisted_id)
    assert promoted.status == "confirmed" and promoted.ticket_token
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Registration)
            .where(Registration.event_id == event.id, Registration.status == "confirmed")
        )
        == 2
    )
    context.close()
