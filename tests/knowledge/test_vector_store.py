"""The vector store: queries on a real embedded Chroma, and a server that stops answering is named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.config import KnowledgeConfig
from knowledge.errors import VectorStoreError
from knowledge.vector_store import ChromaStore
from tests.knowledge.conftest import ChromaServer


class TestQuery:
    """ChromaStore.query() on an embedded (persistent) store."""

    def test_empty_and_short_collections(self, tmp_path: Path) -> None:
        """An empty collection answers nothing; asking for more than it holds returns all it holds."""
        store = ChromaStore(KnowledgeConfig(chroma_path=tmp_path, collection="small"), "test-model", 3)
        assert store.query(np.ones(3, dtype=np.float32), 5) == []
        vectors = np.asarray([[1, 0, 0], [0, 1, 0]], dtype=np.float32)
        store.upsert(["x", "y"], vectors, [{"doc_type": "a"}, {"doc_type": "b"}], ["one", "two"])
        found = store.query(np.asarray([1, 0.1, 0], dtype=np.float32), 30)
        assert [i for i, _ in found] == ["x", "y"] and found[0][1] > found[1][1]
        assert [i for i, _ in store.query(np.ones(3, dtype=np.float32), 30, {"doc_type": "b"})] == ["y"]
        assert store.query(np.ones(3, dtype=np.float32), 0) == []


class TestChromaServer:
    def test_server_that_goes_away_is_named(self, chroma_server: ChromaServer) -> None:
        """Count and query work against a real server; after it stops, the error names host:port."""
        host, port = chroma_server.host, chroma_server.port
        config = KnowledgeConfig(vector_mode="http", chroma_host=host, chroma_port=port, collection="ready")
        store = ChromaStore(config, "test-model", 3)
        store.upsert(["a"], np.ones((1, 3), dtype=np.float32), [{"doc_type": "x"}], ["text"])
        assert store.count() == 1
        assert store.query(np.ones(3, dtype=np.float32), 1)[0][0] == "a"

        chroma_server.stop()
        with pytest.raises(VectorStoreError, match=f"{host}:{port}"):
            store.count()
