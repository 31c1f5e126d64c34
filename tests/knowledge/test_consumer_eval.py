"""The consumer-question sets and their scoring (knowledge.consumer_eval)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.consumer_eval import first_hit, load_questions, split_of
from knowledge.loaders import load_paths

DATA = Path(__file__).resolve().parents[1] / "data" / "retrieval"
TEST_SET = DATA / "consumer_questions.json"
DEV_SET = DATA / "consumer_questions_dev.json"
LIVEQA_SET = DATA / "liveqa_questions.json"


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


class TestLiveQASet:
    """The real consumer questions (TREC 2017 LiveQA medical test set) with judged MedQuAD answers."""

    def test_loads_with_both_halves(self) -> None:
        """Every question has both phrasings, judged targets and a dev or held-out half."""
        questions = load_questions(LIVEQA_SET)
        assert len(questions) >= 30
        assert {q.split for q in questions} == {"dev", "held_out"}
        assert all(q.real.strip() and q.paraphrase.strip() and q.real != q.paraphrase for q in questions)
        assert all(q.targets for q in questions)

    def test_halves_are_fixed_by_the_id(self) -> None:
        """The half of each question is the one its id hashes to, so it cannot be moved after a look."""
        for q in load_questions(LIVEQA_SET):
            assert q.split == split_of(q.qid)

    def test_says_where_it_comes_from(self) -> None:
        """The file names its public source and the judgments it uses."""
        note = json.loads(LIVEQA_SET.read_text(encoding="utf-8"))["note"]
        assert "TREC 2017 LiveQA" in note and "judged 3" in note and "held_out" in note

    def test_targets_are_medquad_answers_we_hold(self, medquad_dir: Path) -> None:
        """Every judged answer id is a MedQuAD answer present in the shared corpus."""
        ids = {d.source_id for d in load_paths([medquad_dir]).documents}
        assert all(q.targets <= ids for q in load_questions(LIVEQA_SET))


class TestFirstHit:
    """first_hit()."""

    @pytest.mark.parametrize(
        ("ranked", "expected"),
        [(["x", "t2", "t1"], 2), (["t1"], 1), (["x", "y"], None), ([], None)],
    )
    def test_table(self, ranked: list[str], expected: int | None) -> None:
        """The rank of the first judged document, 1-based."""
        assert first_hit(ranked, frozenset({"t1", "t2"})) == expected
