"""Per-sentence relevance: does a passage answer what the sentence claims (knowledge.relevance)."""

from __future__ import annotations

import pytest

from knowledge import pack_path
from knowledge.loaders.markdown import load_markdown
from knowledge.relevance import RelevanceScorer, is_relevant, judge, score, sentence_terms

DDIMER = "A normal D-dimer makes a blood clot in the lung very unlikely when the probability is low."
PE = load_markdown(pack_path() / "pulmonary-embolism.md")
CAP = load_markdown(pack_path() / "community-acquired-pneumonia-adults.md")
ABX = load_markdown(pack_path() / "antibiotics-common-questions.md")


class TestSentenceTerms:
    """sentence_terms()."""

    def test_lay_words_become_conditions(self) -> None:
        """A lay phrase is read as its condition; the rest are claim terms."""
        conditions, claims = sentence_terms("Could this be a blood clot in the lung instead?")
        assert conditions == ("pulmonary embolism",)
        assert "instead" in claims


class TestKeyTermRelevance:
    """score(), is_relevant() and judge() without a model."""

    @pytest.mark.parametrize(
        ("sentence", "doc", "expected"),
        [
            (DDIMER, PE, True),
            (DDIMER, CAP, False),
            ("CT pulmonary angiography shows the clot directly.", PE, True),
            ("CT pulmonary angiography shows the clot directly.", CAP, False),
            ("Pneumonia is usually confirmed by a chest X-ray showing a new shadow.", CAP, True),
            ("Pneumonia is usually confirmed by a chest X-ray showing a new shadow.", PE, False),
            ("Amoxicillin is the usual first antibiotic for pneumonia treated at home.", ABX, True),
            ("Amoxicillin is the usual first antibiotic for pneumonia treated at home.", PE, False),
        ],
    )  # fmt: skip
    def test_table(self, sentence: str, doc: object, expected: bool) -> None:
        """A passage supports sentences about its own topic and not sentences about another."""
        assert is_relevant(sentence, doc.text, doc.title) is expected  # type: ignore[attr-defined]

    def test_passing_mention_counts_half(self) -> None:
        """A condition named only in a list of alternatives does not make the passage about it."""
        sentence = "Pulmonary embolism causes sudden breathlessness."
        assert score(sentence, PE.text, PE.title) == 1.0
        assert 0 < score(sentence, CAP.text, CAP.title) <= 0.5

    def test_verdict_explains_a_miss(self) -> None:
        """A rejected citation says which condition the passage does not cover."""
        verdict = judge("Sarcoidosis is confirmed by a biopsy.", CAP.text, CAP.title)
        assert not verdict.relevant and verdict.method == "key_terms"
        assert "sarcoidosis" in verdict.reason()

    def test_empty_sentence_is_not_supported(self) -> None:
        """A sentence with no key terms is never judged supported."""
        assert score("It is what it is.", CAP.text) == 0.0


class TestRelevanceScorer:
    """RelevanceScorer with and without a cross-encoder."""

    def test_without_model_matches_key_terms(self) -> None:
        """Without a cross-encoder the scorer is the key-term check."""
        scorer = RelevanceScorer()
        sentence = "CT pulmonary angiography shows the clot directly."
        assert scorer.score(sentence, PE.text, PE.title) == score(sentence, PE.text, PE.title)
        assert scorer.is_relevant(sentence, PE.text, PE.title)

    def test_cross_encoder_keeps_condition_guard(self) -> None:
        """A cross-encoder's high score cannot make a passage support a condition it never names."""

        class AlwaysHigh:
            def score(self, query: str, passages: list[str], batch_size: int = 32) -> list[float]:
                return [9.0 for _ in passages]

        scorer = RelevanceScorer(cross_encoder=AlwaysHigh())  # type: ignore[arg-type]
        verdict = scorer.judge("Sarcoidosis is confirmed by a biopsy.", CAP.text, CAP.title)
        assert verdict.method == "cross_encoder" and verdict.score > 0.99
        assert not verdict.relevant
        assert scorer.is_relevant("Pneumonia is confirmed by a chest X-ray.", CAP.text, CAP.title)
