"""Retrieval evaluation metrics on a real (small) MedQuAD sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.evaluation import EvalQuestion, ModeScores, evaluate, format_table, medquad_questions
from knowledge.retrieval import Retriever

pytestmark = pytest.mark.slow


class TestModeScores:
    """ModeScores.add()."""

    @pytest.mark.parametrize(
        ("rank", "hits1", "hits5", "rr"),
        [(1, 1, 1, 1.0), (3, 0, 1, 1 / 3), (7, 0, 0, 1 / 7), (11, 0, 0, 0.0), (None, 0, 0, 0.0)],
    )
    def test_rank(self, rank: int | None, hits1: int, hits5: int, rr: float) -> None:
        """hit@1, hit@5 and reciprocal rank (cut at 10) for one question."""
        scores = ModeScores()
        scores.add(rank)
        assert (scores.hits1, scores.hits5) == (hits1, hits5)
        assert scores.rr == pytest.approx(rr)


class TestEvaluate:
    """evaluate() on the seeded knowledge base."""

    def test_medquad_questions_find_their_answers(self, seeded_kb: Retriever, corpus: Path) -> None:
        """The four MedQuAD questions find their own answers in the top 5 with fused retrieval."""
        questions = medquad_questions(corpus / "medquad", None, 0)
        assert len(questions) == 4
        result = evaluate(seeded_kb, "MedQuAD", questions)
        rows = {mode: (h1, h5, mrr) for _, mode, h1, h5, mrr in result.rows()}
        assert set(rows) == {"dense", "BM25", "fused (guarded)"}
        assert rows["fused (guarded)"][1] == 1.0
        assert 0 < rows["fused (guarded)"][2] <= 1.0
        assert "| MedQuAD | 4 | fused (guarded) |" in format_table([result])

    def test_unknown_target_scores_zero(self, seeded_kb: Retriever) -> None:
        """A question whose target is not ingested scores zero everywhere."""
        result = evaluate(seeded_kb, "none", [EvalQuestion("pneumonia", "medquad:absent")])
        assert all(h1 == h5 == mrr == 0 for *_, h1, h5, mrr in result.rows())
