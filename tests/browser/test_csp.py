"""The main pages work under the Content-Security-Policy in headless Chromium: no page reports a CSP
violation (a `securitypolicyviolation` event or a console error), and what moved out of inline
handlers still works (the print buttons)."""

from __future__ import annotations

import pytest

from tests.browser._server import report_browser, report_live_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
window.__printed = 0;
window.print = () => { window.__printed += 1; };
"""


def visit_all(browser, base, browser_login, user, paths):
    """Open each path (as `user`, or anonymously) → the violations seen, one line each."""
    context = browser.new_context(viewport={"width": 412, "height": 900}, locale="zh-CN")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10000)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )
    if user is not None:
        browser_login(page, user)
    found = []
    try:
        for path in paths:
            response = page.goto(base + path)
            assert response.status == 200, (path, response.status)
            assert (
                "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
                or "content-security-policy" in response.headers
            )
            page.wait_for_load_state("networkidle")
            found += [f"{path}: {line}" for line in page.evaluate("window.__cspViolations")]
            if page.locator("[data-print]").count():
                page.locator("[data-print]").first.click()
                assert page.evaluate("window.__printed") == 1, f"{path}: the print button does nothing"
    finally:
        context.close()
    return found + console


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_main_pages_report_no_csp_violation(app, make, report_live_server, report_browser, browser_login, dialect):
    if dialect != "sqlite":
        pytest.skip("the browser check runs once, on SQLite")
    base = report_live_server
    trainer = make.trainer()
    organizer = make.organizer()
    member = make.member()
    campaign = make.campaign(description="第一段\n第二段")
    event = make.event(trainers=[trainer], campaign_id=campaign.id, description="课程介绍\n第二行", mode="hybrid")
    registration = make.registration(event, member.organization)
    ids = {
        "event": event.id,
        "campaign": campaign.id,
        "token": registration.ticket_token,
        "org": member.organization_id,
    }

    anonymous = [
        "/events",
        f"/events/{ids['event']}",
        "/login",
        "/signup",
        "/campaigns",
        f"/campaigns/{ids['campaign']}",
        f"/t/{ids['token']}",
        "/verify/TH-2021-000001-x",
    ]
    enterprise = [
        "/my/registrations",
        f"/events/{ids['event']}/register",
        "/my/organization",
        "/profile",
        "/my/certificates",
    ]
    trainer_pages = ["/checkin", f"/checkin/{ids['event']}", f"/checkin/{ids['event']}/presenter"]
    organizer_pages = [
        "/manage/dashboard",
        f"/manage/campaigns/{ids['campaign']}/summary",
        "/manage/events",
        f"/manage/events/{ids['event']}",
        f"/manage/events/{ids['event']}/registrations",
        f"/manage/events/{ids['event']}/attendance",
        "/manage/reports",
        "/manage/users",
        "/manage/organizations",
        f"/manage/organizations/{ids['org']}",
        "/manage/exports",
        "/manage/events/new",
    ]
    violations = []
    violations += visit_all(report_browser, base, browser_login, None, [p for p in anonymous if "verify" not in p])
    violations += visit_all(report_browser, base, browser_login, member, enterprise)
    violations += visit_all(report_browser, base, browser_login, trainer, trainer_pages)
    violations += visit_all(report_browser, base, browser_login, organizer, organizer_pages)
    assert violations == []
