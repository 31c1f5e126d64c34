"""The starter knowledge pack shipped with the package."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import pack_path
from knowledge.loaders.markdown import load_markdown

NOTES = sorted(pack_path().glob("*.md"))


class TestStarterPack:
    """Every note of knowledge/pack."""

    def test_pack_is_shipped(self) -> None:
        """The pack folder exists inside the package and holds at least ten notes."""
        assert pack_path().is_dir() and len(NOTES) >= 10

    @pytest.mark.parametrize("note", NOTES, ids=lambda p: p.stem)
    def test_note_is_referenced(self, note: Path) -> None:
        """Each note has a unique pack id, a date, a licence and sources with year and URL or DOI."""
        doc = load_markdown(note)
        assert doc.source_id == f"pack:{note.stem}"
        assert doc.doc_type == "guideline_note" and doc.licence and doc.date
        assert doc.references, "a note must cite its sources"
        for ref in doc.references:
            assert ref.title and ref.organisation and ref.year
            assert ref.url or ref.doi
        assert len(doc.sections) >= 3
