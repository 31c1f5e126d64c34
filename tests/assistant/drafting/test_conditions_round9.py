"""Ninth-round conditions: croup, lung abscess, haemothorax, pericarditis, pleurisy, acid reflux
and a panic attack, which patients name as alternatives (an inhaled object is aspiration's).

Real condition, question and pack tables; only the language model is the mock.
"""

from __future__ import annotations

import pytest

from assistant.drafting import questions
from assistant.drafting.conditions import condition, conditions_in
from assistant.drafting.schemas import SectionKey
from assistant.intake import IntakeRecord
from knowledge import pack_path
from knowledge.loaders.markdown import load_markdown
from tests.assistant.drafting.test_history_and_exposures import _draft

#: The new entries, each with the pack note that backs it.
NEW = {
    "croup": "croup",
    "lung_abscess": "lung-abscess",
    "haemothorax": "haemothorax",
    "pericarditis": "pericarditis",
    "pleurisy": "pleurisy",
    "reflux": "reflux-gord-chest-pain",
    "panic_attack": "anxiety-panic-chest-symptoms",
}


@pytest.mark.parametrize(("key", "note"), sorted(NEW.items()))
def test_complete_and_backed_by_a_note_that_names_it(key: str, note: str) -> None:
    """What points to it, what argues against it, the settling test, a follow-up, and a note
    whose title is read as this condition (so its sentences can answer for it)."""
    cond = condition(key)
    assert cond.supports and cond.against and cond.test and cond.follow_up and cond.treatment
    title = load_markdown(pack_path() / f"{note}.md").title
    assert cond in conditions_in(title), title


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("could it be croup? he has a barking cough", "croup"),
        ("the cough sounds like a seal", None),
        ("could it be an abscess in the lung", "lung_abscess"),
        ("could there be blood around her lung after the fall", "haemothorax"),
        ("is it a hemothorax", "haemothorax"),
        ("could it be pericarditis", "pericarditis"),
        ("could it be inflammation of the heart lining", "pericarditis"),
        ("could it be pleurisy", "pleurisy"),
        ("is it just heartburn", "reflux"),
        ("could it be GERD", "reflux"),
        ("is it just anxiety?", "panic_attack"),
        ("could these be panic attacks", "panic_attack"),
        ("rheumatoid arthritis related lung disease", "connective_tissue_ild"),
        ("is it RA-ILD", "connective_tissue_ild"),
        ("will my lungs be scarred?", "pulmonary_fibrosis"),
    ],
)
def test_patients_words(text: str, key: str | None) -> None:
    """Each phrasing names the condition (a seal-like sound alone names none)."""
    keys = [c.key for c in conditions_in(text, fuzzy=True)]
    assert key in keys if key else not set(keys) & set(NEW), keys


@pytest.mark.parametrize(
    "text",
    [
        "the abscess in my tooth was treated last month",
        "I am anxious about the scan result",
        "I had my flu jab in October",
        "she has flu-like symptoms",
        "I swallowed my tablets with water",
    ],
)
def test_look_alikes_name_none_of_them(text: str) -> None:
    """A tooth abscess, being anxious, a flu jab and swallowing tablets are not these conditions."""
    keys = {c.key for c in conditions_in(text, fuzzy=True)}
    assert not keys & set(NEW), keys


def test_urgent_ones_are_said_to_be_assessed_the_same_day() -> None:
    """Blood around the lung is assessed the same day; reflux and croup are not said to be."""
    assert condition("haemothorax").urgent
    assert not condition("reflux").urgent and not condition("croup").urgent


@pytest.mark.parametrize(
    ("question", "dx", "key"),
    [
        ("Could it be croup rather than asthma?", "asthma", "croup"),
        ("Could it be pericarditis instead?", "costochondritis", "pericarditis"),
        ("Is there blood around the lung from the fall?", "rib fracture", "haemothorax"),
        ("Could it be a lung abscess?", "pneumonia", "lung_abscess"),
    ],
)  # fmt: skip
def test_named_alternative_is_a_sub_question(question: str, dx: str, key: str) -> None:
    """A named alternative becomes a could-it-be sub-question."""
    intake = IntakeRecord(diagnosis_in_question=dx, main_question=question)
    subs = [(q.kind, q.condition) for q in questions.parse_sub_questions(intake, has_images=False)]
    assert ("could_it_be", key) in subs


