"""The whole app (chat included) on loopback for the attack replays, and helpers to log in over HTTP.

``live`` runs ``tests/browser/_server.py`` in a subprocess on a free port with a fresh data
directory (embedded defaults, ``llm.mode=mock``). Its settings come from the environment:
a low per-address failure allowance so the address throttle can be replayed. uvicorn
trusts ``X-Forwarded-For`` from loopback, so each test names its own client address and
the throttle counters of one test never touch another's.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from assistant.actors import SYSTEM
from assistant.db.base import Database
from assistant.db.migrate import upgrade
from assistant.db.models import User
from assistant.roles import Role
from assistant.services import users
from tests.browser.conftest import _free_port
from tests.conftest import REPO, TEST_PASSWORD, wait_until_healthy

ACCOUNTS: dict[str, Role] = {
    "pat_a": Role.PATIENT,
    "pat_b": Role.PATIENT,
    "pat_c": Role.PATIENT,
    "doc": Role.CLINICIAN,
    "doc_role": Role.CLINICIAN,
    "sup": Role.SUPPORT,
    "sup_pw": Role.SUPPORT,
    "sup_reset": Role.SUPPORT,
    "sup_gone": Role.SUPPORT,
    "timing_active": Role.SUPPORT,
    "timing_gone": Role.SUPPORT,
    "locked_out": Role.SUPPORT,
    "backoff": Role.SUPPORT,
    "admin": Role.ADMIN,
}
ADDRESS_FREE_FAILURES = 6
_ADDRESSES = itertools.count(1)


@dataclass
class Live:
    """The running app: URL, its database (read by the tests) and data directory."""

    url: str
    db: Database
    data_dir: Path
    ids: dict[str, int]


def new_address() -> str:
    """A client address no other test used (sent as X-Forwarded-For, trusted from loopback)."""
    n = next(_ADDRESSES)
    return f"198.51.{n // 250}.{n % 250 + 1}"


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """Seed accounts of every role and start the whole app, chat included."""
    data_dir = tmp_path_factory.mktemp("security-data")
    db = Database.from_url(f"sqlite:///{data_dir / 'second_opinion.db'}")
    upgrade(db.engine)
    ids: dict[str, int] = {}
    with db.session() as s:
        for name, role in ACCOUNTS.items():
            ids[name] = users.create_user(s, SYSTEM, name, TEST_PASSWORD, role, name).id
        for name in ("sup_gone", "timing_gone"):
            s.get(User, ids[name]).is_active = False  # type: ignore[union-attr]
    port = _free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               SECOND_OPINION_LOGIN__ADDRESS_FREE_FAILURES=str(ADDRESS_FREE_FAILURES))  # fmt: skip
    log = (data_dir / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "tests.browser._server", str(data_dir), str(port)],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, data_dir / "server.log")
        yield Live(url, db, data_dir, ids)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
        db.dispose()


def client(live: Live, address: str | None = None) -> httpx.Client:
    """An HTTP client with its own cookie jar, coming from its own client address."""
    return httpx.Client(base_url=live.url, headers={"x-forwarded-for": address or new_address()}, timeout=30)


def csrf(c: httpx.Client, path: str = "/login") -> str:
    """The CSRF token of a form page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', c.get(path).text)
    assert match, path
    return match.group(1)


def log_in(c: httpx.Client, username: str, password: str = TEST_PASSWORD) -> httpx.Response:
    """Post the login form (with its CSRF token) and return the answer (not followed)."""
    return c.post("/login", data={"username": username, "password": password, "csrf_token": csrf(c)})


def logged_in(live: Live, username: str) -> httpx.Client:
    """A client with an open session of ``username``."""
    c = client(live)
    answer = log_in(c, username)
    assert answer.status_code == 303, answer.text[-500:]
    return c


def post_form(c: httpx.Client, path: str, data: dict[str, str], form_page: str) -> httpx.Response:
    """Post a staff form with the CSRF token of the page that shows it."""
    return c.post(path, data={**data, "csrf_token": csrf(c, form_page)})


HTML = {"accept": "text/html"}
