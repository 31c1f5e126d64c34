"""The deploy tests drive the browser tests' Chromium."""

from tests.browser.conftest import browser  # noqa: F401 - the session's Playwright browser fixture
