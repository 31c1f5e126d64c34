"""Alternatives a patient asks about are recognised in the words patients use, and nothing in the
story stands in for one it does not name (found by reading drafts of the tuning vignettes)."""

from __future__ import annotations

import pytest

from assistant.drafting.conditions import condition, only_denied
from assistant.drafting.questions import named_alternatives, parse_sub_questions
from assistant.intake import IntakeRecord


def _named(question: str, diagnosis: str, *, age: int = 40, reason: str = "", history: str = "") -> list[str]:
    intake = IntakeRecord(
        diagnosis_in_question=diagnosis,
        main_question=question,
        reason_for_second_opinion=reason,
        history=history,
        age=age,
        sex="male",
    )
    return [c.key for c in named_alternatives(intake)]


@pytest.mark.parametrize(
    "question",
    [
        "Is this really pneumonia or can the groundnut still be inside his chest?",
        "Can a groundnut still be inside his chest even if the X-ray is normal?",
        "Could a seed be stuck in her lung?",
    ],
)
def test_a_nut_or_seed_still_in_the_chest_is_an_inhaled_object(question: str) -> None:
    assert "foreign_body" in _named(question, "pneumonia", age=3)


def test_choking_on_nuts_is_an_inhaled_object_not_aspiration_of_food_or_drink() -> None:
    named = _named(
        "Is this really asthma? Can a groundnut still be inside his chest?",
        "asthma",
        age=2,
        reason="He had a choking and coughing fit while eating groundnuts, then the cough started.",
    )
    assert "foreign_body" in named and "aspiration" not in named


def test_aspiration_asked_by_name_stays_beside_an_inhaled_object() -> None:
    named = _named(
        "Could a peanut be stuck in his lung, or is he breathing food into his lungs (aspiration)?",
        "pneumonia",
        age=3,
    )
    assert {"foreign_body", "aspiration"} <= set(named)


def test_a_lung_that_may_have_collapsed_again_is_a_pneumothorax_asked() -> None:
    assert "pneumothorax" in _named(
        "Could the lung have collapsed again?", "costochondritis", history="Collapsed lung in 2019."
    )


def test_the_heart_after_heart_surgery_is_still_an_alternative_asked() -> None:
    """A diagnosis of chest-wall pain after heart surgery does not put the problem in the heart."""
    named = _named(
        "GP right? Could it be the heart?",
        "Costochondritis / musculoskeletal pain after heart surgery",
        age=62,
        history="Coronary bypass surgery 10 weeks ago.",
    )
    assert "heart_attack" in named


def test_not_my_heart_in_a_question_asks_about_the_heart() -> None:
    """ "Was it definitely the lung and not my heart?" after a bypass asks whether it was the heart."""
    named = _named(
        "Was it definitely the lung and not my heart? Will it come back?",
        "right pneumothorax, secondary to emphysema",
        age=62,
        reason="Sudden pain right side and couldnt get breath. Thought heart again.",
        history="COPD. Coronary artery bypass grafting 2020.",
    )
    assert "heart_attack" in named


def test_not_in_a_statement_still_denies() -> None:
    assert [c.key for c in only_denied("He is well, not asthmatic and never had asthma.")] == ["asthma"]
    assert only_denied("Is it asthma and not a nut stuck in his lung?") == []


def test_a_wound_scar_is_no_old_scar_on_the_lung_but_an_old_tb_scar_is() -> None:
    reason = "Clicking in the breastbone; a small area of the wound weeping at the lower end of the scar."
    assert "old_scar" not in _named("Could it be the heart?", "costochondritis", age=62, reason=reason)
    assert "old_scar" in _named("Could this be his old TB scar rather than cancer?", "lung cancer", age=67)


def _topics(question: str, diagnosis: str) -> list[str]:
    intake = IntakeRecord(diagnosis_in_question=diagnosis, main_question=question, age=40, sex="male")
    return [q.topic for q in parse_sub_questions(intake, has_images=False)]


@pytest.mark.parametrize(
    "question",
    [
        "Will it come back?",
        "Could this happen again?",
        "What are the chances of another collapse?",
        "Will he keep getting these?",
        "Can the clot come back after I stop the tablets?",
        "Is it likely to recur?",
    ],
)
def test_will_it_come_back_is_a_recurrence_question(question: str) -> None:
    assert "recurrence" in _topics(question, "pneumothorax")


