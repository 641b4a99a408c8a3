"""Browser fixtures (Playwright + Debian's chromium), reusable by every browser test:

- `live_server`: the test app served by a threaded werkzeug server in a thread → its base URL;
- `browser_page`: a fresh page of headless chromium (camera faked, see `fake_video`);
- `fake_video`: path of the .y4m file the fake camera plays (a test may write it before using
  `browser_page`; by default a grey frame);
- `browser_login(page, user)`: put the user's session cookie into the page's context.
Skipped with a clear reason when /usr/bin/chromium or Playwright is missing.
"""

from __future__ import annotations

import os

import pytest

from tests.served import served

CHROMIUM = "/usr/bin/chromium"


def _require_browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser test skipped: {CHROMIUM} is missing (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("browser test skipped: the playwright package is not installed")


@pytest.fixture
def live_server(app):
    """Serve the app on 127.0.0.1 (a secure context: the camera API is available) → base URL."""
    _require_browser()
    with served(app) as base_url:
        yield base_url


def write_y4m(path, images, fps: int = 10) -> None:
    """Raw YUV420 frames from Pillow images (640×480): what chromium's fake camera plays in a loop."""
    with open(path, "wb") as handle:
        handle.write(f"YUV4MPEG2 W640 H480 F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for image in images:
            y = image.convert("L").resize((640, 480)).tobytes()
            handle.write(b"FRAME\n" + y + bytes([128]) * (320 * 240 * 2))


@pytest.fixture
def fake_video(tmp_path):
    from PIL import Image

    path = tmp_path / "camera.y4m"
    write_y4m(path, [Image.new("L", (640, 480), 200)] * 5)
    return path


@pytest.fixture
def browser_page(live_server, fake_video):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={fake_video}",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server)
        page = context.new_page()
        page.set_default_timeout(20000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


@pytest.fixture
def browser_login(client, live_server):
    """browser_login(page, user): the page's browser acts as that user (a real session cookie)."""

    def _login(page, user):
        import sqlalchemy as sa

        from trainhub.extensions import db

        user = db.session.get(type(user), sa.inspect(user).identity[0])  # the server thread closed ours
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        cookie = client.get_cookie("session")
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server}])
        return user

    return _login
