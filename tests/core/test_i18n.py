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
