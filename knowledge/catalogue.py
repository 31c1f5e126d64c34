"""Read-only figures about an ingested knowledge base, for status pages and health checks.

:func:`catalogue_stats` opens the SQLite catalogue (:mod:`knowledge.lexical`) read-only and
loads no model, so an operator's page can show what is ingested without building a
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

    path: Path
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
        CatalogueUnreadableError: The file exists but is not a readable catalogue.
    """
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
    return CatalogueStats(path, docs, chunks, by_type)
