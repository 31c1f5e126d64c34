"""The dense vector store: Chroma, embedded (PersistentClient) or a server (HttpClient).

Vectors are computed by :mod:`knowledge.embeddings` and passed in; Chroma never embeds or
downloads anything. The collection records the embedding model and dimension, and opening it
with a different embedder is refused (mixing vector spaces silently ruins retrieval).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from knowledge.config import KnowledgeConfig
from knowledge.embeddings import Vectors
from knowledge.errors import VectorStoreError

logger = logging.getLogger(__name__)

#: Chroma rejects very large single writes; stay well under its limit.
WRITE_BATCH = 1000


def _client(config: KnowledgeConfig) -> Any:
    try:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
    except ImportError as e:  # pragma: no cover - chromadb is a core dependency
        raise VectorStoreError("chromadb is not installed (pip install chromadb)") from e
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    match config.vector_mode:
        case "persistent":
            config.chroma_path.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(config.chroma_path), settings=settings)
        case "http":
            try:
                return chromadb.HttpClient(
                    host=config.chroma_host, port=config.chroma_port, settings=settings
                )
            except Exception as e:
                raise VectorStoreError(
                    f"cannot reach the Chroma server at {config.chroma_host}:{config.chroma_port} "
                    f"({e}); start it or use vector_mode 'persistent'"
                ) from e
    raise VectorStoreError(f"unknown vector_mode {config.vector_mode!r}")


class ChromaStore:
    """One Chroma collection of chunk vectors with filterable metadata."""

    def __init__(self, config: KnowledgeConfig, model_name: str, dimension: int) -> None:
        self._client = _client(config)
        self._server = f"{config.chroma_host}:{config.chroma_port}" if config.vector_mode == "http" else None
        self.name = config.collection
        self._collection = self._client.get_or_create_collection(
            name=config.collection,
            embedding_function=None,
            metadata={
                "hnsw:space": "cosine",
                "embedding_model": model_name,
                "dimension": dimension,
            },
        )
        meta = self._collection.metadata or {}
        stored = (meta.get("embedding_model"), meta.get("dimension"))
        if stored != (model_name, dimension):
            raise VectorStoreError(
                f"collection '{config.collection}' was built with embedding model {stored[0]!r} "
                f"(dimension {stored[1]}), not {model_name!r} ({dimension}). Use another "
                "collection name or re-ingest into a fresh store."
            )

    @contextmanager
    def _answering(self) -> Iterator[None]:
        """Name the Chroma server when it stops answering (a bare ConnectError names nothing)."""
        try:
            yield
        except Exception as e:
            if self._server is None or isinstance(e, VectorStoreError):
                raise
            raise VectorStoreError(
                f"the Chroma server at {self._server} did not answer ({type(e).__name__}: {e}); "
                "check that it runs and that chroma_host/chroma_port point at it"
            ) from e

    def count(self) -> int:
        """Number of vectors stored."""
        with self._answering():
            return int(self._collection.count())

    def upsert(self, ids: Sequence[str], vectors: Vectors, metadatas: Sequence[dict[str, Any]],
               documents: Sequence[str]) -> None:  # fmt: skip
        """Insert or replace vectors with their metadata and text."""
        for start in range(0, len(ids), WRITE_BATCH):
            end = start + WRITE_BATCH
            self._collection.upsert(
                ids=list(ids[start:end]),
                embeddings=np.asarray(vectors[start:end], dtype=np.float32),
                metadatas=list(metadatas[start:end]),
                documents=list(documents[start:end]),
            )

    def delete(self, ids: Sequence[str]) -> None:
        """Delete vectors by id (unknown ids are ignored)."""
        for start in range(0, len(ids), WRITE_BATCH):
            self._collection.delete(ids=list(ids[start : start + WRITE_BATCH]))

    def query(self, vector: Vectors, limit: int, where: dict[str, Any] | None = None
              ) -> list[tuple[str, float]]:  # fmt: skip
        """Nearest chunks to one query vector: ``(chunk_id, cosine_similarity)`` best first."""
        return self.query_many(vector[None, :], limit, where)[0]

    def query_many(self, vectors: Vectors, limit: int, where: dict[str, Any] | None = None
                   ) -> list[list[tuple[str, float]]]:  # fmt: skip
        """Nearest chunks for several query vectors at once.

        Chroma returns fewer than ``limit`` results when the collection holds fewer (none
        when it is empty), so the collection is not counted first: that was a second round
        trip per search.
        """
        if limit <= 0 or len(vectors) == 0:
            return [[] for _ in range(len(vectors))]
        with self._answering():
            result = self._collection.query(
                query_embeddings=np.asarray(vectors, dtype=np.float32),
                n_results=limit,
                where=where,
                include=["distances"],
            )
        out: list[list[tuple[str, float]]] = []
        for ids, distances in zip(result["ids"], result["distances"] or [], strict=True):
            out.append([(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)])
        return out

    def get_page(self, offset: int, limit: int) -> dict[str, Any]:
        """A page of stored ids, texts and metadata (to rebuild the lexical index)."""
        page: dict[str, Any] = self._collection.get(
            offset=offset, limit=limit, include=["documents", "metadatas"]
        )
        return page
