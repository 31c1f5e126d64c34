"""The read model of a stored draft: what the writer stores reads back; anything else is refused."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from assistant.drafting.stored import (
    StoredContent,
    StoredDraft,
    StoredDraftError,
    StoredEvidence,
    section_texts,
)
from tests.assistant.stored_drafts import columns
from tests.assistant.web.staff import HITS, review_draft, summary_findings


def _columns() -> dict[str, Any]:
    return columns(review_draft(), hits=HITS, findings=summary_findings())


class TestRoundTrip:
    def test_written_columns_read_back(self) -> None:
        """Sections, checks, passages and findings the writer stores come back typed and equal."""
        draft = review_draft()
        fields = _columns()
        stored = StoredDraft.read(fields["content"], fields["checks"], fields["evidence"])
        assert [s.key for s in stored.content.sections] == [s.key for s in draft.sections]
        assert stored.content.section_texts()[0].title == "Summary of your question"
        assert stored.checks.citations == draft.citation_metrics and stored.checks.flags == draft.flags
        assert [p.number for p in stored.evidence.passages] == [1, 2, 3]
        assert stored.evidence.passages[0].source_id == "medlineplus:pneumonia"
        assert stored.evidence.findings == summary_findings()

    def test_filled_sections_drop_empty_and_strip(self) -> None:
        """What a patient receives leaves out sections with nothing to say."""
        content = _columns()["content"]
        content["sections"][1]["sentences"] = []
        filled = StoredContent.read(content).filled_sections()
        assert "first_diagnosis" not in [s.key for s in filled] and all(
            s.text == s.text.strip() for s in filled
        )

    def test_row_from_before_sub_questions_reads(self) -> None:
        """Rows written before answers, sub-questions and alternatives existed still read."""
        content = _columns()["content"]
        for key in ("sub_questions", "alternatives"):
            del content[key]
        for section in content["sections"]:
            for sentence in section["sentences"]:
                del sentence["question_ref"], sentence["condition_ref"]
        assert section_texts(content)[0].key == "summary"


class TestRefused:
    @pytest.mark.parametrize(
        ("change", "where"),
        [
            (lambda c: c.update(sections={"summary": "S."}), "sections"),
            (lambda c: c["sections"][0].update(key="question"), "sections.0.key"),
            (lambda c: c["sections"][0]["sentences"][0].pop("origin"), "sections.0.sentences.0.origin"),
        ],
    )
    def test_content_nobody_writes(self, change: Any, where: str) -> None:
        """Shapes no writer produces fail loudly, naming the field, instead of rendering nothing."""
        content = copy.deepcopy(_columns()["content"])
        change(content)
        with pytest.raises(StoredDraftError, match=re.escape(f"StoredContent: {where}")):
            StoredContent.read(content)

    def test_evidence_nobody_writes(self) -> None:
        """A passage without a number is refused."""
        evidence = _columns()["evidence"]
        del evidence["passages"][0]["number"]
        with pytest.raises(StoredDraftError, match=re.escape("passages.0.number")):
            StoredEvidence.read(evidence)

    def test_empty_columns_read_as_empty(self) -> None:
        """Checks and evidence of a draft with none are empty, not an error."""
        assert StoredEvidence.read({}).passages == [] and StoredEvidence.read(None).imaging.uploads == []
