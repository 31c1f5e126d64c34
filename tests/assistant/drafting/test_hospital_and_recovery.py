"""Next-step questions about being in hospital, how long the illness lasts, and waiting times.

Patients ask "does she need to stay in hospital", "will she get back to how she was", "how long
will the fevers last" and "why does the echo take 6 weeks"; each is a sub-question with its own
answer. Real question, topic and condition tables; only the language model is the mock.
"""

from __future__ import annotations

import pytest

from assistant.drafting import questions
from assistant.drafting.schemas import SectionKey
from assistant.intake import IntakeRecord
from tests.assistant.drafting.test_history_and_exposures import _draft


def _topics(question: str, dx: str = "pneumonia", age: int | None = 60) -> list[str]:
    intake = IntakeRecord(diagnosis_in_question=dx, main_question=question, age=age)
    return [
        q.topic for q in questions.parse_sub_questions(intake, has_images=False) if q.kind == "next_steps"
    ]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Should he be in hospital?", "hospital"),
        ("Does she need to stay in hospital?", "hospital"),
        ("Is it safe for her to go home tomorrow?", "hospital"),
        ("When will he be discharged?", "hospital"),
        ("Should I take him to A&E?", "urgent"),
        ("Should I go to hospital now?", "urgent"),
        ("How long will the fevers last?", "recovery"),
        ("How long will the cough and the fast breathing last?", "recovery"),
        ("Will she get back to how she was?", "recovery"),
        ("When will I feel better?", "recovery"),
        ("Why does the echo take 6 weeks?", "timing"),
        ("Is waiting 2 weeks for the biopsy too long?", "timing"),
        ("How long do I need to be on it?", "duration"),
        ("How long until I can fly?", "activity"),
    ],
)
def test_question_topic(question: str, topic: str) -> None:
    """Each question is a next-step sub-question of its own kind, not the general one."""
    assert topic in _topics(question)


def test_how_long_the_treatment_lasts_is_not_how_long_the_illness_lasts() -> None:
    """'How long do I need to take it' asks about the treatment's length only."""
    assert "recovery" not in _topics("How long do I need to take the apixaban for?", "pulmonary embolism")


def _answer(intake: IntakeRecord, topic: str) -> str:
    draft = _draft(intake, [])
    q = next(q for q in draft.sub_questions if q.topic == topic)
    return " ".join(s.text for s in draft.section(SectionKey.ANSWERS).sentences if s.question_ref == q.id)


def test_hospital_answer_for_an_older_person_says_who_decides_and_what_brings_them_back() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="aspiration pneumonia",
        age=88,
        main_question="Does she need to stay in hospital?",
    )
    answer = _answer(intake, "hospital")
    assert "treating team's decision" in answer and "oxygen" in answer
    assert "older person" in answer and "what should bring someone back" in answer


def test_hospital_answer_for_a_child_speaks_of_the_child_and_same_day_care_for_what_is_urgent() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="croup",
        age=2,
        main_question="Could it be epiglottitis? Should he be in hospital?",
    )
    answer = _answer(intake, "hospital")
    assert "Whether a child is cared for" in answer and "epiglottitis" in answer and "same day" in answer
    assert "blood pressure" not in answer


@pytest.mark.parametrize(
    ("dx", "age", "words"),
    [
        ("community acquired pneumonia", 45, "about 6 weeks"),
        ("bronchiolitis", 0, "2 to 3 weeks"),
        ("croup", 2, "2 to 3 days"),
        ("two broken ribs", 60, "about 6 weeks"),
        ("whooping cough", 12, "up to 3 months"),
    ],
)
def test_recovery_answer_gives_the_usual_course(dx: str, age: int, words: str) -> None:
    intake = IntakeRecord(diagnosis_in_question=dx, age=age, main_question="How long will it last?")
    assert words in _answer(intake, "recovery")


def test_recovery_answer_without_a_known_course_says_so_and_older_people_recover_slower() -> None:
    intake = IntakeRecord(diagnosis_in_question="sarcoidosis", age=80, main_question="Will I get better?")
    answer = _answer(intake, "recovery")
    assert "differs from person to person" in answer and "older people" in answer


@pytest.mark.parametrize(
    ("dx", "family", "label"),
    [
        (
            "left rib fractures (3) with small haemothorax after a fall",
            ["rib_fracture", "haemothorax"],
            "a broken rib and blood in the space around the lung (haemothorax)",
        ),
        (
            "rib fractures with incidental lung nodule",
            ["rib_fracture", "nodule"],
            "a broken rib and a lung nodule",
        ),
        ("heart failure with water on the lungs", ["heart_failure"], "heart failure with fluid on the lungs"),
        ("pneumonia, no pleural effusion", ["pneumonia"], "pneumonia"),
    ],
)
def test_a_second_condition_diagnosed_with_the_first_is_part_of_the_diagnosis(
    dx: str, family: list[str], label: str
) -> None:
    """'X with Y' diagnoses both (not Y as an alternative), unless Y is denied or is X's own fluid."""
    from assistant.drafting.conditions import diagnosis_family

    assert [c.key for c in diagnosis_family(dx)] == family
    assert questions.diagnosis_label(IntakeRecord(diagnosis_in_question=dx)) == label


def test_a_risk_asked_about_is_not_an_alternative_and_gets_its_own_answer() -> None:
    """'Is she at risk of pneumonia' after broken ribs asks about a complication, not another diagnosis."""
    intake = IntakeRecord(
        diagnosis_in_question="two broken ribs",
        age=81,
        main_question="Is she at risk of pneumonia? Does she need a drain?",
    )
    subs = questions.parse_sub_questions(intake, has_images=False)
    assert ("could_it_be", "pneumonia") not in [(q.kind, q.condition) for q in subs]
    assert [q.subjects for q in subs if q.topic == "risk"] == [["pneumonia"]]
    assert any(q.kind == "next_steps" and not q.topic for q in subs)  # "does she need a drain"
    answer = _answer(intake, "risk")
    assert "cannot be predicted" in answer and "What lowers the risk after a broken rib" in answer
    assert "shallow breathing can lead to a chest infection" in answer


def test_could_it_be_is_still_an_alternative() -> None:
    intake = IntakeRecord(diagnosis_in_question="two broken ribs", main_question="Could it be pneumonia?")
    subs = questions.parse_sub_questions(intake, has_images=False)
    assert ("could_it_be", "pneumonia") in [(q.kind, q.condition) for q in subs]
