"""Knowledge library: corpus loaders, chunking, embeddings, vector store, hybrid retrieval, evaluation.

Entry points: :class:`knowledge.retrieval.Retriever` (ingest, search, delete, stats),
:class:`KnowledgeConfig` (where it lives, which local models), :func:`catalogue_stats`
(what is ingested, read-only, no model loaded) and :func:`pack_path` (the starter
knowledge pack shipped with the package).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from knowledge.catalogue import CatalogueStats, catalogue_stats
from knowledge.config import KnowledgeConfig


def pack_path() -> Path:
    """Folder of the starter knowledge pack (Markdown notes with YAML front matter)."""
    return Path(str(files("knowledge") / "pack"))


__all__ = ["CatalogueStats", "KnowledgeConfig", "catalogue_stats", "pack_path"]
