"""Thirteenth round: question forms the last round's new cases used and the parser missed (an
object "piece" in a child's lung, "bacteria pneumonia on top", "when should the echo be?"), and a
child's growth that is not a tumour.

Real condition tables and question parsing; no model.
"""

from __future__ import annotations

import pytest

from assistant.drafting import questions
from assistant.drafting.composer import compose_draft
from assistant.drafting.conditions import conditions_in
from assistant.drafting.llm import MockLLM
from assistant.drafting.risk_factors import found_factors
from assistant.drafting.schemas import ImagingFindings, SectionKey
from assistant.intake import IntakeRecord


def _named(dx: str, question: str, reason: str = "", age: int | None = None) -> list[str]:
    intake = IntakeRecord(
        diagnosis_in_question=dx, main_question=question, reason_for_second_opinion=reason, age=age
    )
    return [c.key for c in questions.named_alternatives(intake)]


@pytest.mark.parametrize(
    "question",
    [
        "It is really croup or maybe the Lego piece is in his lung?",
        "could a toy part be stuck in her windpipe",
        "Is the bead bit still in his lung?",
    ],
)
def test_a_piece_of_a_toy_in_the_lung_is_an_inhaled_object(question: str) -> None:
    assert "foreign_body" in _named("croup", question, age=4)


def test_bacteria_pneumonia_on_top_of_covid_is_the_plain_pneumonia() -> None:
    assert "pneumonia" in _named(
        "covid pneumonia", "Or bacteria pneumonia on top and I need antibiotic?", age=41
    )


@pytest.mark.parametrize(
    "question",
    ["When should the echo be?", "when will his scan happen", "When is the next CT scan done?"],
)
def test_when_a_test_should_happen_is_a_next_step(question: str) -> None:
    intake = IntakeRecord(diagnosis_in_question="heart failure", main_question=question, age=78)
    assert "next_steps" in {q.kind for q in questions.parse_sub_questions(intake, has_images=False)}


@pytest.mark.parametrize(
    ("text", "tumour"),
    [
        ("I dont want him on steroids for years, I heard it stunts growth", False),
        ("Will the steroid inhaler affect his growth?", False),
        ("poor growth and weight gain since a baby", False),
        ("they plotted her growth chart", False),
        ("they found a growth on my lung", True),
        ("is it a growth in the chest?", True),
        ("the scan shows a suspicious growth", True),
    ],
)
def test_a_childs_growth_is_not_a_tumour(text: str, tumour: bool) -> None:
    assert ("lung_cancer" in [c.key for c in conditions_in(text, fuzzy=True)]) is tumour


def test_a_childs_heart_like_an_uncles_thick_heart_muscle_is_not_a_heart_attack() -> None:
    named = _named(
        "asthma (exercise asthma)",
        "Could it be his heart like my brother?",
        "My brother had a heart problem found at 30 (hypertrophic something). Last month he felt dizzy "
        "and his heart was pounding in a match.",
        age=11,
    )
    assert "cardiomyopathy" in named and "heart_attack" not in named
    # An adult with the same story keeps both readings; a child who names a heart attack keeps it.
    assert "heart_attack" in _named("asthma", "Could it be my heart? crushing pain at the gym", age=50)
    assert "heart_attack" in _named(
        "asthma", "Could he have had a heart attack?", "His uncle has cardiomyopathy.", age=15
    )


@pytest.mark.parametrize(
    ("story", "key", "cond"),
    [
        (
            "I went caving in Kentucky in the summer and got a cough after.",
            "fungal_exposure",
            "fungal_infection",
        ),
        (
            "We clean out the pigeon droppings in the loft every spring.",
            "fungal_exposure",
            "fungal_infection",
        ),
        ("I had my baby 3 weeks ago and now I am breathless lying down.", "pregnancy", "cardiomyopathy"),
        ("The pain started 10 days after giving birth.", "pregnancy", "scad"),
        ("I vape most days and the pain came after a coughing fit.", "vaping", "pneumomediastinum"),
    ],
)
def test_the_story_bears_on_the_new_conditions(story: str, key: str, cond: str) -> None:
    intake = IntakeRecord(
        diagnosis_in_question="chest pain", reason_for_second_opinion=story, age=34, sex="female"
    )
    found = {f.factor.key: f for f in found_factors(intake)}
    assert key in found
    assert cond in found[key].factor.raises


def test_a_cave_word_inside_another_word_is_not_a_cave() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion="The ceiling caved in at work and I have a cavity in a tooth.",
        age=40,
    )
    assert "fungal_exposure" not in {f.factor.key for f in found_factors(intake)}


def test_pain_relief_with_a_blood_thinner_is_answered_with_the_bleeding_risk() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="two broken ribs",
        main_question="What pain relief can he have with his blood thinner?",
        medications=["apixaban 2.5mg twice a day", "paracetamol 1g four times a day"],
        age=82,
        sex="male",
    )
    kinds = [q.summary for q in questions.parse_sub_questions(intake, has_images=False)]
    assert any("painkillers" in k and "blood thinners" in k for k in kinds), kinds
    draft = compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
    answers = " ".join(
        s.text for sec in draft.sections if sec.key == SectionKey.ANSWERS for s in sec.sentences
    )
    assert "add to the risk of bleeding" in answers
    assert "paracetamol is usually the first" in answers
