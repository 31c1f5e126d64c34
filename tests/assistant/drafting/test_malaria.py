"""Malaria beside a chest infection where it is common, and another family's child in a parent's story
(both found by reading drafts of the tuning vignettes). Real tables; only the language model is the mock."""

from __future__ import annotations

from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import MockLLM
from assistant.drafting.medicines import medicine_sentences
from assistant.drafting.risk_factors import found_factors
from assistant.drafting.schemas import DraftContent, ImagingFindings, SectionKey
from assistant.intake import IntakeRecord, Symptom


def _draft(intake: IntakeRecord) -> DraftContent:
    return compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))


def _text(draft: DraftContent, key: SectionKey) -> str:
    return " ".join(s.text for s in draft.section(key).sentences)


LAGOS_CHILD = IntakeRecord(
    diagnosis_in_question="Pneumonia from the X-ray",
    reason_for_second_opinion=(
        "High fever for 5 days, then fast breathing. The hospital did a malaria test (they said negative) "
        "and an X-ray and said pneumonia. The neighbour's 6 year old girl was treated for TB last year."
    ),
    main_question="Is it truly pneumonia and not malaria? Is the syrup enough?",
    symptoms=[
        Symptom(description="High fever", duration="8 days", onset="sudden"),
        Symptom(description="Fast breathing", duration="4 days"),
    ],
    medications=["Augmentin syrup 5ml twice daily", "Coartem tablets for 3 days (finished)"],
    history="We live in a flat in Lagos with her baby brother.",
    age=4,
    sex="female",
)


def test_could_it_be_malaria_is_answered_with_the_blood_test_and_the_negative_result() -> None:
    draft = _draft(LAGOS_CHILD)
    asked = [q for q in draft.sub_questions if q.kind == "could_it_be"]
    assert "malaria" in [q.condition for q in asked]
    answers = _text(draft, SectionKey.ANSWERS)
    assert "rapid diagnostic test or blood films" in answers
    assert "what argues against it, without excluding it: a negative malaria test" in answers
    # the two occur together where malaria is common: a positive test does not end the pneumonia question
    assert "often occur together" in answers


def test_another_familys_child_is_not_the_patient() -> None:
    """ "The neighbour's 6 year old girl was treated for TB" is a contact, not a 4-year-old girl's own TB."""
    keys = {f.factor.key for f in found_factors(LAGOS_CHILD)}
    assert "tb_contact" in keys
    assert "previous_tb" not in keys


def test_an_antimalarial_is_named_as_one_and_not_as_a_chest_treatment() -> None:
    text = " ".join(medicine_sentences(["Coartem tablets for 3 days (finished)"], ["pneumonia"], "pneumonia"))
    assert "an antimalarial medicine, which treats malaria and has no effect on a chest infection" in text


def test_fever_where_malaria_is_common_raises_it_unasked_and_not_elsewhere() -> None:
    accra = IntakeRecord(
        diagnosis_in_question="chest infection",
        reason_for_second_opinion=(
            "Fever with shivering and sweats for 4 days, headache and vomiting, and a cough. "
            "The clinic gave amoxicillin."
        ),
        main_question="Is the antibiotic right?",
        symptoms=[
            Symptom(description="fever with chills and sweats", duration="4 days", onset="sudden"),
            Symptom(description="headache and vomiting", duration="3 days"),
            Symptom(description="cough", duration="4 days"),
        ],
        medications=["amoxicillin 500 mg three times a day"],
        history="I live in Accra, Ghana.",
        age=34,
        sex="male",
    )
    assert "malaria" in _draft(accra).alternatives
    leeds = accra.model_copy(update={"history": "I live in Leeds."})
    assert "malaria" not in _draft(leeds).alternatives
