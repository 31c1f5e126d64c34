"""Lipoid pneumonia is an inflammation from inhaled oil, not an infection.

A read draft answered "why no antibiotics if it's a pneumonia?" for lipoid pneumonia proven by a
lung washing with antibiotic advice. Real tables; only the language model is the mock.
"""

from __future__ import annotations

from assistant.drafting import questions
from assistant.drafting.composer import compose_draft
from assistant.drafting.conditions import condition
from assistant.drafting.llm import MockLLM
from assistant.drafting.risk_factors import found_factors, history_sentence
from assistant.drafting.schemas import ImagingFindings
from assistant.intake import IntakeRecord


def _intake() -> IntakeRecord:
    return IntakeRecord(
        diagnosis_in_question="lipoid pneumonia (chronic exogenous)",
        reason_for_second_opinion="I took liquid paraffin every night for years for constipation.",
        main_question="Could this actually be cancer? Why no antibiotics if it's a pneumonia?",
        prior_imaging="Bronchoscopy washings showed lipid-laden macrophages.",
        age=71,
        sex="female",
    )


def test_the_diagnosis_is_its_own_condition_and_oil_use_weighs_for_it() -> None:
    intake = _intake()
    assert questions.diagnosis_condition(intake) == condition("lipoid_pneumonia")
    assert "oil_use" in {f.factor.key for f in found_factors(intake)}
    assert "regular use of an oil" in history_sentence(intake, condition("lipoid_pneumonia"))
    denied = intake.model_copy(update={"reason_for_second_opinion": "I never took liquid paraffin."})
    assert "oil_use" not in {f.factor.key for f in found_factors(denied)}


def test_the_treatment_answer_says_it_is_not_an_infection() -> None:
    draft = compose_draft(_intake(), ImagingFindings(), [], MockLLM())
    texts = " ".join(s.text for sec in draft.sections for s in sec.sentences)
    assert "it is not an infection, so antibiotics do not treat it" in texts
    assert "contain fat" in texts  # what tells it from a cancer
