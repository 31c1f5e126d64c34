"""The real app on loopback and Debian's Chromium, for the patient and cockpit browser tests.

``live_app`` runs the whole app in a subprocess (``tests/browser/_server.py``) with the
embedded defaults (SQLite, local storage) on a free port and a fresh data directory; two
choices are made for speed: the LLM is in ``mock`` mode, and the in-process job runner is
off, so the tests play the drafting worker through the job services. ``cockpit_app``
serves the app without the chat mount in a uvicorn thread, with staff of every role, one
per test module. Users are seeded through the services before the server starts; both
are driven by the one Playwright ``browser``. Screenshots go to ``test-output/screenshots/``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.actors import SYSTEM
from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.migrate import upgrade
from assistant.db.models import User
from assistant.passwords import hash_password
from assistant.roles import Role
from assistant.services import users
from assistant.settings import Settings
from tests.conftest import CHROMIUM, REPO, SCREENSHOTS, TEST_PASSWORD, service_missing, wait_until_healthy

PATIENTS = ("alice", "bob", "carol", "dave")
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
    """The running app: its URL, its database, its settings and the seeded accounts by username."""

    url: str
    db: Database
    settings: Settings
    accounts: dict[str, User]

    @property
    def data_dir(self) -> Path:
        """The app's data directory (storage, opinions)."""
        return self.settings.data_dir


def _test_settings(data_dir: Path) -> Settings:
    return Settings(environment="test", data_dir=data_dir, llm={"mode": "mock"})  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """Seed a fresh data directory and start the whole app on loopback."""
    if not CHROMIUM.is_file():
        service_missing("chromium", "Debian's Chromium is not installed (apt-get install -y chromium)")
    data_dir = tmp_path_factory.mktemp("browser-data")
    db = Database.from_url(f"sqlite:///{data_dir / 'second_opinion.db'}")
    upgrade(db.engine)
    accounts: dict[str, User] = {}
    with db.session() as s:
        for name in PATIENTS:
            accounts[name] = users.create_user(s, SYSTEM, name, TEST_PASSWORD, Role.PATIENT, name.title())
        accounts["drsmith"] = users.create_user(
            s, SYSTEM, "drsmith", TEST_PASSWORD, Role.CLINICIAN, "Dr Smith"
        )
    port = _free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    log = (data_dir / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "tests.browser._server", str(data_dir), str(port)],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, data_dir / "server.log")
        yield LiveApp(url, db, _test_settings(data_dir), accounts)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
        db.dispose()


@pytest.fixture(scope="module")
def cockpit_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """The whole app (without the chat mount) served on loopback for one test module."""
    import uvicorn

    from assistant.web.app import create_app

    root = tmp_path_factory.mktemp("cockpit-app")
    settings = _test_settings(root / "data")
    settings.data_dir.mkdir(parents=True)
    db = Database.from_url(f"sqlite:///{root / 'app.db'}")
    upgrade(db.engine)
    digest = hash_password(TEST_PASSWORD)
    accounts: dict[str, User] = {}
    with db.session() as s:
        for name, (role, display) in STAFF.items():
            accounts[name] = User(username=name, display_name=display, role=role, password_hash=digest)
            s.add(accounts[name])
    app = create_app(settings, context=AppContext(settings, db=db), with_chat=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the app did not start within 20 s")
        time.sleep(0.05)
    yield LiveApp(f"http://127.0.0.1:{server.config.port}", db, settings, accounts)
    server.should_exit = True
    thread.join(timeout=10)
    db.dispose()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh browser context and page (no cookies shared between tests)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def shot(page: object, name: str) -> Path:
    """Save a full-page screenshot under test-output/screenshots/."""
    path = SCREENSHOTS / f"{name}.png"
    page.mouse.move(640, 400)  # type: ignore[attr-defined]
    page.mouse.wheel(0, 50_000)  # type: ignore[attr-defined]  # the newest messages, as the patient sees them
    page.wait_for_timeout(400)  # type: ignore[attr-defined]
    page.screenshot(path=str(path), full_page=False)  # type: ignore[attr-defined]
    return path


def log_in(page: object, app: LiveApp, username: str) -> None:
    """Use the app's one login page; patients land in the chat."""
    page.goto(f"{app.url}/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", username)  # type: ignore[attr-defined]
    page.fill("input[name=password]", TEST_PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url("**/chat/**")  # type: ignore[attr-defined]


def say(page: object, text: str) -> None:
    """Type a message in the chat box and send it."""
    box = page.locator("#chat-input")  # type: ignore[attr-defined]
    box.click()
    box.fill(text)
    box.press("Enter")
