"""Browser fixtures for the cockpit tests: the real app on loopback, Debian's Chromium, staff users.

The app runs in a uvicorn thread on 127.0.0.1 with a fresh SQLite database and storage;
Playwright drives /usr/bin/chromium (never a downloaded browser). Tests skip with the
reason when Chromium or Playwright is missing. Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assistant.context import AppContext
from assistant.db.base import Database, make_engine
from assistant.db.migrate import upgrade
from assistant.db.models import User
from assistant.passwords import hash_password
from assistant.roles import Role
from assistant.settings import Settings
from assistant.web.app import create_app
from tests.conftest import REPO, TEST_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "test-output" / "screenshots"
STAFF = {
    "patient": (Role.PATIENT, "Pat Patient"),
    "other_patient": (Role.PATIENT, "Olly Other"),
    "clinician": (Role.CLINICIAN, "Dr Casey Reviewer"),
    "clinician2": (Role.CLINICIAN, "Dr Robin Second"),
    "support": (Role.SUPPORT, "Sam Support"),
    "admin": (Role.ADMIN, "Alex Admin"),
}


@dataclass
class LiveApp:
    """The running app: its base URL, database, settings and users by name."""

    url: str
    db: Database
    settings: Settings
    users: dict[str, User]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def cockpit_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """The whole app (without the chat mount) served on loopback for one test module."""
    import uvicorn

    root = tmp_path_factory.mktemp("cockpit-app")
    settings = Settings(environment="test", data_dir=root / "data", llm={"mode": "mock"})  # type: ignore[arg-type]
    settings.data_dir.mkdir(parents=True)
    db = Database(make_engine(f"sqlite:///{root / 'app.db'}"))
    upgrade(db.engine)
    digest = hash_password(TEST_PASSWORD)
    users: dict[str, User] = {}
    with db.session() as s:
        for name, (role, display) in STAFF.items():
            users[name] = User(username=name, display_name=display, role=role, password_hash=digest)
            s.add(users[name])
    app = create_app(settings, context=AppContext(settings, db=db), with_chat=False)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the app did not start within 20 s")
        time.sleep(0.05)
    yield LiveApp(f"http://127.0.0.1:{port}", db, settings, users)
    server.should_exit = True
    thread.join(timeout=10)
    db.dispose()


@pytest.fixture(scope="module")
def chromium(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Debian's Chromium through Playwright (skips when either is missing).

    Playwright's sync API allows one instance per process, so the browser of the patient
    tests' ``conftest`` is shared when it is there.
    """
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    try:
        yield request.getfixturevalue("browser")
        return
    except pytest.FixtureLookupError:
        pass
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


def new_page(chromium: Any, app: LiveApp, username: str) -> Any:
    """A fresh browser context logged in as ``username`` through the login form."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
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
