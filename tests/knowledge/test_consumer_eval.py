"""The consumer-question sets and their scoring (knowledge.consumer_eval)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.consumer_eval import first_hit, load_questions
from knowledge.loaders import load_paths

DATA = Path(__file__).resolve().parents[1] / "data" / "retrieval"
TEST_SET = DATA / "consumer_questions.json"
DEV_SET = DATA / "consumer_questions_dev.json"


class TestQuestionSets:
    """The versioned question files in tests/data/retrieval."""

    def test_sets_load_and_are_disjoint(self) -> None:
        """Both sets load; no question or (focus, type) pair of the dev set is in the evaluation set."""
        test, dev = load_questions(TEST_SET), load_questions(DEV_SET)
        assert len(test) >= 50 and len(dev) >= 10
        assert {(q.focus, q.qtype) for q in test}.isdisjoint({(q.focus, q.qtype) for q in dev})
        assert all(q.real != q.paraphrase and q.targets for q in test + dev)

    def test_sets_say_how_they_were_written(self) -> None:
        """The files state that the project wrote the phrasings, not that they were gathered."""
        note = json.loads(TEST_SET.read_text(encoding="utf-8"))["note"]
        assert "written by the project" in note and "not gathered" in note

    def test_targets_are_real_medquad_answers(self, medquad_dir: Path) -> None:
        """Every judged answer id exists in MedQuAD with the question's focus and type."""
        docs = {d.source_id: d for d in load_paths([medquad_dir]).documents}
        for q in load_questions(TEST_SET) + load_questions(DEV_SET):
            for target in q.targets:
                doc = docs[target]
                assert doc.title.lower() == q.focus.lower() and doc.extra["qtype"] == q.qtype


class TestFirstHit:
    """first_hit()."""

    @pytest.mark.parametrize(
        ("ranked", "expected"),
        [(["x", "t2", "t1"], 2), (["t1"], 1), (["x", "y"], None), ([], None)],
    )
    def test_table(self, ranked: list[str], expected: int | None) -> None:
        """The rank of the first judged document, 1-based."""
        assert first_hit(ranked, frozenset({"t1", "t2"})) == expected
