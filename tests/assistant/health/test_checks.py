"""Each readiness check against the real dependency: passing, and failing with the setting named."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.health import checks
from assistant.health.checks import ComponentDown
from assistant.settings import Settings
from tests.assistant.health.conftest import free_port
from tests.conftest import service_missing
from tests.knowledge.conftest import ChromaServer


def _ctx(tmp_path: Path, db: Database | None = None, **overrides: object) -> AppContext:
    values: dict[str, object] = {
        "environment": "test",
        "data_dir": tmp_path / "data",
        "llm": {"mode": "mock"},
    }
    values.update(overrides)
    return AppContext(Settings(**values), db=db)  # type: ignore[arg-type]


class TestDatabase:
    def test_migrated_database_passes(self, tmp_path: Path, db: Database) -> None:
        """A migrated database (SQLite and PostgreSQL) answers at the code's head revision."""
        assert checks.database(_ctx(tmp_path, db), 2.0).startswith("schema at ")

    def test_unmigrated_database_fails(self, tmp_path: Path) -> None:
        """An empty SQLite file is reachable but not ready: the schema is missing."""
        with pytest.raises(ComponentDown) as caught:
            checks.database(_ctx(tmp_path), 2.0)
        assert "SECOND_OPINION_DATABASE__URL" in caught.value.detail

    def test_unreachable_server_names_the_setting(self, tmp_path: Path) -> None:
        """Nothing listening at the URL's port: 'unreachable', the URL shown without its password."""
        url = f"postgresql+psycopg://app:s3cret@127.0.0.1:{free_port()}/app"
        with pytest.raises(ComponentDown, match="unreachable") as caught:
            checks.database(_ctx(tmp_path, database={"url": url}), 2.0)
        assert "SECOND_OPINION_DATABASE__URL" in caught.value.detail
        assert "127.0.0.1" in caught.value.detail and "s3cret" not in caught.value.detail


class TestBroker:
    def test_not_checked_without_celery(self, tmp_path: Path) -> None:
        """In-process jobs need no broker: the check says so and passes."""
        assert "not used" in checks.broker(_ctx(tmp_path), 1.0)

    def test_redis_passes(self, tmp_path: Path) -> None:
        """The real Redis on this machine accepts the connection."""
        import redis

        try:
            redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
        except redis.RedisError:
            service_missing("redis", "Redis is not reachable at 127.0.0.1:6379")
        ctx = _ctx(tmp_path, jobs={"mode": "celery", "broker_url": "redis://127.0.0.1:6379/0"})
        assert checks.broker(ctx, 2.0) == "connected"

    def test_closed_port_fails(self, tmp_path: Path) -> None:
        """A broker URL where nothing listens fails within the deadline, naming the setting."""
        ctx = _ctx(tmp_path, jobs={"mode": "celery", "broker_url": f"redis://127.0.0.1:{free_port()}/0"})
        with pytest.raises(ComponentDown) as caught:
            checks.broker(ctx, 1.0)
        assert "SECOND_OPINION_JOBS__BROKER_URL" in caught.value.detail


class TestVectorStore:
    def test_persistent_store_passes(self, tmp_path: Path, knowledge_dir: Path) -> None:
        """An ingested persistent store is present."""
        ctx = _ctx(tmp_path, knowledge={"chroma_path": knowledge_dir})
        assert checks.vector_store(ctx, 1.0) == "persistent store present"

    def test_missing_persistent_store_fails(self, tmp_path: Path) -> None:
        """No store in the configured folder."""
        with pytest.raises(ComponentDown, match="store missing"):
            checks.vector_store(_ctx(tmp_path), 1.0)

    def test_server_down_names_host_port_and_setting(self, tmp_path: Path) -> None:
        """Chroma server mode with nothing listening: component, host:port and setting named."""
        port = free_port()
        ctx = _ctx(tmp_path, knowledge={"vector_mode": "http", "chroma_port": port})
        with pytest.raises(ComponentDown, match="unreachable") as caught:
            checks.vector_store(ctx, 1.0)
        detail = caught.value.detail
        assert detail.startswith("vector store") and f"127.0.0.1:{port}" in detail
        assert "SECOND_OPINION_KNOWLEDGE__CHROMA_PORT" in detail


