"""Every page a person can reach by following links answers without a server error, for each role,
on the demo data (and in both languages)."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest
import sqlalchemy as sa

from trainhub.extensions import db
from trainhub.models import User

LINK = re.compile(r'href="([^"#]+)"')
SKIP = re.compile(r"/(logout|lang/)|\.(zip|pdf|xlsx|csv|ics|png|svg)(\?|$)|^/static/")


def crawl(client, start="/", limit=150):
    seen, queue, failures = {start}, deque([start]), []
    while queue and len(seen) <= limit:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code >= 500:
            failures.append((url, response.status_code))
        if response.status_code in (301, 302, 303) and response.location:
            hrefs = [response.location]
        elif response.status_code == 200 and "text/html" in response.content_type:
            hrefs = LINK.findall(response.get_data(as_text=True))
        else:
            continue
        for href in hrefs:
            target = urljoin(url, href.replace("&amp;", "&"))
            parsed = urlparse(target)
            if parsed.netloc or parsed.scheme not in ("", "http") or SKIP.search(parsed.path):
                continue
            path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if path not in seen:
                seen.add(path)
                queue.append(path)
    return seen, failures


@pytest.mark.parametrize(
    "email",
    [
        None,
        "admin@trainhub.local",
        "chaoyang@trainhub.local",
        "tc@trainhub.local",
        "trainer1@trainhub.local",
        "hr@huabei-jixie.example.cn",
    ],
)
def test_no_page_reachable_by_links_answers_a_server_error(app, client, runner, login, email, dialect):
    if dialect != "sqlite":
        pytest.skip("the crawl runs once, on SQLite")
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    if email:
        login(db.session.scalar(sa.select(User).where(User.email == email)))
    seen, failures = crawl(client)
    assert failures == []
    assert len(seen) > 10, seen


def test_english_pages_answer_without_errors(app, client, runner, login, dialect):
    if dialect != "sqlite":
        pytest.skip("the crawl runs once, on SQLite")
    runner.invoke(args=["seed-demo"])
    client.get("/lang/en")
    login(db.session.scalar(sa.select(User).where(User.email == "admin@trainhub.local")))
    seen, failures = crawl(client, limit=80)
    assert failures == []
