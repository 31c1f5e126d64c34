"""Questions about the people around the patient are recognised however they are named."""

from __future__ import annotations

import pytest

from assistant.drafting.questions import parse_sub_questions
from assistant.drafting.topics import relative_at_risk
from assistant.intake import IntakeRecord


def _contacts(question: str, *, age: int = 69, reason: str = "") -> list[tuple[str, list[str]]]:
    intake = IntakeRecord(
        diagnosis_in_question="tuberculosis",
        main_question=question,
        reason_for_second_opinion=reason,
        age=age,
        sex="male",
    )
    return [
        (q.summary, q.subjects)
        for q in parse_sub_questions(intake, has_images=False)
        if q.topic == "contacts"
    ]


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("Is the 8-month-old baby at risk and what should be done?", "baby"),
        ("Is it dangerous for the baby?", "baby"),
        ("Is our 8-month-old son at risk?", "son"),
        ("can the grandkids catch it", "grandkids"),
        ("is my wife and son at risk", "wife and son"),
    ],
)
def test_a_relative_with_an_age_or_the_is_a_contact(text: str, who: str) -> None:
    assert relative_at_risk(text) == who


def test_the_doctor_is_no_contact() -> None:
    assert relative_at_risk("is the doctor at risk?") == ""


def test_a_question_whether_it_is_catching_that_names_no_one_is_a_contacts_question() -> None:
    assert _contacts("If it's smear negative is it still contagious?") == [
        ("whether the illness can be passed on to others", [])
    ]
    assert _contacts("Is it really TB?") == []


def test_a_son_writing_for_his_father_names_his_own_child_as_the_patients_grandchild() -> None:
    reason = "Hello, I am writing on behalf of my father Mr Wong, 69."
    assert _contacts("Is our 8-month-old son at risk?", reason=reason) == [
        ("whether the patient's grandson is at risk and needs a test", ["grandson"])
    ]


def test_the_baby_of_a_babys_own_case_is_the_patient() -> None:
    assert _contacts("Is the baby contagious?", age=0) == [
        ("whether the illness can be passed on to others", [])
    ]


def test_a_parent_naming_the_childs_baby_brother_means_the_patients_brother() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="round pneumonia",
        main_question="Can her baby brother catch it?",
        reason_for_second_opinion="Mom of 3 here, writing about my middle one, Kaylee, she's 5.",
        age=5,
        sex="female",
    )
    asked = [
        (q.summary, q.subjects)
        for q in parse_sub_questions(intake, has_images=False)
        if q.topic == "contacts"
    ]
    assert asked == [("whether the patient's brother is at risk and needs a test", ["brother"])]
    mine = intake.model_copy(update={"main_question": "Can my mother catch it?"})
    asked = [q.subjects for q in parse_sub_questions(mine, has_images=False) if q.topic == "contacts"]
    assert asked == [["grandmother"]]


def test_should_my_heart_and_eyes_be_checked_asks_for_a_check_not_about_a_heart_condition() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="sarcoidosis",
        main_question="Will I need cortisone? Should my heart and eyes be checked?",
        age=28,
        sex="female",
    )
    assert not [q for q in parse_sub_questions(intake, has_images=False) if q.kind == "could_it_be"]


def test_a_visit_to_a_sisters_newborn_is_a_question_about_the_childs_newborn_cousin() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="bronchiolitis",
        main_question="Is it bronchiolitis? Can we visit my sisters newborn and can she start nursery?",
        reason_for_second_opinion="My daughter Isla is 7 month old.",
        age=0,
        sex="female",
    )
    contacts = [q for q in parse_sub_questions(intake, has_images=False) if q.topic == "contacts"]
    assert [q.subjects for q in contacts] == [["newborn cousin"]]


def test_a_grandmother_on_chemo_around_the_baby_is_a_contacts_question() -> None:
    assert relative_at_risk("Can my mum who is on chemo be around her?") == "mum"


def test_a_vulnerable_contact_is_told_to_wait_until_the_patient_is_well() -> None:
    from assistant.drafting.composer import compose_draft
    from assistant.drafting.llm import MockLLM
    from assistant.drafting.schemas import ImagingFindings, SectionKey

    intake = IntakeRecord(
        diagnosis_in_question="bronchiolitis",
        main_question="Can my mum who is on chemo be around her?",
        reason_for_second_opinion="My daughter is 5 months old.",
        age=0,
        sex="female",
    )
    answers = (
        compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""])).section(SectionKey.ANSWERS).text
    )
    assert "weakened (by chemotherapy, for example)" in answers
    assert "visits are usually put off until the patient is well" in answers


@pytest.mark.parametrize(
    ("question", "summary"),
    [
        (
            "Can my pregnant wife and kids get it?",
            "whether the patient's wife and kids are at risk and need a test",
        ),
        ("Can my kids get TB from me?", "whether the patient's kids are at risk and need a test"),
        ("Will d baby catch it?", "whether the patient's baby is at risk and needs a test"),
    ],
)
def test_getting_it_from_the_patient_is_a_contact_question(question: str, summary: str) -> None:
    """Read drafts for men with TB left "can my kids get TB from me?" unanswered."""
    assert [s for s, _ in _contacts(question, age=44)] == [summary]


def test_getting_better_or_a_second_opinion_is_no_contact_question() -> None:
    assert _contacts("Will she get better? Can I get a second opinion?") == []
