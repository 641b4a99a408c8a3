"""Campaigns (专题活动): API, pages, attachments and the upload checks."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa
from jsonschema import Draft202012Validator

from tests.factories import local
from trainhub.extensions import db
from trainhub.models import CampaignAttachment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(api_caller, campaign_id, data: bytes, name: str):
    return api_caller.post(
        f"/api/v1/campaigns/{campaign_id}/attachments",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def campaign_body(**overrides):
    data = {
        "title": "2021年世界标准日系列活动",
        "theme": "标准促进可持续发展",
        "description": "请各单位组织活动",
        "starts_on": "2021-10-01",
        "ends_on": "2021-10-31",
        "status": "published",
        "report_due_at": "2021-10-27T17:00",
    }
    data.update(overrides)
    return data


def test_commission_creates_and_edits_a_campaign(api, make):
    unit = make.unit(name="朝阳区市场监督管理局")
    caller = api(make.organizer())
    response = caller.post("/api/v1/campaigns", json=campaign_body(reporting_unit_ids=[unit.id]))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["reporting_units"] == [{"id": unit.id, "name": "朝阳区市场监督管理局"}]
    assert data["report_due_at"] == "2021-10-27T17:00:00+08:00"
    assert data["events"] == [] and data["attachments"] == []
    response = caller.patch(
        f"/api/v1/campaigns/{data['id']}", json={"report_due_at": "2020-01-01T00:00", "reporting_unit_ids": []}
    )
    assert response.status_code == 200
    assert (
        response.get_json()["report_due_at"].startswith("2020-01-01") and response.get_json()["reporting_units"] == []
    )


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"title": ""}, "title"),
        ({"starts_on": "tomorrow"}, "starts_on"),
        ({"ends_on": "2021-09-30"}, "ends_on"),
        ({"status": "archived"}, "status"),
        ({"report_due_at": "soon"}, "report_due_at"),
        ({"reporting_unit_ids": [999]}, "reporting_unit_ids"),
        ({"reporting_unit_ids": "1"}, "reporting_unit_ids"),
    ],
)
def test_invalid_campaign_fields(api, make, overrides, field):
    response = api(make.organizer()).post("/api/v1/campaigns", json=campaign_body(**overrides))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_only_the_commission_manages_campaigns(api, make):
    campaign = make.campaign()
    bureau = make.organizer(unit=make.unit())
    assert api(bureau).post("/api/v1/campaigns", json=campaign_body()).status_code == 403
    assert api(bureau).patch(f"/api/v1/campaigns/{campaign.id}", json={"title": "x"}).status_code == 403
    assert upload(api(bureau), campaign.id, PDF, "a.pdf").status_code == 403
    assert api(make.member()).post("/api/v1/campaigns", json=campaign_body()).status_code == 403
    assert api(None).post("/api/v1/campaigns", json=campaign_body()).status_code == 401


def test_public_list_and_detail_with_events(api, make):
    campaign = make.campaign(title="世界标准日")
    draft = make.campaign(title="筹备中", status="draft")
    make.event(title="研讨会", campaign_id=campaign.id, starts_at=local(2030, 10, 14))
    make.event(title="草稿活动", campaign_id=campaign.id, status="draft")
    listing = api(None).get("/api/v1/campaigns").get_json()
    assert [c["title"] for c in listing["items"]] == ["世界标准日"] and listing["total"] == 1
    detail = api(None).get(f"/api/v1/campaigns/{campaign.id}").get_json()
    assert [e["title"] for e in detail["events"]] == ["研讨会"]
    assert "seats_left" in detail["events"][0]
    assert api(None).get(f"/api/v1/campaigns/{draft.id}").status_code == 404
    assert api(make.organizer()).get(f"/api/v1/campaigns/{draft.id}").status_code == 200
    assert api(None).get("/api/v1/campaigns/9999").status_code == 404


def test_attachment_upload_and_download(api, make, client):
    campaign = make.campaign()
    response = upload(api(make.organizer()), campaign.id, PDF, "世界标准日通知.pdf")
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert set(data) == {"id", "filename", "size", "content_type", "url"}
    assert data["filename"] == "世界标准日通知.pdf" and data["size"] == len(PDF)
    assert data["content_type"] == "application/pdf"
    assert data["url"].startswith("http://trainhub.test/campaigns/")
    download = client.get(data["url"].removeprefix("http://trainhub.test"))
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert upload(api(make.organizer()), campaign.id, docx_bytes(), "议程.docx").status_code == 201
    detail = api(None).get(f"/api/v1/campaigns/{campaign.id}").get_json()
    assert [a["filename"] for a in detail["attachments"]] == ["世界标准日通知.pdf", "议程.docx"]
    # documented: the upload is multipart/form-data with a binary `file`; the answers validate
    spec = client.get("/api/v1/openapi.json").get_json()
    operations = spec["paths"]["/api/v1/campaigns/{campaign_id}/attachments"]["post"]
    upload_ref = operations["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    upload_schema = spec["components"]["schemas"][upload_ref.rsplit("/", 1)[1]]
    assert upload_schema["properties"]["file"] == {"type": "string", "format": "binary"}
    assert upload_schema["required"] == ["file"]
    for answer, schema in (
        (data, operations["responses"]["201"]),
        (detail, spec["paths"]["/api/v1/campaigns/{campaign_id}"]["get"]["responses"]["200"]),
    ):
        validator = Draft202012Validator(
            {**schema["content"]["application/json"]["schema"], "components": spec["components"]}
        )
        assert [e.message for e in validator.iter_errors(answer)] == []


@pytest.mark.parametrize(
    "data, name",
    [
        (b"MZ\x90\x00 evil", "virus.exe"),  # wrong extension
        (b"MZ\x90\x00 evil", "poster.pdf"),  # right extension, wrong content
        (PNG, "poster.jpg"),  # an image, but not the one the name says
        (PDF, "notes.docx"),
        (b"", "empty.pdf"),
    ],
)
def test_wrong_types_are_422(api, make, data, name):
    campaign = make.campaign()
    response = upload(api(make.organizer()), campaign.id, data, name)
    assert response.status_code == 422
    assert "file" in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignAttachment)) == 0


def test_missing_file_is_422(api, make):
    campaign = make.campaign()
    response = api(make.organizer()).post(
        f"/api/v1/campaigns/{campaign.id}/attachments", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422


@pytest.mark.parametrize("app", [{"MAX_UPLOAD_MB": 1}], indirect=True)
def test_too_large_is_413(api, make, app, tmp_path):
    campaign = make.campaign()
    big = PDF + b"0" * (1024 * 1024 + 10)
    response = upload(api(make.organizer()), campaign.id, big, "big.pdf")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "file_too_large"
    assert upload(api(make.organizer()), campaign.id, PDF + b"0" * 1000, "small.pdf").status_code == 201
    stored = list((tmp_path / "uploads").iterdir())
    assert len(stored) == 1  # the refused file left nothing behind


def test_store_upload_refuses_too_large_by_itself(app):
    from werkzeug.datastructures import FileStorage

    from trainhub.errors import DomainError
    from trainhub.uploads import store_upload

    with pytest.raises(DomainError) as excinfo:
        store_upload(FileStorage(io.BytesIO(PDF * 100), "a.pdf"), allowed={"pdf"}, max_bytes=100)
    assert excinfo.value.status == 413 and excinfo.value.code == "file_too_large"
    result = store_upload(FileStorage(io.BytesIO(PNG), "../../etc/照片.PNG"), allowed={"png"}, max_bytes=1000)
    assert result["filename"] == "照片.PNG" and result["content_type"] == "image/png"
    assert result["stored_name"].endswith(".png") and "/" not in result["stored_name"]


def test_campaign_pages(client, make, login):
    campaign = make.campaign(title="世界标准日", description="请各单位于10月27日前报送总结")
    make.event(title="标准化研讨会", campaign_id=campaign.id)
    listing = client.get("/campaigns").get_data(as_text=True)
    assert "世界标准日" in listing
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "请各单位于10月27日前报送总结" in html and "标准化研讨会" in html
    assert "上传附件" not in html
    draft = make.campaign(status="draft")
    assert client.get(f"/campaigns/{draft.id}").status_code == 404
    login(make.organizer())
    assert "上传附件" in client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)


def test_commission_pages_create_edit_upload(client, make, login):
    login(make.organizer())
    response = client.post(
        "/manage/campaigns/new",
        data={
            "title": "质量月",
            "theme": "质量强国",
            "description": "",
            "starts_on": "2030-09-01",
            "ends_on": "2030-09-30",
            "report_due_at": "",
            "status": "published",
        },
    )
    assert response.status_code == 302
    campaign_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    response = client.post(
        f"/manage/campaigns/{campaign_id}/edit",
        data={"title": "质量月", "starts_on": "2030-09-30", "ends_on": "2030-09-01", "status": "published"},
    )
    assert response.status_code == 422 and "结束日期不能早于开始日期" in response.get_data(as_text=True)
    response = client.post(
        f"/manage/campaigns/{campaign_id}/attachments",
        data={"file": (io.BytesIO(PNG), "海报.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    html = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "海报.png" in html


def test_bureau_may_not_open_commission_pages(client, make, login):
    campaign = make.campaign()
    login(make.organizer(unit=make.unit()))
    assert client.get("/manage/campaigns/new").status_code == 403
    assert client.get(f"/manage/campaigns/{campaign.id}/edit").status_code == 403
