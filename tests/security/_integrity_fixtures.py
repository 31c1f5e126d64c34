"""A live app for the integrity attacks: server subprocess, seeded accounts, HTTP and socket clients."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from assistant import audit_seal
from assistant.actors import SYSTEM
from assistant.db.base import Database
from assistant.db.migrate import upgrade
from assistant.db.models import User
from assistant.roles import Role
from assistant.services import users
from assistant.settings import Settings
from tests.browser.conftest import _free_port
from tests.conftest import REPO, TEST_PASSWORD, wait_until_healthy

ACCOUNTS = {
    "alice": Role.PATIENT,
    "bob": Role.PATIENT,
    "carol": Role.PATIENT,
    "dave": Role.PATIENT,
    "erin": Role.PATIENT,
    "drsmith": Role.CLINICIAN,
    "sam": Role.SUPPORT,
    "root": Role.ADMIN,
}


@dataclass
class Live:
    """The running app, its database (sealed with the app's key), settings and accounts."""

    url: str
    db: Database
    settings: Settings
    accounts: dict[str, User]
    log: Path
    pid: int
    env: dict[str, str] = field(default_factory=dict)

    def server_log(self) -> str:
        """What the server wrote so far."""
        return self.log.read_text(errors="replace")


@contextmanager
def running_app(data_dir: Path, env: dict[str, str] | None = None) -> Iterator[Live]:
    """Seed ``data_dir`` and run the app on a free loopback port until the block ends."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(env or {})
    settings = Settings(environment="test", data_dir=data_dir, llm={"mode": "mock"})  # type: ignore[arg-type]
    db = Database.from_url(f"sqlite:///{data_dir / 'second_opinion.db'}")
    upgrade(db.engine)
    audit_seal.install(db.engine, settings)  # the same key as the server: one sealed chain
    accounts: dict[str, User] = {}
    with db.session() as s:
        for name, role in ACCOUNTS.items():
            accounts[name] = users.create_user(s, SYSTEM, name, TEST_PASSWORD, role, name.title())
    port = _free_port()
    full_env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", **env)
    log_path = data_dir / "server.log"
    with log_path.open("w") as log:
        command = [sys.executable, "-m", "tests.security._integrity_server", str(data_dir), str(port)]
        proc = subprocess.Popen(command, cwd=REPO, env=full_env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(url, log_path)
            yield Live(url, db, settings, accounts, log_path, proc.pid, env)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
            audit_seal.uninstall(db.engine)
            db.dispose()


def login(app: Live, username: str) -> httpx.Client:
    """An HTTP client logged in through the one login page (CSRF token included).

    The timeout is generous: on a loaded two-core CI machine the app's first minute also
    loads the triage models, and one login (Argon2 behind a one-at-a-time limiter) once took
    over 30 s there. A real hang still fails, just later.
    """
    client = httpx.Client(base_url=app.url, timeout=120)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    done = client.post(
        "/login", data={"username": username, "password": TEST_PASSWORD, "csrf_token": token.group(1)}
    )
    assert done.status_code == 303, done.text
    return client


def chat_login(app: Live, username: str) -> httpx.Client:
    """A patient's client holding Chainlit's ``access_token`` too (as the chat page gets it)."""
    client = login(app, username)
    response = client.post("/chat/auth/header")
    assert response.status_code == 200, response.text
    assert any(name.startswith("access_token") for name in client.cookies), "no chat token"
    return client


def cookie_header(client: httpx.Client) -> str:
    """The client's cookies as one Cookie header."""
    return "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar)


class ChatSocket:
    """A patient's chat over socket.io, recording every event the server sends."""

    def __init__(self, app: Live, client: httpx.Client) -> None:
        import socketio

        self.session_id = str(uuid.uuid4())
        self.events: list[tuple[str, Any]] = []
        self._changed = threading.Condition()
        self.sio = socketio.Client(reconnection=False)

        @self.sio.on("*")
        def _any(event: str, data: Any = None) -> None:
            with self._changed:
                self.events.append((event, data))
                self._changed.notify_all()

        auth = {"sessionId": self.session_id, "clientType": "webapp", "threadId": None, "userEnv": "{}"}
        self.sio.connect(app.url, socketio_path="/chat/ws/socket.io", transports=["websocket"],
                         headers={"Cookie": cookie_header(client)}, auth=auth, wait_timeout=10)  # fmt: skip
        self.sio.emit("connection_successful")

    def texts(self) -> list[str]:
        """The text of every message the server sent."""
        return [
            str(d.get("output", ""))
            for e, d in self.events
            if e in ("new_message", "update_message") and isinstance(d, dict)
        ]

    def wait_for(self, needle: str, timeout: float = 20) -> str:
        """The first message containing ``needle`` (fails after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [t for t in self.texts() if needle in t]
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no message with {needle!r}; got {self.texts()[-5:]}")
                self._changed.wait(left)

    def say(self, text: str, file_ids: list[str] | None = None) -> dict[str, Any]:
        """Send a message as the chat page does."""
        message = {"id": str(uuid.uuid4()), "threadId": "", "name": "User", "type": "user_message",
                   "output": text, "createdAt": datetime.now(UTC).isoformat()}  # fmt: skip
        refs = [{"id": i} for i in file_ids] if file_ids else None
        self.sio.emit("client_message", {"message": message, "fileReferences": refs})
        return message

    def close(self) -> None:
        """Disconnect."""
        self.sio.disconnect()
