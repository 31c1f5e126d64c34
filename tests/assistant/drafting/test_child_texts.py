"""What differs for a child: the settling test in a child (``test_child``) and what differs about a
condition in children (``child_note``), read from the real condition table into a composed draft.

Real condition and question tables; the mock model writes nothing.
"""

from __future__ import annotations

import pytest

from assistant.drafting.composer import compose_draft
from assistant.drafting.conditions import CONDITIONS, condition
from assistant.drafting.llm import MockLLM
from assistant.drafting.schemas import DraftContent, ImagingFindings, SectionKey
from assistant.intake import IntakeRecord

CHILD_TEXTS = [
    (c.key, field, getattr(c, field))
    for c in CONDITIONS
    for field in ("test_child", "child_note")
    if getattr(c, field)
]


def test_the_table_has_child_texts() -> None:
    fields = {field for _, field, _ in CHILD_TEXTS}
    assert fields == {"test_child", "child_note"}


@pytest.mark.parametrize(("key", "field", "text"), CHILD_TEXTS, ids=[f"{k}-{f}" for k, f, _ in CHILD_TEXTS])
def test_child_texts_read_inside_a_sentence(key: str, field: str, text: str) -> None:
    """Each text follows "In children," or "the test ... is", so it starts lower case and has no full stop."""
    assert text.strip() == text and text, (key, field)
    assert text[0] == text[0].lower(), (key, field)
    assert not text.endswith("."), (key, field)
    assert 8 <= len(text.split()) <= 80, (key, field, len(text.split()))


def test_tuberculosis_in_a_child_is_settled_by_gastric_aspirates() -> None:
    tb = condition("tuberculosis")
    assert "gastric aspirates" in tb.test_for(child=True)
    assert tb.test_for(child=True) != tb.test_for(child=False)
    assert tb.test_for(child=False) == tb.test


def _could_it_be_answer(age: int) -> list[str]:
    intake = IntakeRecord(
        diagnosis_in_question="pneumonia",
        main_question="Could it be TB from his grandmother?",
        age=age,
    )
    draft: DraftContent = compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
    asked = [q for q in draft.sub_questions if q.kind == "could_it_be"]
    assert [q.condition for q in asked] == ["tuberculosis"]
    return [s.text for s in draft.section(SectionKey.ANSWERS).sentences if s.question_ref == asked[0].id]


def test_a_childs_draft_names_the_child_test_and_what_differs_in_children() -> None:
    answer = " ".join(_could_it_be_answer(3))
    assert condition("tuberculosis").test_child in answer
    assert "In children," in answer
    assert condition("tuberculosis").child_note in answer


def test_an_adults_draft_keeps_the_adult_test_and_says_nothing_of_children() -> None:
    answer = " ".join(_could_it_be_answer(45))
    assert condition("tuberculosis").test in answer
    assert "gastric aspirates" not in answer
    assert "In children" not in answer
