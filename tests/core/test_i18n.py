"""Every user-facing string exists in both languages; the API answers in the request's language."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_has_an_english_translation():
    result = subprocess.run([sys.executable, "scripts/i18n.py", "missing"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_api_errors_follow_accept_language(client):
    zh = client.get("/api/v1/no-such-thing")
    en = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "en"})
    assert zh.status_code == en.status_code == 404
    assert zh.get_json()["error"] == {"code": "not_found", "message": "未找到该对象。"}
    assert en.get_json()["error"] == {"code": "not_found", "message": "Not found."}


def test_language_switch_is_remembered_for_a_signed_in_user(client, make, login):
    user = login(make.trainer())
    response = client.get("/lang/en?next=/events")
    assert response.status_code == 302 and response.location.endswith("/events")
    from trainhub.extensions import db
    from trainhub.models import User

    assert db.session.get(User, user.id).locale == "en"
    assert "Courses and events" in client.get("/events").get_data(as_text=True)
    assert "evil" not in client.get("/lang/zh_CN?next=//evil.example").location
