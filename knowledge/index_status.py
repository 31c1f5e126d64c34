"""Open the configured catalogue, and say whether the two indexes agree.

Retrieval needs both stores: the vectors (Chroma) and the catalogue with its keyword
index (SQLite file or PostgreSQL). A host that has one without the other finds no
evidence and must say so instead of answering without it. :func:`index_status` compares
their chunk counts cheaply (no embedding model is loaded), for readiness checks, the
CLI and the drafting job.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from knowledge.config import KnowledgeConfig
from knowledge.documents import Chunk, Document
from knowledge.errors import KnowledgeError
from knowledge.filters import Filters
from knowledge.lexical import ChunkRecord


class Catalogue(Protocol):
    """What ingest and retrieval need from a catalogue backend (SQLite file or PostgreSQL)."""

    backend: str

    @property
    def location(self) -> str: ...
    def transaction(self) -> AbstractContextManager[Any]: ...
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def document_hashes(self, source_ids: Sequence[str]) -> dict[str, str]: ...
    def sources_from_origin(self, origin: str) -> list[str]: ...
    def chunk_ids(self, source_id: str) -> list[str]: ...
    def write_document(self, conn: Any, doc: Document, chunks: list[Chunk]) -> None: ...
    def delete_source(self, conn: Any, source_id: str) -> int: ...
    def get_chunks(self, chunk_ids: Iterable[str]) -> dict[str, ChunkRecord]: ...
    def search(self, query: str, limit: int, filters: Filters | None = None) -> list[tuple[str, float]]: ...
    def counts(self) -> dict[str, Any]: ...
    def document_frequency(self, term: str) -> int: ...
    def forget_term_stats(self) -> None: ...
    def drop_common_terms(self, terms: Sequence[str], max_share: float = ...) -> list[str]: ...
    def titles(self, max_words: int = 6) -> set[str]: ...
    def iter_chunk_rows(self, batch: int = 1000) -> Iterator[list[ChunkRecord]]: ...
    def optimize(self) -> None: ...
    def clear(self) -> None: ...
    def close(self) -> None: ...


def open_lexical_index(config: KnowledgeConfig) -> Catalogue:
    """The catalogue the config names: PostgreSQL when ``lexical_url`` is set, else the SQLite file."""
    match config.lexical_backend:
        case "postgresql":
            from knowledge.lexical_pg import PostgresLexicalIndex

            assert config.lexical_url is not None
            return PostgresLexicalIndex(config.lexical_url, config.collection)
        case "sqlite":
            from knowledge.lexical import LexicalIndex

            return LexicalIndex(config.lexical_path)


@dataclass(frozen=True)
class IndexStatus:
    """Chunk counts in the vector store and the catalogue, and what they mean.

    Attributes:
        lexical_backend: ``"sqlite"`` or ``"postgresql"``.
        lexical_location: The SQLite file or the database (no password).
        lexical_chunks: Chunks in the catalogue (None when it could not be read).
        vectors: Vectors in the collection (None when the store could not be read).
        error: Why a store could not be read, if one could not.
    """

    lexical_backend: str
    lexical_location: str
    lexical_chunks: int | None
    vectors: int | None
    error: str = ""

    @property
    def empty(self) -> list[str]:
        """Names of the indexes that hold nothing."""
        out = []
        if self.vectors == 0:
            out.append("vector store")
        if self.lexical_chunks == 0:
            out.append(f"lexical index ({self.lexical_backend})")
        return out

    @property
    def stale(self) -> bool:
        """Both stores hold chunks but not the same number (one missed an ingest)."""
        return bool(self.vectors and self.lexical_chunks and self.vectors != self.lexical_chunks)

    @property
    def ok(self) -> bool:
        """Both stores readable, non-empty and in step."""
        return not self.error and not self.empty and not self.stale

    @property
    def message(self) -> str:
        """One line for an operator: what is wrong and the command that fixes it."""
        if self.error:
            return f"knowledge index unreadable: {self.error}"
        if self.vectors == 0 and self.lexical_chunks == 0:
            return "knowledge base is empty: run `second-opinion knowledge ingest` (or `demo seed`)"
        if self.lexical_chunks == 0:
            return (
                f"lexical index ({self.lexical_backend}, {self.lexical_location}) is empty while the "
                f"vector store holds {self.vectors} chunks: run `second-opinion knowledge reindex`"
            )
        if self.vectors == 0:
            return (
                f"vector store is empty while the lexical index holds {self.lexical_chunks} chunks: "
                "run `second-opinion knowledge ingest` on the library"
            )
        if self.stale:
            return (
                f"lexical index is stale: {self.lexical_chunks} chunks in the lexical index "
                f"({self.lexical_backend}), {self.vectors} in the vector store: run "
                "`second-opinion knowledge reindex`"
            )
        return f"knowledge index ok: {self.vectors} chunks in both stores ({self.lexical_backend})"

    def as_dict(self) -> dict[str, Any]:
        """For JSON output (readiness, `knowledge status`)."""
        return {
            "ok": self.ok,
            "message": self.message,
            "lexical_backend": self.lexical_backend,
            "lexical_location": self.lexical_location,
            "lexical_chunks": self.lexical_chunks,
            "vectors": self.vectors,
            "empty": self.empty,
            "stale": self.stale,
        }


def vector_count(config: KnowledgeConfig) -> int:
    """Vectors in the configured collection (0 when it does not exist), without an embedder."""
    from knowledge.vector_store import _client

    client = _client(config)
    names = {getattr(c, "name", c) for c in client.list_collections()}
    return int(client.get_collection(config.collection).count()) if config.collection in names else 0


def index_status(
    config: KnowledgeConfig, lexical: Catalogue | None = None, vectors: int | None = None
) -> IndexStatus:
    """Compare the catalogue and the vector store; never raises for an unreachable store.

    Args:
        config: Where the stores are.
        lexical: An already open catalogue to count (opened, then closed, when None).
        vectors: An already known vector count (counted from the store when None).
    """
    location = str(config.lexical_path)
    if config.lexical_url:
        from sqlalchemy.engine import make_url

        location = make_url(config.lexical_url).render_as_string(hide_password=True)
    errors: list[str] = []
    chunks: int | None = None
    if lexical is None and config.lexical_backend == "sqlite" and not config.lexical_path.is_file():
        chunks = 0  # never create the file just to count it
    else:
        try:
            index = lexical or open_lexical_index(config)
            location = index.location
            chunks = int(index.counts()["chunks"])
            if lexical is None:
                index.close()
        except (KnowledgeError, Exception) as e:
            errors.append(f"lexical index: {e}")
    if vectors is None:
        try:
            vectors = vector_count(config)
        except Exception as e:
            errors.append(f"vector store ({config.vector_mode}): {e}")
    return IndexStatus(config.lexical_backend, location, chunks, vectors, "; ".join(errors))
