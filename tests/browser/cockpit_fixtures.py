"""Page helpers for the cockpit browser tests (the app and the browser are ``conftest``'s).

``cockpit_app`` and ``browser`` live in ``tests/browser/conftest.py``: the app in a uvicorn
thread on 127.0.0.1 with a fresh SQLite database, storage and staff of every role, and
Debian's Chromium through Playwright. Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import SCREENSHOTS, LiveApp
from tests.conftest import TEST_PASSWORD


def new_page(browser: Any, app: LiveApp, username: str) -> Any:
    """A fresh browser context logged in as ``username`` through the login form."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{app.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def shot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot under test-output/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def clean_screenshots(prefix: str) -> None:
    """Remove earlier screenshots of a test module."""
    if SCREENSHOTS.is_dir():
        for old in SCREENSHOTS.glob(f"{prefix}*.png"):
            old.unlink()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