def test_haemothorax_drafted_with_its_settling_test_and_urgency() -> None:
    """The answer names the CT or ultrasound and the same-day assessment; the differential has
    what supports and argues against it."""
    intake = IntakeRecord(
        diagnosis_in_question="two broken ribs",
        age=81,
        main_question="I fell last week and I am on apixaban. Could there be blood around the lung?",
    )
    draft = _draft(intake, ["haemothorax", "rib-fracture"])
    q = next(q for q in draft.sub_questions if q.condition == "haemothorax")
    answer = " ".join(s.text for s in draft.section(SectionKey.ANSWERS).sentences if s.question_ref == q.id)
    assert "ultrasound" in answer and "assessed the same day" in answer
    alt = " ".join(
        s.text for s in draft.section(SectionKey.ALTERNATIVES).sentences if s.condition_ref == "haemothorax"
    )
    assert "blood thinners" in alt and "against it" in alt


@pytest.mark.parametrize(
    ("question", "dx", "key"),
    [
        ("Is this from my rheumatoid arthritis, the methotrexate or the birds?", "interstitial lung disease",
         "connective_tissue_ild"),
        ("Is this from my rheumatoid arthritis, the methotrexate or the birds?", "interstitial lung disease",
         "drug_induced_lung"),
        ("Could it be a reaction to the amiodarone?", "pulmonary fibrosis", "drug_induced_lung"),
        ("Could it be epiglottitis?", "croup", "epiglottitis"),
        ("Could it be an empyema or an abscess?", "pneumonia", "lung_abscess"),
    ],
)  # fmt: skip
def test_causes_and_rarer_alternatives_asked(question: str, dx: str, key: str) -> None:
    """A condition or a medicine asked about as the cause, and rarer named alternatives."""
    intake = IntakeRecord(diagnosis_in_question=dx, main_question=question)
    subs = [(q.kind, q.condition) for q in questions.parse_sub_questions(intake, has_images=False)]
    assert ("could_it_be", key) in subs


@pytest.mark.parametrize(
    "text",
    [
        "I take methotrexate for my RA.",
        "the pain in my knee is from my arthritis",
        "a tooth abscess last year",
    ],
)
def test_a_medicine_or_joint_disease_mentioned_is_not_asked_about(text: str) -> None:
    """Taking methotrexate, arthritis pain or a tooth abscess names no lung alternative."""
    keys = {c.key for c in conditions_in(text, fuzzy=True)}
    assert not keys & {"drug_induced_lung", "connective_tissue_ild", "lung_abscess"}, keys


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("could it be my heart? sharp pain left side, worse with deep breaths", "pericarditis"),
        ("could it be my heart? crushing pain going into my left arm", "heart_attack"),
        ("could it be my heart? my ankles are swollen and I sleep on 3 pillows", "heart_failure"),
    ],
)
def test_my_heart_is_read_from_the_symptoms(text: str, key: str) -> None:
    """'My heart' with a sharp pain on breathing is the heart's lining, not a heart attack."""
    assert [c.key for c in conditions_in(text, fuzzy=True)] == [key]


def _raised(**fields: object) -> list[str]:
    intake = IntakeRecord(diagnosis_in_question=str(fields.pop("dx", "COPD")), **fields)  # type: ignore[arg-type]
    return [c.key for c, _ in questions.raised_by_symptoms(intake)]


def test_coughing_blood_at_40_or_over_raises_lung_cancer() -> None:
    """A red-flag symptom raises lung cancer in the differential although nobody named it."""
    symptoms = [{"description": "streak of blood in phlegm, once"}]
    assert _raised(age=70, symptoms=symptoms) == ["lung_cancer"]
    assert _raised(age=35, symptoms=symptoms) == []
    # a diagnosis that explains it raises nothing
    assert _raised(age=70, symptoms=symptoms, dx="bronchiectasis") == []


def test_weight_loss_with_a_cough_raises_it_only_in_someone_who_has_smoked() -> None:
    symptoms = [{"description": "cough most mornings"}, {"description": "lost about a stone"}]
    assert _raised(age=66, symptoms=symptoms, history="smoked 20 a day until 2010") == ["lung_cancer"]
    assert _raised(age=66, symptoms=symptoms, history="never smoked") == []


def test_raised_alternative_is_discussed_with_why() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="COPD",
        age=70,
        main_question="Is it COPD or my old asthma back?",
        symptoms=[{"description": "streak of blood in phlegm, once"}],  # type: ignore[list-item]
    )
    draft = _draft(intake, ["copd", "lung-cancer"])
    alt = " ".join(
        s.text for s in draft.section(SectionKey.ALTERNATIVES).sentences if s.condition_ref == "lung_cancer"
    )
    assert "coughing blood was reported" in alt and "against it" in alt
