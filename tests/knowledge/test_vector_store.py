"""The Chroma server as the vector store: a server that stops answering is named, host and port."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.config import KnowledgeConfig
from knowledge.errors import VectorStoreError
from knowledge.vector_store import ChromaStore
from tests.knowledge.conftest import ChromaServer


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
