"""Read-only figures about an ingested knowledge base, for status pages and health checks.

:func:`catalogue_stats` reads the catalogue (the SQLite file of :mod:`knowledge.lexical`,
opened read-only, or the PostgreSQL tables of :mod:`knowledge.lexical_pg`) and loads no
model, so an operator's page can show what is ingested without building a
retriever, and the application never needs to know the catalogue's tables.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from knowledge.config import KnowledgeConfig
from knowledge.errors import CatalogueUnreadableError


@dataclass(frozen=True)
class CatalogueStats:
    """Documents and chunks in the catalogue, and documents per document type."""

    #: The SQLite file, or the PostgreSQL database (no password).
    location: str
    documents: int
    chunks: int
    by_type: tuple[tuple[str, int], ...]


def catalogue_stats(config: KnowledgeConfig) -> CatalogueStats | None:
    """Count what the knowledge base holds, without writing to it.

    Args:
        config: Where the knowledge base lives.

    Returns:
        The counts, or None when nothing has been ingested yet (no catalogue file).

    Raises:
        CatalogueUnreadableError: The file exists but is not a readable catalogue, or the
            PostgreSQL catalogue cannot be read.
    """
    if config.lexical_backend == "postgresql":
        return _postgres_stats(config)
    path = config.lexical_path
    if not path.is_file():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            docs = int(db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
            chunks = int(db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])
            by_type = tuple(
                (str(t), int(n))
                for t, n in db.execute(
                    "SELECT doc_type, COUNT(*) FROM documents GROUP BY doc_type ORDER BY doc_type"
                )
            )
    except sqlite3.Error as e:
        raise CatalogueUnreadableError(path, str(e)) from e
    return CatalogueStats(str(path), docs, chunks, by_type)


def _postgres_stats(config: KnowledgeConfig) -> CatalogueStats:
    """Counts from the catalogue in PostgreSQL (shared by every host)."""
    from knowledge.errors import KnowledgeError
    from knowledge.index_status import open_lexical_index

    try:
        index = open_lexical_index(config)
        try:
            counts = index.counts()  # type: ignore[attr-defined]
        finally:
            index.close()
    except KnowledgeError as e:
        raise CatalogueUnreadableError(Path("PostgreSQL"), str(e)) from e
    by_type = tuple(sorted((str(t), int(v["documents"])) for t, v in counts["by_type"].items()))
    location = str(getattr(index, "location", "PostgreSQL"))
    return CatalogueStats(location, int(counts["documents"]), int(counts["chunks"]), by_type)
