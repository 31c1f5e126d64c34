"""The SQLite catalogue's term statistics (knowledge.lexical)."""

from __future__ import annotations

from pathlib import Path

from knowledge import pack_path
from knowledge.chunking import Chunker
from knowledge.lexical import LexicalIndex
from knowledge.loaders import load_paths


class TestDropCommonTerms:
    """LexicalIndex.drop_common_terms() over the real starter pack."""

    def _index(self, tmp_path: Path) -> LexicalIndex:
        index = LexicalIndex(tmp_path / "pack.sqlite3")
        with index.transaction() as conn:
            for doc in load_paths([pack_path()]).documents:
                index.write_document(conn, doc, Chunker().chunk(doc))
        return index

    def test_common_terms_dropped_rare_kept(self, tmp_path: Path) -> None:
        """A word in most notes ('urgent') is dropped; a rare one ('sarcoidosis') is kept."""
        index = self._index(tmp_path)
        assert index.document_frequency("urgent") > index.document_frequency("sarcoidosis") > 0
        assert index.drop_common_terms(["urgent", "sarcoidosis"], max_share=0.2) == ["sarcoidosis"]

    def test_rarest_term_always_kept(self, tmp_path: Path) -> None:
        """When every term is common, the rarest one is kept so the query is never empty."""
        index = self._index(tmp_path)
        kept = index.drop_common_terms(["urgent", "care"], max_share=0.0)
        assert len(kept) == 1 and kept[0] in ("urgent", "care")
        assert index.drop_common_terms([]) == []

    def test_stats_forgotten(self, tmp_path: Path) -> None:
        """Cached frequencies are dropped on request (the retriever does so after every write)."""
        index = self._index(tmp_path)
        index.document_frequency("pneumonia")
        index.forget_term_stats()
        assert index._df == {}