class TestLLM:
    def test_server_listing_models_passes(self, tmp_path: Path, models_server: str) -> None:
        """An OpenAI-compatible server that lists the configured model."""
        ctx = _ctx(tmp_path, llm={"mode": "openai_compatible", "base_url": models_server})
        assert checks.llm(ctx, 1.0) == "serving gemma-3-270m"

    def test_server_down_fails(self, tmp_path: Path) -> None:
        """Nothing at the base URL: the failure names SECOND_OPINION_LLM__BASE_URL."""
        url = f"http://127.0.0.1:{free_port()}/v1"
        ctx = _ctx(tmp_path, llm={"mode": "openai_compatible", "base_url": url})
        with pytest.raises(ComponentDown, match="unreachable") as caught:
            checks.llm(ctx, 1.0)
        assert "SECOND_OPINION_LLM__BASE_URL" in caught.value.detail

    def test_embedded_model_files_present(self, tmp_path: Path) -> None:
        """The default embedded model: llama-cpp and the packaged GGUF chunks are installed."""
        assert checks.llm(_ctx(tmp_path, llm={"mode": "embedded"}), 1.0) == "embedded model files present"

    def test_embedded_missing_gguf_fails(self, tmp_path: Path) -> None:
        """A GGUF path that does not exist is not loadable."""
        ctx = _ctx(tmp_path, llm={"mode": "embedded", "gguf_path": tmp_path / "none.gguf"})
        with pytest.raises(ComponentDown, match="model missing"):
            checks.llm(ctx, 1.0)


class TestLexicalIndex:
    def test_ingested_index_passes(self, tmp_path: Path, knowledge_dir: Path) -> None:
        """The starter pack's passages are counted."""
        ctx = _ctx(tmp_path, knowledge={"chroma_path": knowledge_dir})
        assert checks.lexical_index(ctx, 1.0).endswith(" passages (sqlite)")

    def test_missing_index_fails(self, tmp_path: Path) -> None:
        """No index on this host: the failure says to ingest."""
        with pytest.raises(ComponentDown, match="index empty") as caught:
            checks.lexical_index(_ctx(tmp_path), 1.0)
        assert "knowledge ingest" in caught.value.detail

    def test_empty_index_fails(self, tmp_path: Path) -> None:
        """An index with the schema but no passage is not ready (drafts would cite nothing)."""
        from knowledge.lexical import LexicalIndex

        ctx = _ctx(tmp_path)
        from assistant.components import knowledge_config

        LexicalIndex(knowledge_config(ctx.settings).lexical_path).close()
        with pytest.raises(ComponentDown, match="index empty"):
            checks.lexical_index(ctx, 1.0)


class TestStorage:
    def test_writable_root_passes(self, tmp_path: Path) -> None:
        """The default local storage root accepts a probe file (and is left clean)."""
        ctx = _ctx(tmp_path)
        assert checks.storage(ctx, 1.0) == "writable"
        assert not list(ctx.settings.storage_root.glob(".readyz-*"))

    def test_root_under_a_file_fails(self, tmp_path: Path) -> None:
        """A storage root that cannot exist (its parent is a file) fails, naming the setting."""
        (tmp_path / "file").write_text("x")
        ctx = _ctx(tmp_path, storage={"root": tmp_path / "file" / "storage"})
        with pytest.raises(ComponentDown, match="not writable") as caught:
            checks.storage(ctx, 1.0)
        assert "SECOND_OPINION_STORAGE__ROOT" in caught.value.detail


class TestRealChromaServer:
    def test_heartbeat_of_a_running_server(self, tmp_path: Path, chroma_server: ChromaServer) -> None:
        """The check speaks the API of the installed Chroma server (v2 heartbeat)."""
        ctx = _ctx(tmp_path, knowledge={"vector_mode": "http", "chroma_port": chroma_server.port})
        assert checks.vector_store(ctx, 2.0) == "heartbeat ok"
        chroma_server.stop()
        with pytest.raises(ComponentDown, match="unreachable"):
            checks.vector_store(ctx, 2.0)
