"""The access matrix: two district bureaus, a co-organizing technical committee and the commission,
over every protected page and endpoint of events, registrations, check-in, certificates, exports,
invitations and reports (API.md "Organizing units", pinned details).

The event is hosted by 朝阳区局 (cy) and co-organized by the TC (tc); 海淀区局 (hd) has nothing to do
with it. Kinds of endpoint and what each actor gets:
  read     — see registrations/attendance: commission, host and co-organizer allowed; hd 404
  manage   — change anything: commission and host allowed; co-organizer 403; hd 404
  author   — write 朝阳's campaign report: cy allowed; commission 403; hd and tc 404
  report   — read 朝阳's report: commission and cy allowed; hd and tc 404
  review   — return/accept: commission allowed; cy 403; hd and tc 404
  commission — commission allowed; every other organizer 403
and anonymous callers get 401 (API) or the login page (pages) everywhere.
"allowed" means anything but 401/403/404/5xx (a 409 for a state conflict is allowed). Every endpoint
named here exists (a renamed one fails, never skips); extend ENDPOINTS when a feature adds one.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from trainhub.extensions import db

OK = "allowed"
LOGIN = "login"  # anonymous: 401 from the API, a redirect to the login page from a page
EXPECTED = {
    "read": {"boss": OK, "cy": OK, "tc": OK, "hd": 404},
    "manage": {"boss": OK, "cy": OK, "tc": 403, "hd": 404},
    "author": {"boss": 403, "cy": OK, "tc": 404, "hd": 404},
    "report": {"boss": OK, "cy": OK, "tc": 404, "hd": 404},
    "review": {"boss": OK, "cy": 403, "tc": 404, "hd": 404},
    "commission": {"boss": OK, "cy": 403, "tc": 403, "hd": 403},
    "district": {"boss": OK, "cy": OK, "tc": 403, "hd": OK},  # a district bureau's enterprises
}

# (endpoint name, method, url, kind, json body or None); `page` endpoints use the session, `api.*` a token.
ENDPOINTS = [
    # events
    ("events.manage", "GET", "/manage/events/{e}", "read", None),
    ("events.edit", "GET", "/manage/events/{e}/edit", "manage", None),
    ("events.publish", "POST", "/manage/events/{e}/publish", "manage", None),
    ("events.cancel", "POST", "/manage/events/{e}/cancel", "manage", None),
    ("api.events_update", "PATCH", "/api/v1/events/{e}", "manage", {"title": "新的标题"}),
    ("api.events_cancel", "POST", "/api/v1/events/{e}/cancel", "manage", None),
    # registrations and approval
    ("registrations.event_admin", "GET", "/manage/events/{e}/registrations", "read", None),
    ("registrations.approve", "POST", "/manage/registrations/{r}/approve", "manage", None),
    ("registrations.reject", "POST", "/manage/registrations/{r}/reject", "manage", None),
    ("api.event_registrations", "GET", "/api/v1/events/{e}/registrations", "read", None),
    ("api.get_registration", "GET", "/api/v1/registrations/{r}", "read", None),
    ("api.approve_registration", "POST", "/api/v1/registrations/{r}/approve", "manage", None),
    ("api.reject_registration", "POST", "/api/v1/registrations/{r}/reject", "manage", {"reason": "名额已满"}),
    # check-in console and attendance
    ("checkin.console", "GET", "/checkin/{e}", "manage", None),
    ("checkin.stats", "GET", "/checkin/{e}/stats", "manage", None),
    ("checkin.search", "GET", "/checkin/{e}/search?q=参训", "manage", None),
    ("checkin.presenter", "GET", "/checkin/{e}/presenter", "manage", None),
    ("checkin.manual", "POST", "/checkin/{e}/manual", "manage", {"registration_id": "{r}"}),
    ("checkin.attendance", "GET", "/manage/events/{e}/attendance", "read", None),
    ("api.event_checkins", "GET", "/api/v1/events/{e}/checkins", "read", None),
    # certificates
    ("certificates.event_admin", "GET", "/manage/events/{e}/certificates", "read", None),
    ("certificates.issue", "POST", "/manage/events/{e}/certificates/issue", "manage", None),
    ("api.issue_event_certificates", "POST", "/api/v1/events/{e}/certificates", "manage", None),
    ("api.list_event_certificates", "GET", "/api/v1/events/{e}/certificates", "read", None),
    ("certificates.event_zip", "GET", "/manage/events/{e}/certificates.zip", "read", None),
    ("api.event_certificates_zip", "GET", "/api/v1/events/{e}/certificates.zip", "read", None),
    # exports
    ("api.event_attendance_csv", "GET", "/api/v1/events/{e}/attendance.csv", "read", None),
    ("api.event_attendance_xlsx", "GET", "/api/v1/events/{e}/attendance.xlsx", "read", None),
    # invitations
    ("units.invitations", "GET", "/manage/events/{e}/invitations", "read", None),
    ("api.event_invitations", "GET", "/api/v1/events/{e}/invitations", "read", None),
    ("api.event_invitations_send", "POST", "/api/v1/events/{e}/invitations", "manage", {"organization_ids": ["{o}"]}),
    # campaigns (commission)
    ("campaigns.new", "GET", "/manage/campaigns/new", "commission", None),
    ("campaigns.edit", "GET", "/manage/campaigns/{c}/edit", "commission", None),
    ("api.campaigns_update", "PATCH", "/api/v1/campaigns/{c}", "commission", {"theme": "新主题"}),
    # units
    ("units.enterprises", "GET", "/manage/enterprises", "district", None),
    ("api.units_create", "POST", "/api/v1/units", "commission", {"name": "新单位{who}", "kind": "other"}),
    ("api.units_update", "PATCH", "/api/v1/units/{hd_unit}", "commission", {"district": "海淀区"}),
    # reports
    ("reports.edit", "GET", "/manage/reports/{c}/{cy_unit}", "report", None),
    ("api.campaign_report", "GET", "/api/v1/campaigns/{c}/reports/{cy_unit}", "report", None),
    ("api.campaign_report_save", "PUT", "/api/v1/campaigns/{c}/reports/{cy_unit}", "author", {"summary": "草稿"}),
    (
        "api.campaign_report_submit",
        "POST",
        "/api/v1/campaigns/{c}/reports/{cy_unit}/submit",
        "author",
        {"summary": "总结"},
    ),
    (
        "api.campaign_report_return",
        "POST",
        "/api/v1/campaigns/{c}/reports/{cy_unit}/return",
        "review",
        {"comment": "补充"},
    ),
    ("api.campaign_report_accept", "POST", "/api/v1/campaigns/{c}/reports/{cy_unit}/accept", "review", None),
    ("api.campaign_reports_xlsx", "GET", "/api/v1/campaigns/{c}/reports.xlsx", "commission", None),
    ("api.campaign_reports_zip", "GET", "/api/v1/campaigns/{c}/reports.zip", "commission", None),
    ("api.news_publish", "POST", "/api/v1/news/{n}/publish", "commission", None),
]


@pytest.fixture
def matrix(make):
    from trainhub.models import NewsItem

    chaoyang = make.unit(name="朝阳区市场监管局", kind="district_bureau", district="朝阳区")
    haidian = make.unit(name="海淀区市场监管局", kind="district_bureau", district="海淀区")
    tc = make.unit(name="某标准化技术委员会", kind="technical_committee", district="")
    campaign = make.campaign()
    campaign.reporting_units = [chaoyang, haidian, tc]
    event = make.event(host_unit=chaoyang, co_units=[tc], campaign_id=campaign.id, trainers=[make.trainer()])
    org = make.organization(district="朝阳区")
    registration = make.registration(event, org, status="pending")
    news = NewsItem(campaign_id=campaign.id, unit_id=chaoyang.id, title="动态", status="pending")
    db.session.add(news)
    db.session.commit()
    actors = {
        "boss": make.organizer(),
        "cy": make.organizer(unit=chaoyang),
        "hd": make.organizer(unit=haidian),
        "tc": make.organizer(unit=tc),
    }
    ids = {
        "e": event.id,
        "r": registration.id,
        "c": campaign.id,
        "o": org.id,
        "n": news.id,
        "cy_unit": chaoyang.id,
        "hd_unit": haidian.id,
    }
    return SimpleNamespace(actors=actors, ids=ids)


def _fill(value, ids, who):
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
            return ids[value[1:-1]]
        return value.format(who=who, **ids)
    if isinstance(value, list):
        return [_fill(v, ids, who) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids, who) for k, v in value.items()}
    return value


@pytest.mark.parametrize("endpoint, method, url, kind, body", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_scope(app, client, login, api, matrix, endpoint, method, url, kind, body):
    """Each actor in turn (those refused first, so the allowed ones act on untouched data)."""
    assert endpoint in app.view_functions, f"{endpoint} is not a route of the app: update ENDPOINTS"
    wrong = []
    order = ["anon"] + sorted(
        EXPECTED[kind], key=lambda who: (EXPECTED[kind][who] == OK, ["hd", "tc", "cy", "boss"].index(who))
    )
    for who in order:
        actor = matrix.actors.get(who)
        target = _fill(url, matrix.ids, who)
        payload = _fill(body, matrix.ids, who) if body is not None else None
        if endpoint.startswith("api."):
            response = getattr(api(actor), method.lower())(target, **({"json": payload} if payload is not None else {}))
            expected = 401 if actor is None else EXPECTED[kind][who]
        else:
            if actor is None:
                with client.session_transaction() as session:
                    session.clear()
            else:
                login(actor)
            response = client.open(target, method=method, data=payload or {})
            expected = 302 if actor is None else EXPECTED[kind][who]
            if actor is None and "/login" not in response.headers.get("Location", ""):
                wrong.append(f"anon: {method} {target} did not send to the login page")
        status = response.status_code
        response.get_data()
        response.close()  # streamed downloads hold their request context until closed
        if (expected == OK and (status in (401, 403, 404) or status >= 500)) or (expected != OK and status != expected):
            wrong.append(f"{who}: {method} {target} answered {status}, expected {expected}")
    assert not wrong, "\n".join(wrong)
