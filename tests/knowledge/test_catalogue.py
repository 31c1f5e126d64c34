"""Read-only catalogue figures for status pages (knowledge.catalogue)."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import KnowledgeConfig, catalogue_stats, pack_path
from knowledge.chunking import Chunker
from knowledge.errors import CatalogueUnreadableError
from knowledge.lexical import LexicalIndex
from knowledge.loaders import load_paths


class TestCatalogueStats:
    def test_nothing_ingested(self, tmp_path: Path) -> None:
        """No catalogue file: None, and no file is created by asking."""
        config = KnowledgeConfig(chroma_path=tmp_path / "chroma")
        assert catalogue_stats(config) is None
        assert not config.lexical_path.exists()

    def test_counts_the_starter_pack(self, tmp_path: Path) -> None:
        """Documents, chunks and documents per type match what was written."""
        config = KnowledgeConfig(chroma_path=tmp_path / "chroma")
        documents = load_paths([pack_path()]).documents
        index = LexicalIndex(config.lexical_path)
        chunks = 0
        with index.transaction() as conn:
            for doc in documents:
                pieces = Chunker().chunk(doc)
                chunks += len(pieces)
                index.write_document(conn, doc, pieces)
        index.close()
        stats = catalogue_stats(config)
        assert stats is not None
        assert (stats.documents, stats.chunks) == (len(documents), chunks)
        by_type: dict[str, int] = {}
        for doc in documents:
            by_type[doc.doc_type] = by_type.get(doc.doc_type, 0) + 1
        assert dict(stats.by_type) == by_type

    def test_unreadable_file(self, tmp_path: Path) -> None:
        """A file that is not a catalogue raises an error naming it and the remedy."""
        config = KnowledgeConfig(chroma_path=tmp_path)
        config.lexical_path.write_bytes(b"garbage, not SQLite")
        with pytest.raises(CatalogueUnreadableError, match="Ingest the sources again"):
            catalogue_stats(config)
