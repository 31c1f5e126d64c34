"""Fixtures shared by the whole suite: settings, databases (SQLite and PostgreSQL), users."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from assistant.db.base import Base, Database, make_engine
from assistant.db.migrate import upgrade
from assistant.db.models import User
from assistant.db.triggers import create_triggers, drop_triggers
from assistant.passwords import hash_password
from assistant.roles import Role
from assistant.settings import Settings
from assistant.triage import Triage

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
PG_URL = os.environ.get("SECOND_OPINION_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TEST_PASSWORD = "correct-horse-battery-staple"
#: Services that must be present (comma-separated: postgres, redis, chromium). CI sets this so
#: a missing service fails the run instead of silently skipping the tests that need it.
REQUIRED_SERVICES = frozenset(
    s.strip() for s in os.environ.get("SECOND_OPINION_TEST_REQUIRE", "").split(",") if s.strip()
)


def service_missing(service: str, reason: str) -> None:
    """Skip the test with ``reason``, or fail it when ``service`` is required (CI)."""
    if service in REQUIRED_SERVICES:
        pytest.fail(f"{reason}; this run requires it (SECOND_OPINION_TEST_REQUIRE={service})")
    pytest.skip(reason)


#: With pytest-xdist (``make test`` runs ``-n auto --dist loadgroup``) every other test may run on
#: any worker. These run whole on one worker each: the folders whose session fixtures start a
#: process or hold an outside service (a live app, the balancer cluster, Redis database 15,
#: Orthanc, a Chroma server), and the tests that share one Chromium or one llama.cpp server, so
#: each of those starts once and no two workers share a service's state.
#: (pytest-xdist 3.8 no longer applies the groups with pytest 9.2 by itself: see ``_group_in_node_id``.)
ONE_WORKER_FOLDERS = {
    "browser": "browser",
    "deploy": "deploy",
    "security": "security",
    "assistant/jobs": "jobs",
    "assistant/dicomweb": "dicomweb",
    "assistant/health": "health",
    "knowledge": "knowledge",
}
#: The chat answers' module ingests the starter pack once per worker (about 25 s each time here): on one
#: worker it is ingested once.
ONE_WORKER_FIXTURES = {
    "browser": "browser",
    "llama_server": "llama",
    "gguf_path": "llama",
    "kb_settings": "chat-answers",
}


def one_worker_group(item: pytest.Item) -> str | None:
    """The xdist group ``item`` must run in, or None when any worker may run it."""
    for fixture, group in ONE_WORKER_FIXTURES.items():
        if fixture in getattr(item, "fixturenames", ()):
            return group
    folder = item.path.parent.relative_to(REPO / "tests").as_posix()
    for prefix, group in ONE_WORKER_FOLDERS.items():
        if folder == prefix or folder.startswith(prefix + "/"):
            return group
    return None


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups into the test ids
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that must share one worker (only when pytest-xdist is loaded)."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        group = one_worker_group(item)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
            _group_in_node_id(config, item, group)


def _group_in_node_id(config: pytest.Config, item: pytest.Item, group: str) -> None:
    """Put the group into the node id, where pytest-xdist's loadgroup scheduler reads it. pytest-xdist 3.8
    does so by setting ``_nodeid``, which pytest 9.2 no longer reads (pytest-xdist issue 1386): the groups
    were silently ignored, and a Redis test of the jobs folder raced one on the other worker in a
    clean-clone run. With an older pytest, pytest-xdist's own hook still does it."""
    if not getattr(config.option, "loadgroup", False) or "@" in item.nodeid.rsplit("]", 1)[-1]:
        return
    node_id = getattr(item, "_id", None)
    if node_id is None or not hasattr(node_id, "params"):
        return
    from _pytest.nodeid import NodeId

    item._id = NodeId.parse(f"{item.nodeid}@{group}")  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The third-party data folder beside the repository; tests skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


def _pg_schema_url() -> tuple[str, str] | None:
    """A PostgreSQL URL bound to a schema private to this test process, or None if absent."""
    import psycopg

    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(plain, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError:
        return None
    schema = f"t_{os.getpid()}"
    return f"{PG_URL}?options=-csearch_path%3D{schema}", schema


@pytest.fixture(scope="session")
def _postgresql_database() -> Iterator[Database]:
    found = _pg_schema_url()
    if found is None:
        service_missing("postgres", f"PostgreSQL is not reachable at {PG_URL}")
    url, schema = found
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(make_engine(url))
    upgrade(db.engine)
    yield db
    db.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def _sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("db") / "test.db"
    db = Database(make_engine(f"sqlite:///{path}"))
    upgrade(db.engine)
    yield db
    db.dispose()


def _truncate(db: Database) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        drop_triggers(conn)  # SQLite cannot disable a trigger; PostgreSQL refuses TRUNCATE of the audit log
        if db.is_postgresql:
            conn.execute(text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
        create_triggers(conn)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Database:
    """An empty, migrated database: every test runs on SQLite and on PostgreSQL."""
    database: Database = request.getfixturevalue(f"_{request.param}_database")
    _truncate(database)
    return database


@pytest.fixture
def sqlite_db(_sqlite_database: Database) -> Database:
    """An empty, migrated SQLite database (for tests about something else)."""
    _truncate(_sqlite_database)
    return _sqlite_database


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One real Argon2 hash of TEST_PASSWORD, reused so tests stay fast."""
    return hash_password(TEST_PASSWORD)


@pytest.fixture
def make_user(password_hash: str) -> Callable[..., User]:
    """Insert a user with TEST_PASSWORD; returns a detached, loaded User."""

    def _make(db: Database, role: Role, username: str | None = None) -> User:
        with db.session() as s:
            n = s.execute(text("SELECT COUNT(*) FROM users")).scalar_one()
            user = User(
                username=username or f"{role.value}{n + 1}",
                display_name=f"{role.value} {n + 1}",
                role=role,
                password_hash=password_hash,
            )
            s.add(user)
        return user

    return _make


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Test settings rooted in a temporary data directory, with the mock LLM."""
    return Settings(environment="test", data_dir=tmp_path / "data", llm={"mode": "mock"})  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def shared_triage() -> Triage:
    """The application's triage with the packaged embedding model, built once (loading takes seconds).

    Without the model package the triage runs on its rules alone, as the app does.
    """
    from knowledge.embeddings import load_embedder
    from knowledge.errors import KnowledgeError

    try:
        return Triage(load_embedder())
    except KnowledgeError:
        return Triage(None)


def wait_until_healthy(url: str, log_path: Path, attempts: int = 240) -> None:
    """Poll ``url``/healthz until the app a test started answers; fail with its log if it never does."""
    import httpx

    for _ in range(attempts):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.25)
    pytest.fail("the app did not start: " + log_path.read_text()[-2000:])


CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "test-output" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium through Playwright (never a downloaded browser).

    One per test session, for every folder that drives a browser: Playwright's sync API
    cannot start a second instance while one is running in the same thread.
    """
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.is_file():
        service_missing("chromium", "Debian's Chromium is not installed (apt-get install -y chromium)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        yield chromium
        chromium.close()


@contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """A brand-new, empty PostgreSQL database (dropped afterwards, even if still in use); its URL."""
    import psycopg

    name = f"{prefix}_{os.getpid()}_{int(time.time() * 1000) % 10**6}"
    admin_url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        service_missing("postgres", f"PostgreSQL is not reachable at {PG_URL}")
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
