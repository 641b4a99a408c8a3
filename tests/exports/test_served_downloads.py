"""Downloads through a real gunicorn, against a database seeded with real rows (events, registrations,
check-ins, issued certificates): each certificate ZIP and the attendance CSV over HTTP, a stream that
fails midway (cut off, logged), one that fails before its first byte (the app's own 500 page).

One server per database for the whole module (starting one costs a second or two).
"""

from __future__ import annotations

import csv
import io
import json
import socket
import time
import zipfile
from datetime import timedelta
from types import SimpleNamespace

import pytest
import requests
import sqlalchemy as sa

from tests import conftest
from tests.exports._served_app import FAULT
from tests.factories import Factory, local
from tests.served import Gunicorn
from trainhub import create_app
from trainhub.certificates.services import issue_certificates
from trainhub.db import autocommit_engine
from trainhub.extensions import db
from trainhub.models import Registration, Unit

START = local(2021, 10, 14, 9)
ISSUED_AT = START + timedelta(days=1)


def _seed(make: Factory) -> SimpleNamespace:
    """Event `held`: 5 attendees of two enterprises checked in and out, certified (A holds 3, B 2), and one
    who never came. `midway`: 600 registrations, the last one's CSV row cannot be rendered. `midway_zip`: 2
    certificates, the second unrenderable. `at_once`: its only certificate is unrenderable. `bare`: nobody
    certified."""
    organizer = make.organizer(email="organizer@served.test")
    english = make.organizer(email="english@served.test", locale="en")
    org_a, org_b, org_c = (
        make.organization(name=name) for name in ("甲精密制造有限公司", "乙标准化服务公司", "丙公司")
    )
    member_a, member_none = make.member(org_a), make.member(make.organization(name="丁公司"))

    def event(title):
        return make.event(
            title=title,
            starts_at=START,
            hours=3,
            registration_opens_at=START - timedelta(days=9),
            certificate_min_minutes=60,
        )

    def came(event, organization, name):
        registration = make.registration(event, organization, name=name)
        registration.checked_in_at = START - timedelta(minutes=5)
        registration.checked_out_at = START + timedelta(minutes=170)
        return registration

    held, bare = event("标准化法规解读"), event("无人获证")
    midway, midway_zip, at_once = event("中途失败"), event("证书中途失败"), event("开头失败")
    for name in ("张伟", "李娜", "王强"):
        came(held, org_a, name)
    for name in ("赵敏", "钱多"):
        came(held, org_b, name)
    make.registration(held, org_b, name="孙未到")
    came(midway, org_c, "周正常")
    came(midway_zip, org_c, "吴正常")
    came(midway_zip, org_c, FAULT)
    came(at_once, org_c, FAULT)
    db.session.execute(
        sa.insert(Registration),
        [
            {
                "event_id": midway.id,
                "organization_id": org_c.id,
                "name": f"参训人{n:03d}",
                "phone": f"1370000{n:04d}",
                "status": "pending",
            }
            for n in range(597)
        ]
        + [
            {
                "event_id": midway.id,
                "organization_id": org_c.id,
                "name": FAULT,
                "phone": "13799999999",
                "status": "pending",
            }
        ],
    )
    db.session.commit()
    for each in (held, midway_zip, at_once):
        assert issue_certificates(each, actor=organizer, now=ISSUED_AT)["issued"] > 0

    def cookie(user):
        client = make.app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return {"session": client.get_cookie("session").value}

    def bearer(user):
        return {"Authorization": f"Bearer {make.token(user)}"}

    return SimpleNamespace(
        held=held.id,
        midway=midway.id,
        midway_zip=midway_zip.id,
        at_once=at_once.id,
        bare=bare.id,
        held_rows=6,
        organizer=cookie(organizer),
        english=cookie(english),
        member_a=cookie(member_a),
        member_none=cookie(member_none),
        organizer_api=bearer(organizer),
        member_a_api=bearer(member_a),
    )


def _fresh_schema(url: str) -> None:
    if url.startswith("postgresql"):
        db.drop_all()
        conftest._pg_schema_ready = False  # the suite's `app` fixture recreates its schema after us
    db.create_all()
    db.session.add(Unit(name="市市场监督管理委员会", kind="commission", district=""))
    db.session.commit()


