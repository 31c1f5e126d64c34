"""Reading and editing stored opinion content through the one reader."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.errors import ValidationError
from assistant.opinion import apply_edits, filled_sections, section_texts, title_of

LIST_SHAPE: dict[str, Any] = {
    "sections": [
        {"key": "summary", "title": "Summary of your question", "sentences": [{"text": "S."}]},
        {"key": "questions", "sentences": [{"text": "Q1?"}, {"text": "Q2?"}]},
        {"key": "limitations", "sentences": []},
    ]
}


class TestSectionTexts:
    @pytest.mark.parametrize(
        ("key", "title"),
        [("images", "What the images show"), ("question", "Your question"), ("other_notes", "Other notes")],
    )
    def test_titles(self, key: str, title: str) -> None:
        """Known keys get the pipeline's titles; others a readable form of the key."""
        assert title_of(key) == title

    def test_mapping_shape_in_reading_order_with_titles(self) -> None:
        """The ``{key: text}`` shape is read in section order under the canonical titles."""
        texts = section_texts({"sections": {"limitations": "L.", "extra": "E.", "summary": "S."}})
        assert [(t.key, t.title, t.text) for t in texts] == [
            ("summary", "Summary of your question", "S."),
            ("limitations", "Limitations and uncertainty", "L."),
            ("extra", "Extra", "E."),
        ]

    def test_questions_one_per_line(self) -> None:
        """Questions join with newlines; every section is listed, even an empty one."""
        texts = {t.key: t.text for t in section_texts(LIST_SHAPE)}
        assert texts == {"summary": "S.", "questions": "Q1?\nQ2?", "limitations": ""}

    @pytest.mark.parametrize("sections", [5, None, [1, {"no": "key"}]])
    def test_unrecognised_shapes_read_as_nothing(self, sections: Any) -> None:
        """Garbage renders as no sections rather than failing."""
        assert section_texts({"sections": sections}) == []

    def test_filled_sections_drop_empty_and_strip(self) -> None:
        """What a patient receives leaves out empty sections and surrounding blanks."""
        content = {"sections": {"summary": "  S.  ", "images": " ", "limitations": None}}
        assert [(t.key, t.text) for t in filled_sections(content)] == [("summary", "S.")]


class TestApplyEdits:
    def test_rewrites_sentences_as_clinician(self) -> None:
        """An edited section's sentences become the clinician's, with their citations."""
        edited = apply_edits(LIST_SHAPE, {"summary": "New one [2]. Second."})
        [summary] = [s for s in edited["sections"] if s["key"] == "summary"]
        assert [(s["text"], s["origin"], s["citations"]) for s in summary["sentences"]] == [
            ("New one [2].", "clinician", [2]),
            ("Second.", "clinician", []),
        ]

    def test_unknown_section_refused(self) -> None:
        """Editing a section the draft does not have is refused by name."""
        with pytest.raises(ValidationError, match="Unknown sections: nope"):
            apply_edits(LIST_SHAPE, {"nope": "x"})

    def test_listed_citations_are_kept(self) -> None:
        """A clinician edit citing "[1, 2]" is saved with both citations, and "e.g." does not split."""
        edited = apply_edits(
            LIST_SHAPE, {"summary": "Pneumonia, e.g. Lobar, fits [1, 2]. A clot is unlikely [3]."}
        )
        [summary] = [s for s in edited["sections"] if s["key"] == "summary"]
        assert [(s["text"], s["citations"]) for s in summary["sentences"]] == [
            ("Pneumonia, e.g. Lobar, fits [1, 2].", [1, 2]),
            ("A clot is unlikely [3].", [3]),
        ]
