"""Clinician edits of stored opinion content, on drafts the drafting job's writer stores."""

from __future__ import annotations

import pytest

from assistant.drafting.stored import StoredContent
from assistant.errors import ValidationError
from assistant.opinion import apply_edits, section_texts
from tests.assistant.stored_drafts import columns, composed
from tests.assistant.web.staff import review_draft


class TestApplyEdits:
    def test_rewrites_sentences_as_clinician(self) -> None:
        """An edited section's sentences become the clinician's, with their citations; others are kept."""
        content = columns(review_draft())["content"]
        edited = apply_edits(content, {"summary": "New one [2]. Second."})
        [summary] = [s for s in edited["sections"] if s["key"] == "summary"]
        assert [(s["text"], s["origin"], s["citations"]) for s in summary["sentences"]] == [
            ("New one [2].", "clinician", [2]),
            ("Second.", "clinician", []),
        ]
        before, after = section_texts(content), section_texts(edited)
        assert [t for t in after if t.key != "summary"] == [t for t in before if t.key != "summary"]
        assert StoredContent.read(edited).priority == "routine"

    def test_questions_split_by_line(self) -> None:
        """Edited questions stay one per line."""
        edited = apply_edits(columns(review_draft())["content"], {"questions": "First?\nSecond?"})
        assert StoredContent.read(edited).texts_by_key()["questions"] == "First?\nSecond?"

    def test_answer_paragraphs_survive_an_edit(self) -> None:
        """An edited answers section keeps one paragraph per answer, as the AI original had."""
        text = (
            "On whether the diagnosis is right: The film fits it [1]. A CT would settle it.\n\n"
            "On what should happen next: A review in six weeks."
        )
        draft = composed([("answers", [("On whether the diagnosis is right:",), ("It fits [1].",)])])
        edited = apply_edits(columns(draft)["content"], {"answers": text})
        assert StoredContent.read(edited).texts_by_key()["answers"] == text

    def test_unknown_section_refused(self) -> None:
        """Editing a section the draft does not have is refused by name."""
        with pytest.raises(ValidationError, match="Unknown sections: nope"):
            apply_edits(columns(review_draft())["content"], {"nope": "x"})

    def test_listed_citations_are_kept(self) -> None:
        """A clinician edit citing "[1, 2]" is saved with both citations, and "e.g." does not split."""
        edited = apply_edits(
            columns(review_draft())["content"],
            {"summary": "Pneumonia, e.g. Lobar, fits [1, 2]. A clot is unlikely [3]."},
        )
        [summary] = [s for s in edited["sections"] if s["key"] == "summary"]
        assert [(s["text"], s["citations"]) for s in summary["sentences"]] == [
            ("Pneumonia, e.g. Lobar, fits [1, 2].", [1, 2]),
            ("A clot is unlikely [3].", [3]),
        ]
