"""Twelfth round: a vague heart word read from the breathlessness or fluid around it, asked even
when a relative had heart trouble, and the plain form of the diagnosis's illness asked about.

Real condition tables and question parsing; no model.
"""

from __future__ import annotations

import pytest

from assistant.drafting import facts, questions
from assistant.intake import IntakeRecord

HEART = {"heart_attack", "heart_failure", "pericarditis", "myocarditis"}


def _named(dx: str, question: str, reason: str = "", age: int | None = None) -> list[str]:
    intake = IntakeRecord(
        diagnosis_in_question=dx, main_question=question, reason_for_second_opinion=reason, age=age
    )
    return [c.key for c in questions.named_alternatives(intake)]


def test_my_heart_like_my_brother_with_breathlessness_is_heart_failure() -> None:
    named = _named(
        "COPD with emphysema",
        "Is it really COPD or could it be my heart like my brother, or my old asthma?",
        "I can't walk the dog round the park without stopping twice. My brother was breathless like "
        "this and it turned out to be his heart. I was started on a blue inhaler and then a Spiriva one.",
        age=69,
    )
    assert "heart_failure" in named
    assert "pericarditis" not in named  # "inhaler" is no cue of a breath in


def test_water_from_my_heart_is_heart_failure() -> None:
    named = _named(
        "right pleural effusion",
        "Or is the water from my heart?",
        "Two months I have breathless and the doctor find water in the right lung.",
        age=77,
    )
    assert "heart_failure" in named


def test_can_it_be_the_heart_names_a_heart_cause() -> None:
    named = _named(
        "costochondritis",
        "Is it really costochondritis or can it be the heart?",
        "Since 3 weeks she has pain in the left side of the chest, near the breastbone.",
        age=15,
    )
    assert HEART & set(named)


@pytest.mark.parametrize(
    "question",
    ["When is the heart scan?", "Was the heart tracing normal?", "Is there fluid around the heart?"],
)
def test_the_heart_as_a_test_or_a_place_names_no_alternative(question: str) -> None:
    assert not HEART & set(_named("pneumonia", question, age=50))


@pytest.mark.parametrize(
    ("dx", "question"),
    [
        ("aspiration pneumonia", "Is it really aspiration or just an ordinary chest infection she caught?"),
        ("COVID-19 pneumonia", "Was it only covid or a bacterial pneumonia too?"),
    ],
)
def test_the_plain_illness_inside_the_diagnosis_is_asked_about(dx: str, question: str) -> None:
    assert "pneumonia" in _named(dx, question, age=60)


def test_the_diagnosis_itself_is_not_its_own_plain_form() -> None:
    assert "pneumonia" not in _named("aspiration pneumonia", "How long will the pneumonia take to clear?")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("shouldnt they have put a tube in?", "treatment"),
        ("Would a feeding tube stop this happening?", "treatment"),
        ("Should the echo be sooner?", "next_steps"),
        ("Can the scan be brought forward?", "next_steps"),
    ],
)
def test_treatment_not_given_and_a_test_to_come_sooner(question: str, kind: str) -> None:
    intake = IntakeRecord(diagnosis_in_question="pneumothorax", main_question=question, age=30)
    assert kind in {q.kind for q in questions.parse_sub_questions(intake, has_images=False)}


def test_could_her_kidneys_be_causing_the_fluid() -> None:
    assert "kidney_disease" in _named(
        "heart failure with fluid on the lungs", "Could her kidneys be causing the fluid?", age=82
    )


def test_a_symptom_the_question_denies_is_not_reported() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="right pleural effusion",
        main_question="Why they say infection if I have no fever? Is the cough from the fluid?",
        age=77,
    )
    names = [n for group, _ in questions.symptom_durations(intake) for n in group]
    assert "fever" not in names and "a cough" in names


def test_a_piece_that_goes_on_about_a_relative_is_the_relatives() -> None:
    history = (
        "High blood pressure. Husband shipyard worker with asbestos, died 2015 from lung problem "
        "(asbestosis they said)."
    )
    intake = IntakeRecord(diagnosis_in_question="pleural effusion", history=history, age=77)
    assert "asbestosis" not in [c.key for c in questions.known_conditions(intake)]
    own, family = facts._history(history)
    assert not [n for n in own if "asbestos" in n] and [n for n in family if "asbestos" in n]
