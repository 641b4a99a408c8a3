"""Only a valid bearer token exempts an API call from CSRF: a browser's session cookie with any other
Authorization header (which a page could not send anyway, but a proxy or an extension might add) is
checked like any cookie session."""

from __future__ import annotations

import pytest

from trainhub.extensions import db
from trainhub.models import Event


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
@pytest.mark.parametrize("authorization", ["Bearer junk", "Bearer ", "bearer x y", "Basic YTpi", "junk"])
def test_a_session_with_a_junk_authorization_header_still_needs_csrf(app, client, login, make, authorization):
    organizer = make.organizer()
    event = make.event(title="原标题")
    login(organizer)
    response = client.patch(
        f"/api/v1/events/{event.id}", json={"title": "被改的标题"}, headers={"Authorization": authorization}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "原标题"


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_a_valid_bearer_token_needs_no_csrf_even_beside_a_session(app, client, api, login, make):
    organizer = make.organizer()
    event = make.event(title="原标题")
    assert api(organizer).patch(f"/api/v1/events/{event.id}", json={"title": "令牌改的"}).status_code == 200
    login(organizer)
    response = api(organizer).patch(f"/api/v1/events/{event.id}", json={"title": "会话旁的令牌"})
    assert response.status_code == 200
    assert response.get_json()["title"] == "会话旁的令牌"
