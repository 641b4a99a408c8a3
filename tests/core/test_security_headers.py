"""Security headers on every answer (trainhub/security_headers.py), and templates that need no inline
script or style under the Content-Security-Policy."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from trainhub import create_app
from trainhub.security_headers import UPLOADED_FILE_ENDPOINTS

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def csp_directives(response) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy", "")
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def test_every_html_page_has_a_policy_without_inline_script(client, make):
    make.event(title="标准化云课堂：团体标准")
    for url in ("/events", "/login", "/signup", "/no-such-page"):
        response = client.get(url)
        assert response.mimetype == "text/html", url
        policy = csp_directives(response)
        assert policy["script-src"] == "script-src 'self'", url
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
        assert policy["frame-ancestors"] == "frame-ancestors 'none'" and policy["object-src"] == "object-src 'none'"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_json_and_static_answers_are_not_sniffed(client):
    for url in ("/healthz", "/api/v1/events", "/static/css/app.css", "/static/js/app.js"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["Referrer-Policy"] == "same-origin", url


def test_anonymous_catalogue_may_be_cached_a_signed_in_page_may_not(client, make, login):
    assert "no-store" not in client.get("/events").headers.get("Cache-Control", "")
    login(make.trainer())
    for url in ("/events", "/profile"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "private, no-store", url
        assert {"Cookie", "Authorization"} <= set(response.vary), url


def test_an_answer_to_a_bearer_token_is_never_stored(api, make):
    response = api(make.trainer()).get("/api/v1/events")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Authorization" in response.vary


def test_ticket_and_verification_pages_are_not_indexed_or_stored(client, make):
    registration = make.registration(make.event())
    for url in (f"/t/{registration.ticket_token}", "/verify/TH-2021-000001"):
        response = client.get(url)
        assert response.headers["X-Robots-Tag"].startswith("noindex"), url
        assert response.headers["Cache-Control"] == "private, no-store", url
    assert "X-Robots-Tag" not in client.get("/events").headers


def test_an_uploaded_file_is_a_sandboxed_download_even_a_pdf(api, make, client):
    campaign = make.campaign()
    created = (
        api(make.organizer())
        .post(
            f"/api/v1/campaigns/{campaign.id}/attachments",
            data={"file": (io.BytesIO(PDF), "通知.pdf")},
            content_type="multipart/form-data",
        )
        .get_json()
    )
    download = client.get(created["url"].removeprefix("http://trainhub.test"))
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename" in download.headers["Content-Disposition"]
    assert download.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_the_uploaded_file_endpoints_exist(app):
    assert set(app.view_functions) >= UPLOADED_FILE_ENDPOINTS


def test_production_sends_hsts(tmp_path):
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "k" * 32,
            "BASE_URL": "https://trainhub.example",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        }
    )
    response = app.test_client().get("/healthz", base_url="https://trainhub.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert (
        "Strict-Transport-Security"
        not in create_app(
            {
                "ENV_NAME": "testing",
                "SECRET_KEY": "k",
                "DATABASE_URL": f"sqlite:///{tmp_path / 't.sqlite3'}",
            }
        )
        .test_client()
        .get("/healthz")
        .headers
    )


# -- templates: nothing the policy would block ---------------------------------------------------------

PAGE_TEMPLATES = [
    p for p in sorted((ROOT / "templates").rglob("*.html")) if "notifications/email" not in p.as_posix()
]  # e-mails need inline style; never served
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style", re.I)


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda p: p.relative_to(ROOT / "templates").as_posix())
def test_templates_have_no_inline_script_handler_or_style(template):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it into static/js/"
    assert not EVENT_HANDLER.search(text), "inline event handler: bind it in static/js/"
    assert not INLINE_STYLE.search(text), "inline style: use a class of static/css/app.css"
    assert "javascript:" not in text.lower()