@pytest.mark.parametrize(
    "question",
    ["The pain came back last week. Is it really costochondritis?", "How long will the cough last?"],
)
def test_a_symptom_that_came_back_or_a_duration_is_no_recurrence_question(question: str) -> None:
    assert "recurrence" not in _topics(question, "costochondritis")


def test_conditions_patients_ask_about_say_how_often_they_come_back() -> None:
    for key in ("pneumothorax", "pulmonary_embolism", "pneumonia", "tuberculosis", "copd", "asthma", "croup"):
        assert condition(key).recurrence, key


def test_traction_bronchiectasis_and_ild_in_a_fibrosis_report_are_no_alternatives() -> None:
    reason = "The CT said 'Fibrotic interstitial lung disease with reticulation and traction bronchiectasis'."
    named = _named(
        "Is it surely IPF, or could it be bird fancier's lung?",
        "idiopathic pulmonary fibrosis",
        age=74,
        reason=reason,
    )
    assert "hypersensitivity_pneumonitis" in named
    assert not {"bronchiectasis", "ild"} & set(named)
    assert "bronchiectasis" in _named("Could it be bronchiectasis?", "asthma")


def test_the_second_of_a_list_of_future_risks_is_a_risk_not_an_alternative() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="idiopathic pulmonary fibrosis",
        main_question="Is it really IPF or asbestosis? Am I going to get lung cancer or mesothelioma?",
        reason_for_second_opinion="One of my old mates died of mesothelioma.",
        age=69,
        sex="male",
    )
    subs = parse_sub_questions(intake, has_images=False)
    alternatives = {q.condition for q in subs if q.kind == "could_it_be"}
    risks = {k for q in subs if q.topic == "risk" for k in q.subjects}
    assert "asbestosis" in alternatives and not {"lung_cancer", "mesothelioma"} & alternatives
    assert {"lung_cancer", "mesothelioma"} <= risks


def test_no_choking_does_not_count_against_aspiration_in_parkinsons() -> None:
    assert "silent aspiration" in condition("aspiration").against


@pytest.mark.parametrize(
    "question",
    [
        "How long do I have?",
        "Is it curable?",
        "Any long-term lung risk?",
        "Will she grow out of it?",
        "What is the prognosis?",
        "Is he going to die?",
    ],
)
def test_outlook_questions_are_recognised(question: str) -> None:
    assert "outlook" in _topics(question, "idiopathic pulmonary fibrosis")


def test_how_long_an_illness_lasts_is_recovery_not_outlook() -> None:
    topics = _topics("How long will the cough last?", "pneumonia")
    assert "recovery" in topics and "outlook" not in topics


def test_the_outlook_answer_gives_the_conditions_usual_course_and_who_can_say_more() -> None:
    from assistant.drafting.composer import compose_draft
    from assistant.drafting.llm import MockLLM
    from assistant.drafting.schemas import ImagingFindings, SectionKey

    intake = IntakeRecord(
        diagnosis_in_question="idiopathic pulmonary fibrosis",
        main_question="How long do I have?",
        age=74,
        sex="female",
    )
    answers = (
        compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""])).section(SectionKey.ANSWERS).text
    )
    assert "half of people lived about three to five years" in answers
    assert "Figures like these describe groups of people, not one person" in answers


def test_the_recurrence_answer_gives_the_usual_chance_and_what_it_rests_on() -> None:
    from assistant.drafting.composer import compose_draft
    from assistant.drafting.llm import MockLLM
    from assistant.drafting.schemas import ImagingFindings, SectionKey

    intake = IntakeRecord(
        diagnosis_in_question="right pneumothorax, secondary to emphysema",
        main_question="Will it come back?",
        age=62,
        sex="male",
    )
    answers = (
        compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""])).section(SectionKey.ANSWERS).text
    )
    assert "after a collapse from lung disease such as COPD the chance is higher still" in answers
    assert "the same symptoms coming back are a reason to be seen again" in answers
    assert "An ECG" not in answers
