"""Eleventh-round conditions and questions: asbestosis, inflammation of the heart muscle, a cancer
that has spread from elsewhere, "just a muscle", and treatment and test questions asked in other
words ("should she start hydroxyurea", "why did she need blood", "need he another x-ray").

Real condition, question and pack tables; no model.
"""

from __future__ import annotations

import pytest

from assistant.drafting import questions
from assistant.drafting.conditions import condition, conditions_in
from assistant.intake import IntakeRecord
from knowledge import pack_path
from knowledge.loaders.markdown import load_markdown

NEW = {
    "asbestosis": "asbestosis",
    "myocarditis": "myocarditis",
    "metastasis": "cancer-spread-to-lungs-and-bones",
    "viral_wheeze": "viral-induced-wheeze",
}


def assert_complete_and_backed(key: str, note: str) -> None:
    """A new entry has every differential field and a pack note whose title names it."""
    cond = condition(key)
    assert cond.supports and cond.against and cond.test and cond.follow_up
    title = load_markdown(pack_path() / f"{note}.md").title
    assert cond in conditions_in(title), title


def asked_alternatives(
    question: str, dx: str, age: int | None = None, reason: str = ""
) -> list[tuple[str, str]]:
    """The (kind, condition) sub-questions parsed from one question about diagnosis ``dx``."""
    intake = IntakeRecord(
        diagnosis_in_question=dx, main_question=question, age=age, reason_for_second_opinion=reason
    )
    return [(q.kind, q.condition) for q in questions.parse_sub_questions(intake, has_images=False)]


@pytest.mark.parametrize(("key", "note"), sorted(NEW.items()))
def test_complete_and_backed_by_a_note_that_names_it(key: str, note: str) -> None:
    assert_complete_and_backed(key, note)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Could the GP have been right that it was just a muscle?", "costochondritis"),
        ("is it a pulled muscle from the gym", "costochondritis"),
        ("could it be asbestosis from the shipyard", "asbestosis"),
        ("Could the ribs have broken because the cancer has spread to the bones?", "metastasis"),
        ("is this spread from my breast cancer", "metastasis"),
        ("Could I have heart damage from covid?", "myocarditis"),
        ("Could it be my heart? I am breathless with a racing heart since covid", "myocarditis"),
        ("could it be my heart? crushing pain at the gym", "heart_attack"),
        ("could it be my heart, my ankles are swollen", "heart_failure"),
        ("the GP said viral-induced wheeze", "viral_wheeze"),
        ("they called it wheezy bronchitis", "viral_wheeze"),
    ],
)
def test_named_in_lay_words(text: str, key: str) -> None:
    assert key in [c.key for c in conditions_in(text)]


@pytest.mark.parametrize(
    "text",
    [
        "muscle aches and a fever",
        "is it lung cancer",
        "the cancer team saw me last year",
        "my heart rate is 90",
    ],
)
def test_not_read_into_other_words(text: str) -> None:
    keys = [c.key for c in conditions_in(text)]
    assert not {"costochondritis", "metastasis", "myocarditis"} & set(keys), keys


def _kinds(question: str, dx: str = "acute chest syndrome") -> list[tuple[str, str]]:
    intake = IntakeRecord(diagnosis_in_question=dx, main_question=question)
    return [(q.kind, q.topic) for q in questions.parse_sub_questions(intake, has_images=False)]


@pytest.mark.parametrize(
    "question",
    [
        "Should she start hydroxyurea like they mentioned?",
        "Why did she need blood?",
        "Why wait 3 months and not just take it out?",
        "Why didn't they put a drain in?",
    ],
)
def test_treatment_asked_in_other_words(question: str) -> None:
    assert ("treatment", "") in _kinds(question)


def test_blood_tests_are_a_test_not_a_transfusion() -> None:
    kinds = _kinds("Does he need blood tests?")
    assert ("treatment", "") not in kinds and ("next_steps", "tests") in kinds


def test_a_test_asked_for_in_another_languages_word_order() -> None:
    assert ("next_steps", "tests") in _kinds("Need he another xray or camera test?", dx="viral pneumonia")


def test_asthma_stays_an_alternative_to_a_viral_wheeze() -> None:
    """'Wheeze' is an asthma term; a viral-induced wheeze contrasts with asthma, so "is it really
    asthma" asks about asthma instead, answered with what tells the two apart."""
    intake = IntakeRecord(
        diagnosis_in_question="viral induced wheeze",
        main_question="Is it really asthma? Could he have breathed something in?",
    )
    assert questions.diagnosis_condition(intake) == condition("viral_wheeze")
    asked = [(q.kind, q.condition) for q in questions.parse_sub_questions(intake, has_images=False)]
    # "breathed something in" is an inhaled object (a foreign body), not aspiration of food or fluid.
    assert ("could_it_be", "asthma") in asked and ("could_it_be", "foreign_body") in asked
