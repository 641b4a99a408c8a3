"""Reports, news and downloads over HTTP: status codes, JSON shape, XLSX and ZIP read back."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa
from jsonschema import Draft202012Validator
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.reports.conftest import PDF, PNG
from trainhub.extensions import db
from trainhub.models import NewsItem


def url(world, unit=None, suffix=""):
    base = f"/api/v1/campaigns/{world.campaign.id}/reports"
    return base + (f"/{unit.id}" if unit is not None else "") + suffix


def test_report_round_trip(api, world):
    cy = api(world.cy_org)
    r = cy.get(url(world, world.chaoyang))
    assert r.status_code == 200
    assert r.json["status"] == "not_started" and r.json["figures"]["events"] == 0
    assert r.json["unit"] == {"id": world.chaoyang.id, "name": "朝阳区市场监管局"}
    r = cy.put(url(world, world.chaoyang), json={"summary": "   ", "outcomes": ""})
    assert r.status_code == 200 and r.json["status"] == "draft"
    r = cy.post(url(world, world.chaoyang, "/submit"))
    assert r.status_code == 422 and r.json["error"]["fields"]["summary"]
    cy.put(url(world, world.chaoyang), json={"summary": "开展了三场宣贯会", "outcomes": "覆盖企业 30 家"})
    r = cy.post(url(world, world.chaoyang, "/submit"))
    assert r.status_code == 200 and r.json["status"] == "submitted" and r.json["submitted_at"].endswith("+08:00")
    r = cy.put(url(world, world.chaoyang), json={"summary": "改"})
    assert r.status_code == 409 and r.json["error"]["code"] == "report_locked"
    boss = api(world.boss)
    r = boss.post(url(world, world.chaoyang, "/return"), json={"comment": "请补充照片"})
    assert r.status_code == 200 and (r.json["status"], r.json["comment"]) == ("returned", "请补充照片")
    assert cy.post(url(world, world.chaoyang, "/submit")).json["status"] == "submitted"
    r = boss.post(url(world, world.chaoyang, "/accept"))
    assert r.status_code == 200 and r.json["status"] == "accepted"
    r = boss.get(url(world))
    assert [(i["unit"]["id"], i["status"]) for i in r.json["items"]] == [
        (world.chaoyang.id, "accepted"),
        (world.haidian.id, "not_started"),
        (world.tc.id, "not_started"),
    ]


@pytest.mark.parametrize(
    "who, method, suffix, expected",
    [
        ("hd_org", "get", "", 404),  # another unit's report
        ("hd_org", "put", "", 404),
        ("boss", "put", "", 403),  # the commission reviews, it does not write a unit's report
        ("cy_org", "post", "/accept", 403),  # commission-only actions
        ("cy_org", "post", "/return", 403),
        ("tc_org", "post", "/submit", 404),
        ("enterprise", "get", "", 403),
        ("trainer", "get", "", 403),
        (None, "get", "", 401),
    ],
)
def test_report_scope(api, make, world, who, method, suffix, expected):
    actor = (
        {"enterprise": make.member(), "trainer": make.trainer(), None: None}.get(who)
        if who in ("enterprise", "trainer", None)
        else getattr(world, who)
    )
    r = getattr(api(actor), method)(url(world, world.chaoyang, suffix), json={})
    assert r.status_code == expected
    assert r.json["error"]["code"]


def test_unit_outside_the_campaign_and_unknown_campaign_are_404(api, make, world):
    outsider = make.unit(name="西城区市场监管局", district="西城区")
    boss = api(world.boss)
    assert boss.get(url(world, outsider)).status_code == 404
    assert boss.get("/api/v1/campaigns/999999/reports").status_code == 404
    assert api(make.organizer(unit=outsider)).get(url(world)).json["items"] == []


def test_late_and_overdue_flags(api, world):
    world.campaign.report_due_at = world.due.replace(year=2020)
    db.session.commit()
    r = api(world.cy_org).get(url(world))
    assert r.json["items"][0]["overdue"] is True and r.json["items"][0]["late"] is False
    r = api(world.cy_org).post(url(world, world.chaoyang, "/submit"), json={"summary": "迟交"})
    assert (r.json["late"], r.json["overdue"]) == (True, False)


def test_attachments(api, world, app):
    cy = api(world.cy_org)
    r = cy.post(
        url(world, world.chaoyang, "/attachments"),
        data={"file": (io.BytesIO(PNG), "现场照片.png")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 201 and r.json["filename"] == "现场照片.png"
    assert cy.get(r.json["url"]).data == PNG
    assert api(world.boss).get(r.json["url"]).status_code == 200
    assert api(world.hd_org).get(r.json["url"]).status_code == 404
    r = cy.post(
        url(world, world.chaoyang, "/attachments"),
        data={"file": (io.BytesIO(b"#!/bin/sh"), "run.sh")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and r.json["error"]["fields"]["file"]
    assert "pdf" in r.json["error"]["fields"]["file"][0]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    r = cy.post(
        url(world, world.chaoyang, "/attachments"),
        data={"file": (io.BytesIO(PDF + b"0" * 4096), "big.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 413 and r.json["error"]["code"]
    assert len(cy.get(url(world, world.chaoyang)).json["attachments"]) == 1


def _submit_two(api, world):
    api(world.cy_org).post(
        url(world, world.chaoyang, "/attachments"),
        data={"file": (io.BytesIO(PDF), "纸质版.pdf")},
        content_type="multipart/form-data",
    )
    api(world.cy_org).post(url(world, world.chaoyang, "/submit"), json={"summary": "朝阳区开展标准化宣贯活动三场"})
    api(world.hd_org).put(url(world, world.haidian), json={"summary": "草稿"})
    api(world.tc_org).post(url(world, world.tc, "/submit"), json={"summary": "技术委员会组织标准解读"})
    api(world.boss).post(url(world, world.tc, "/accept"))


def test_reports_xlsx(api, make, world):
    make.registration(make.event(host_unit=world.chaoyang, campaign_id=world.campaign.id))
    _submit_two(api, world)
    assert api(world.cy_org).get(url(world, suffix=".xlsx")).status_code == 403
    r = api(world.boss).get(url(world, suffix=".xlsx"))
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("单位", "状态")
    assert [(row[0], row[1]) for row in rows[1:]] == [
        ("朝阳区市场监管局", "已提交"),
        ("海淀区市场监管局", "草稿"),
        ("全国某标准化技术委员会", "已通过"),
    ]
    assert rows[1][6:] == (1, 1, 1, 0, 0)  # events, enterprises, registered, checked in, certificates
    assert rows[2][6:] == (0, 0, 0, 0, 0)  # zeros are written as 0, not blanks
    en = list(
        load_workbook(io.BytesIO(api(world.boss, lang="en").get(url(world, suffix=".xlsx")).data)).active.iter_rows(
            values_only=True
        )
    )
    assert en[0][:2] == ("Unit", "Status") and en[1][1] == "Submitted"


def test_reports_zip_holds_submitted_and_accepted_pdfs_with_attachments(api, world):
    _submit_two(api, world)
    assert api(world.hd_org).get(url(world, suffix=".zip")).status_code == 403
    r = api(world.boss).get(url(world, suffix=".zip"))
    assert r.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(r.data))
    names = archive.namelist()
    pdfs = [n for n in names if n.endswith(".pdf") and "/attachments/" not in n]
    assert len(pdfs) == 2 and not any("海淀" in n for n in names)
    assert any(n.endswith("/attachments/1-纸质版.pdf") for n in names)
    chaoyang_pdf = next(n for n in pdfs if "朝阳" in n)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read(chaoyang_pdf))).pages)
    for expected in ("朝阳区市场监管局", "朝阳区开展标准化宣贯活动三场", "活动场次", "签到人数"):
        assert expected in text


def test_news_posted_published_and_listed_newest_first(api, make, world):
    cy, boss = api(world.cy_org), api(world.boss)
    news_url = f"/api/v1/campaigns/{world.campaign.id}/news"
    r = cy.post(news_url, json={"title": "朝阳区走进企业", "body": "宣贯标准化法"})
    assert r.status_code == 201 and r.json["status"] == "pending" and r.json["published_at"] is None
    first = r.json["id"]
    r = cy.post(
        news_url,
        data={"title": "第二条", "body": "配图", "photo": (io.BytesIO(PNG), "p.png")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 201 and r.json["photo_url"]
    second, photo_url = r.json["id"], r.json["photo_url"]
    assert api().get(news_url).json["items"] == []
    assert api().get(photo_url).status_code == 404
    assert cy.post(f"/api/v1/news/{first}/publish").status_code == 403
    assert boss.post(f"/api/v1/news/{first}/publish").json["status"] == "published"
    assert boss.post(f"/api/v1/news/{second}/publish").status_code == 200
    r = boss.post(news_url, json={"title": "委员会通报", "body": ""})
    assert r.json["status"] == "published"
    titles = [i["title"] for i in api().get(news_url).json["items"]]
    assert titles == ["委员会通报", "第二条", "朝阳区走进企业"]
    assert api().get(photo_url).data == PNG
    outsider = make.organizer(unit=make.unit(name="西城区局", district="西城区"))
    assert api(outsider).post(news_url, json={"title": "x"}).status_code == 403
    assert cy.post(news_url, json={"title": " "}).status_code == 422
    assert api(make.member()).post(news_url, json={"title": "x"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NewsItem)) == 3
    # the list (with and without a photo) is what the document declares
    spec = api().get("/api/v1/openapi.json").json
    answer = spec["paths"]["/api/v1/campaigns/{campaign_id}/news"]["get"]["responses"]["200"]
    validator = Draft202012Validator(
        {**answer["content"]["application/json"]["schema"], "components": spec["components"]}
    )
    assert [e.message for e in validator.iter_errors(api().get(news_url).json)] == []


def test_downloads_are_audited(api, world):
    from trainhub.models import AuditLog

    api(world.boss).get(url(world, suffix=".xlsx"))
    api(world.boss).get(url(world, suffix=".zip"))
    api(world.cy_org).get(url(world, suffix=".zip"))  # refused: not logged
    rows = db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id)).all()
    assert [(r.action, r.actor_id, r.object_id) for r in rows] == [
        ("reports.xlsx", world.boss.id, world.campaign.id),
        ("reports.zip", world.boss.id, world.campaign.id),
    ]


def test_campaign_page_shows_published_news_newest_first(api, client, world):
    news_url = f"/api/v1/campaigns/{world.campaign.id}/news"
    first = api(world.cy_org).post(news_url, json={"title": "朝阳区走进园区", "body": "宣讲"}).json["id"]
    api(world.hd_org).post(news_url, json={"title": "海淀区待发布", "body": ""})
    api(world.boss).post(f"/api/v1/news/{first}/publish")
    api(world.boss).post(news_url, json={"title": "委员会通报", "body": ""})
    page = client.get(f"/campaigns/{world.campaign.id}").text
    assert "海淀区待发布" not in page
    assert page.index("委员会通报") < page.index("朝阳区走进园区")


def test_removed_attachment_leaves_the_disk(api, world):
    from trainhub.uploads import upload_dir

    cy = api(world.cy_org)
    r = cy.post(
        url(world, world.chaoyang, "/attachments"),
        data={"file": (io.BytesIO(PNG), "a.png")},
        content_type="multipart/form-data",
    )
    assert len(list(upload_dir().iterdir())) == 1
    assert cy.delete(r.json["url"]).json["attachments"] == []
    assert list(upload_dir().iterdir()) == []
    cy.post(url(world, world.chaoyang, "/submit"), json={"summary": "x"})
    r = cy.post(
        url(world, world.chaoyang, "/attachments"),
        data={"file": (io.BytesIO(PNG), "b.png")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 409 and r.json["error"]["code"] == "report_locked"
    assert list(upload_dir().iterdir()) == []


def test_news_of_a_draft_campaign_is_not_public(api, make, world):
    draft = make.campaign(status="draft")
    assert api().get(f"/api/v1/campaigns/{draft.id}/news").status_code == 404
    assert api(world.boss).get(f"/api/v1/campaigns/{draft.id}/news").status_code == 200
    assert api().get("/api/v1/campaigns/999999/news").status_code == 404


def test_messages_in_the_requests_language(api, world):
    cy = api(world.cy_org, lang="en")
    r = cy.post(url(world, world.chaoyang, "/submit"), json={"summary": " "})
    assert r.json["error"]["fields"]["summary"] == ["Please write the summary before submitting."]
    cy.post(url(world, world.chaoyang, "/submit"), json={"summary": "done"})
    r = cy.put(url(world, world.chaoyang), json={"summary": "again"})
    assert r.json["error"]["message"] == "The report has been submitted and can no longer be changed."
    r = api(world.cy_org, lang="en").post(url(world, world.chaoyang, "/accept"))
    assert r.json["error"]["message"] == "Only the commission may review reports."


def test_report_fields_are_checked_by_the_schema(api, world):
    cy = api(world.cy_org)
    long = cy.put(url(world, world.chaoyang), json={"summary": "长" * 20001})
    assert long.status_code == 422 and long.json["error"]["fields"]["summary"]
    assert cy.put(url(world, world.chaoyang), json={"outcomes": ["not", "text"]}).json["error"]["fields"]["outcomes"]
    missing = cy.post(url(world, world.chaoyang, "/attachments"), data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and missing.json["error"]["fields"]["file"]
    assert cy.post(url(world, world.chaoyang, "/submit"), json={"summary": "总结"}).status_code == 200
    boss = api(world.boss)
    assert boss.post(url(world, world.chaoyang, "/return"), json={"comment": 5}).json["error"]["fields"]["comment"]
    assert boss.post(url(world, world.chaoyang, "/return")).json["status"] == "returned"  # the comment is optional
