"""Focus-aware reordering of fused candidates (knowledge.focus_rank)."""

from __future__ import annotations

from knowledge.focus_rank import passage_type, rerank_by_focus, title_matches
from knowledge.query import extract_focus
from tests.knowledge.pack_passages import pack_passages


class TestRerankByFocus:
    """rerank_by_focus()."""

    def test_topic_and_section_move_up(self) -> None:
        """A passage from the asked condition's note, in its tests section, rises above others."""
        passages = pack_passages("community-acquired-pneumonia-adults", "pulmonary-embolism")
        focus = extract_focus(
            "what test do they do to check for a blood clot in the lung?", {"pulmonary embolism"}
        )
        ranked = rerank_by_focus(passages, focus)
        assert ranked[0].source_id == "pack:pulmonary-embolism"
        assert passage_type(ranked[0]) == "exams and tests"
        assert ranked[0].scores["focus"] > 0

    def test_no_focus_keeps_order(self) -> None:
        """Without a condition or question type the fused order is kept."""
        passages = pack_passages("pleurisy")
        focus = extract_focus("hello", set())
        assert rerank_by_focus(passages, focus) == passages
        assert rerank_by_focus(passages, None) == passages

    def test_title_match_needs_every_word(self) -> None:
        """A condition matches a title only when all its words are in it."""
        passage = pack_passages("pulmonary-embolism")[0]
        assert title_matches(passage, "pulmonary embolism")
        assert not title_matches(passage, "pulmonary fibrosis")
