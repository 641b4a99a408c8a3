"""Every redirect to a `next` parameter stays on this site (one helper: security.safe_next), whatever
trick the value uses; none answers 500."""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit

import pytest

from trainhub.security import safe_next

SITE = "http://localhost/"

# Known open-redirect bypasses: each leads a browser to another host, or runs script, if followed as is.
BYPASSES = [
    "//evil.example",
    "///evil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "\\/evil.example",
    "https://evil.example",
    "https:evil.example",
    "http:/evil.example",
    "//evil.example/%2F..",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%5Cevil.example",
    "/%5C/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " /\t/evil.example",
    "\t//evil.example",
    "/\x00/evil.example",
    "//evil.example@trainhub",
    "/events\r\nSet-Cookie: x=1",
    "data:text/html,evil",
    "／／evil.example",
    "/\u3000/evil.example",
    "/\u200b/evil.example",
    "/\u202e/evil.example",
    "evil.example",
]


def browser_target(location: str) -> str:
    """Where a browser goes for this Location: it drops tabs/newlines and reads backslashes as slashes."""
    cleaned = re.sub(r"[\t\r\n]", "", location).strip("\x00 ").replace("\\", "/")
    return urljoin(SITE + "lang/en", cleaned)


def assert_stays_here(response, sent=None):
    if response.status_code == 422:  # refused where input enters (a NUL: trainhub.inputs), no redirect at all
        assert "Location" not in response.headers, sent
        return
    assert response.status_code in (302, 303), (sent, response.status_code)
    target = browser_target(response.headers["Location"])
    assert urlsplit(target).netloc == "localhost" and urlsplit(target).scheme == "http", (
        sent,
        response.headers["Location"],
    )
    assert "evil" not in target, sent


@pytest.mark.parametrize("target", BYPASSES)
def test_safe_next_refuses_every_known_bypass(target):
    assert safe_next(target) is None


@pytest.mark.parametrize(
    "target",
    [
        "/events",
        "/events?q=%E5%9B%A2%E4%BD%93&page=2",
        "/profile#tokens",
        "/lang/en?next=/events",
        "/campaigns/1/attachments/2/通知.pdf",
    ],
)
def test_safe_next_keeps_local_paths(target):
    assert safe_next(target) == target


def test_language_switch_never_leaves_the_site(client):
    for target in BYPASSES:  # one app for the whole list: a failure names its target
        assert_stays_here(client.get("/lang/en?next=" + quote(target, safe="")), target)


def test_language_switch_follows_a_local_next(client):
    response = client.get("/lang/en?next=" + quote("/events?q=a", safe=""))
    assert response.status_code == 302 and response.headers["Location"] == "/events?q=a"


def test_login_never_leaves_the_site(client, make, login):
    make.trainer(email="t@example.cn")
    for target in BYPASSES:
        with client.session_transaction() as session:
            session.clear()
        assert_stays_here(
            client.post("/login", data={"email": "t@example.cn", "password": "secret-pass-123", "next": target}), target
        )
        assert_stays_here(client.get("/login?next=" + quote(target, safe="")), target)  # signed in now


@pytest.mark.parametrize("target", ["//evil.example", "/%09/evil.example", "/\\evil.example"])
def test_cancelling_a_registration_never_leaves_the_site(client, make, login, target):
    member = login(make.member())
    registration = make.registration(make.event(), member.organization)
    assert_stays_here(client.post(f"/registrations/{registration.id}/cancel", data={"next": target}))