@pytest.fixture(autouse=True)
def _request_context():
    """This module's tests talk to the server only: no `app` (and its request context) of their own."""
    yield


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request, tmp_path_factory):
    """gunicorn on a free port (its socket bound here and handed over), serving a seeded database."""
    tmp = tmp_path_factory.mktemp(f"served-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'served.sqlite3'}"
    elif conftest.POSTGRES_URL:
        url = conftest.POSTGRES_URL
    else:
        pytest.skip("PostgreSQL run skipped: TRAINHUB_TEST_POSTGRES_URL is not set")
    config = {**conftest._test_config(url, tmp), "TESTING": False}
    app = create_app(config)
    with app.app_context(), app.test_request_context("/"):
        _fresh_schema(url)
        env = {"TRAINHUB_TEST_SERVED_CONFIG": json.dumps(config)}
        with Gunicorn("tests.exports._served_app:served_app()", log=tmp / "gunicorn.log", env=env) as server:
            # it boots while the rows are written
            seeded = _seed(Factory(app))
            db.session.remove()
            for engine in (db.engine, autocommit_engine()):
                if engine is not None:
                    engine.dispose()
            server.wait_until_up()
            yield SimpleNamespace(base=server.base, log=server.log, **vars(seeded))


def get(served, path, *, cookies=None, headers=None, **kw):
    return requests.get(served.base + path, cookies=cookies, headers=headers, allow_redirects=False, timeout=60, **kw)


def pdf_names(response) -> list[str]:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    for name in names:
        assert name.endswith(".pdf") and archive.read(name).startswith(b"%PDF-")
    return names


def test_every_certificate_zip_holds_one_pdf_per_certificate(served):
    """The event's (organizer page and API) and the enterprise's own (page and API)."""
    event_page = pdf_names(get(served, f"/manage/events/{served.held}/certificates.zip", cookies=served.organizer))
    event_api = pdf_names(get(served, f"/api/v1/events/{served.held}/certificates.zip", headers=served.organizer_api))
    assert len(event_page) == 5 and sorted(event_api) == sorted(event_page)
    assert {name.split("-", 3)[-1] for name in event_page} == {
        f"{n}.pdf" for n in ("张伟", "李娜", "王强", "赵敏", "钱多")
    }
    own_page = pdf_names(get(served, "/my/certificates.zip", cookies=served.member_a))
    own_api = pdf_names(get(served, "/api/v1/certificates.zip", headers=served.member_a_api))
    assert sorted(own_page) == sorted(own_api) and len(own_page) == 3
    assert {name.split("-", 3)[-1] for name in own_page} == {"张伟.pdf", "李娜.pdf", "王强.pdf"}


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_attendance_csv_from_the_export_page_and_the_api_has_one_row_per_registration(served):
    page = read_csv(
        get(served, f"/manage/exports/attendance?event_id={served.held}&format=csv", cookies=served.organizer)
    )
    assert page[0][:3] == ["活动", "活动日期", "企业"] and len(page) == 1 + served.held_rows
    by_name = {row[6]: row for row in page[1:]}
    assert by_name["张伟"][10] == "已确认" and by_name["张伟"][14] == "170" and by_name["张伟"][15].startswith("TH-")
    assert by_name["孙未到"][12] == ""
    english = read_csv(
        get(served, f"/manage/exports/attendance?event_id={served.held}&format=csv", cookies=served.english)
    )
    assert english[0][:2] == ["Event", "Event date"] and english[1][10] == "Confirmed"
    api = read_csv(get(served, f"/api/v1/events/{served.held}/attendance.csv", headers=served.organizer_api))
    assert api == page


def test_with_nothing_to_zip_the_page_says_so(served):
    response = get(served, f"/manage/events/{served.bare}/certificates.zip", cookies=served.organizer)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/manage/events/{served.bare}/certificates"
    )
    cookies = {**served.organizer, **response.cookies.get_dict()}
    assert "该活动还没有可下载的参训证明" in get(served, response.headers["Location"], cookies=cookies).text
    response = get(served, "/my/certificates.zip", cookies=served.member_none)
    assert response.status_code == 302 and response.headers["Location"].endswith("/my/certificates")
    cookies = {**served.member_none, **response.cookies.get_dict()}
    assert "暂无可下载的参训证明" in get(served, "/my/certificates", cookies=cookies).text


def _log_since(served, offset: int) -> str:
    deadline = time.monotonic() + 5
    while True:  # the worker writes its log line as it closes the connection: it may trail the client
        text = served.log.read_text(errors="replace")[offset:]
        if "Traceback" in text or time.monotonic() > deadline:
            return text
        time.sleep(0.05)


@pytest.mark.parametrize(
    "path, auth",
    [
        ("/manage/exports/attendance?event_id={midway}&format=csv", "organizer"),
        ("/api/v1/events/{midway_zip}/certificates.zip", "organizer_api"),
    ],
)
def test_a_stream_failing_after_its_first_bytes_is_cut_off_and_logged(served, path, auth):
    offset = len(served.log.read_text(errors="replace"))
    credentials = getattr(served, auth)
    kw = {"headers": credentials} if auth.endswith("_api") else {"cookies": credentials}
    response = get(served, path.format(midway=served.midway, midway_zip=served.midway_zip), stream=True, **kw)
    assert response.status_code == 200  # the first bytes were on their way when the fault came
    received = b""
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for chunk in response.iter_content(64 * 1024):
            received += chunk
    if path.endswith(".zip"):
        assert not zipfile.is_zipfile(io.BytesIO(received))
    logged = _log_since(served, offset)
    assert "Traceback (most recent call last)" in logged and "injected fault" in logged
    assert "streamed download" in logged and "failed after" in logged


def test_an_http10_client_without_chunked_framing_sees_a_reset_not_an_end(served):
    """Without chunks a plain close would read as a whole file (nginx speaks HTTP/1.0 upstream by default)."""
    port = int(served.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(
            f"GET /manage/exports/attendance?event_id={served.midway}&format=csv HTTP/1.0\r\n"
            f"Host: 127.0.0.1\r\nCookie: session={served.organizer['session']}\r\n\r\n".encode()
        )
        with pytest.raises(ConnectionResetError):  # a clean end (recv → b"") would pass for a whole file
            while conn.recv(65536):
                pass


@pytest.mark.parametrize(
    "who, expected",
    [
        ("organizer", "服务器内部错误，请稍后重试。"),
        ("english", "Internal server error. Please try again later."),
    ],
)
def test_a_failure_before_the_first_byte_is_the_apps_own_500_page_in_the_users_language(served, who, expected):
    response = get(served, f"/manage/events/{served.at_once}/certificates.zip", cookies=getattr(served, who))
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.text
    assert expected in page
    assert 'class="navbar' in page and "/manage/exports" in page  # the app's page, with its navigation
    api = get(served, f"/api/v1/events/{served.at_once}/certificates.zip", headers=served.organizer_api)
    assert api.status_code == 500 and api.json()["error"]["code"] == "internal_error"
