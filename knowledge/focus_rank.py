"""Reorder fused candidates by how well each passage matches the question's focus.

A passage whose document is *about* the condition asked (its title names it) and whose
section answers the *kind* of question asked (treatment, causes, tests...) is what a patient
wants. This light, explainable rerank runs after fusion and before the optional
cross-encoder; it needs no model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.documents import Passage
from knowledge.query import QueryFocus, question_type

#: Rank constant and bonuses, chosen on the development question set only.
RANK_K = 10
TITLE_BONUS = 0.02
TYPE_BONUS = 0.04

_NON_WORD = re.compile(r"[^a-z0-9]+")


def _words(text: str) -> set[str]:
    return set(_NON_WORD.split(text.lower())) - {""}


def passage_type(passage: Passage) -> str | None:
    """The question type a passage answers: MedQuAD's ``qtype``, else read from its section."""
    qtype = passage.extra.get("qtype")
    if qtype:
        return qtype
    return question_type(passage.section.lower()) if passage.section else None


def title_matches(passage: Passage, condition: str) -> bool:
    """True when every word of ``condition`` is in the passage's title."""
    return _words(condition) <= _words(passage.title)


def rerank_by_focus(passages: Sequence[Passage], focus: QueryFocus | None) -> list[Passage]:
    """Passages reordered by fused rank plus focus bonuses (stable when nothing matches).

    Each passage's ``scores`` gains ``focus`` (the bonus it received) and ``score`` becomes
    ``1/(RANK_K + fused rank) + bonus``, the value the new order is based on.
    """
    if focus is None or (focus.condition is None and focus.question_type is None):
        return list(passages)
    scored: list[tuple[float, int, Passage]] = []
    for rank, passage in enumerate(passages, start=1):
        bonus = 0.0
        if focus.condition and title_matches(passage, focus.condition):
            bonus += TITLE_BONUS
        if (
            focus.question_type
            and focus.question_type != "information"
            and passage_type(passage) == focus.question_type
        ) or (focus.question_type == "information" and passage_type(passage) == "information"):
            bonus += TYPE_BONUS
        passage.scores["focus"] = bonus
        passage.score = 1.0 / (RANK_K + rank) + bonus
        scored.append((passage.score, -rank, passage))
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [p for _, _, p in scored]
