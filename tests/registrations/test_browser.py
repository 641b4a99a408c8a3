"""The golden path a person clicks through: log in, add a second attendee row, submit, see statuses."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")]


@pytest.fixture
def live_server(app, dialect):
    if dialect != "sqlite":
        pytest.skip("one database is enough for the browser path")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_member_registers_two_attendees_with_add_row(app, live_server, make, open_event):
    sync_api = pytest.importorskip("playwright.sync_api")
    event = open_event(capacity=1)
    member = make.member(email="hr@example.cn", password="secret-pass-123")
    url = f"{live_server}/events/{event.id}/register"
    email = member.email
    from trainhub.extensions import db

    db.session.remove()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
            page.goto(f"{live_server}/login?next={url[len(live_server) :]}")
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", "secret-pass-123")
            page.click("form button[type=submit], form input[type=submit]")
            page.wait_for_url(url)
            page.fill("input[name=attendees-0-name]", "张伟")
            page.fill("input[name=attendees-0-phone]", "13800000001")
            page.click("#add-row")
            page.fill("input[name=attendees-1-name]", "李娜")
            page.fill("input[name=attendees-1-phone]", "13800000002")
            page.click("#register-form button[type=submit]")
            # expect() waits for the page it checks (the answer to the click may not have loaded yet).
            statuses = page.locator("#existing [data-status]")
            sync_api.expect(statuses).to_have_count(2)
            sync_api.expect(statuses.nth(0)).to_have_attribute("data-status", "confirmed")
            sync_api.expect(statuses.nth(1)).to_have_attribute("data-status", "waitlisted")
            page.once("dialog", lambda dialog: dialog.accept())
            page.locator("#existing form[data-confirm] button").first.click()
            sync_api.expect(statuses.nth(0)).to_have_attribute("data-status", "cancelled")
            sync_api.expect(statuses.nth(1)).to_have_attribute("data-status", "confirmed")
        finally:
            browser.close()
