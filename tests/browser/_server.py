"""Minimal Playwright fixtures for the report flow: the app served from a thread, Debian's chromium.

(Separate from any shared tests/browser/conftest.py; names are prefixed so they never clash.)
"""

from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def report_live_server(live_server):
    """The shared live server of tests/browser/conftest.py (no fake camera needed here)."""
    return live_server


@pytest.fixture
def report_browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser test skipped: {CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser test skipped: playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            yield browser
        finally:
            browser.close()


def login_page(browser, base_url: str, email: str, password: str = "secret-pass-123"):
    """A fresh browser context (its own cookies) logged in as that user; returns the page."""
    context = browser.new_context(viewport={"width": 412, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10000)
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()
    return page
