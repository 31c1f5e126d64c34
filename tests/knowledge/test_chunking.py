"""Chunking by sections and sentences, with stable content-hash ids."""

from __future__ import annotations

import re

import pytest

from knowledge import pack_path
from knowledge.chunking import Chunker, ChunkingConfig
from knowledge.documents import Document, Section
from knowledge.loaders.markdown import load_markdown


def make_doc(*sections: tuple[str | None, str], source_id: str = "test:doc") -> Document:
    """A document with the given (heading, text) sections."""
    return Document(
        source_id=source_id,
        title="Test",
        doc_type="markdown",
        sections=tuple(Section(heading=h, text=t) for h, t in sections),
    )


class TestChunker:
    """Chunker.chunk()."""

    def test_short_sections_are_packed_with_their_headings(self) -> None:
        """Consecutive short sections share a chunk whose section names both headings."""
        chunks = Chunker().chunk(make_doc(("Causes", "Infection."), ("Signs", "Fever and cough.")))
        assert len(chunks) == 1
        assert chunks[0].section == "Causes / Signs"
        assert chunks[0].text == "Infection.\n\nFever and cough."

    def test_long_section_splits_at_sentences(self) -> None:
        """A long section is split at sentence ends, each chunk within the size limit."""
        text = "".join(
            f"Nodule {i} measured {i} millimetres and was solid on every image. " for i in range(40)
        )
        doc = make_doc(("Findings", text))
        chunks = Chunker(ChunkingConfig(chunk_size=300, chunk_overlap=0)).chunk(doc)
        assert len(chunks) > 5
        for chunk in chunks:
            assert len(chunk.text) <= 300
            assert chunk.text.endswith("image.")
            assert chunk.section == "Findings"

    def test_large_section_starts_a_new_chunk(self) -> None:
        """A section too long to pack is never merged with its neighbours."""
        long = "".join(f"Sentence {i} about effusions. " for i in range(60))
        chunks = Chunker(ChunkingConfig(chunk_size=400, chunk_overlap=0)).chunk(
            make_doc(("Intro", "Short intro."), ("Body", long), ("End", "Short end."))
        )
        assert chunks[0].section == "Intro" and chunks[0].text == "Short intro."
        assert chunks[-1].section == "End" and chunks[-1].text == "Short end."

    def test_ids_are_stable_and_content_based(self) -> None:
        """Ids repeat across runs, change with the text, and differ between documents."""
        a = Chunker().chunk(make_doc((None, "Same text.")))
        b = Chunker().chunk(make_doc((None, "Same text.")))
        c = Chunker().chunk(make_doc((None, "Other text.")))
        d = Chunker().chunk(make_doc((None, "Same text."), source_id="test:other"))
        assert a[0].chunk_id == b[0].chunk_id
        assert len({a[0].chunk_id, c[0].chunk_id, d[0].chunk_id}) == 3
        assert re.fullmatch(r"[0-9a-f]{32}", a[0].chunk_id)

    def test_duplicate_chunks_in_a_document_are_dropped(self) -> None:
        """The same paragraph twice in one document is stored once."""
        text = "Repeated paragraph about dose. " * 20
        chunks = Chunker(ChunkingConfig(chunk_size=700, chunk_overlap=0)).chunk(
            make_doc(("A", text), ("B", text))
        )
        assert len({c.chunk_id for c in chunks}) == len(chunks) == 1

    @pytest.mark.parametrize("note", sorted(p.name for p in pack_path().glob("*.md")))
    def test_pack_notes_chunk_within_model_window(self, note: str) -> None:
        """Every pack note chunks into passages of at most 900 characters carrying provenance."""
        doc = load_markdown(pack_path() / note)
        chunks = Chunker().chunk(doc)
        assert chunks and all(len(c.text) <= 900 for c in chunks)
        assert {c.provenance.source_id for c in chunks} == {doc.source_id}
        assert [c.ordinal for c in chunks] == list(range(len(chunks)))
