"""The answer to "could it be X" says which reported symptoms point to X, and which of them the
first diagnosis shares (so they do not tell the two apart). Real condition table; no model."""

from __future__ import annotations

from assistant.drafting.answers import symptoms_fitting
from assistant.drafting.conditions import condition
from assistant.intake import IntakeRecord


def _intake(*symptoms: str) -> IntakeRecord:
    return IntakeRecord.model_validate(
        {"diagnosis_in_question": "x", "symptoms": [{"description": d} for d in symptoms]}
    )


def test_shared_symptoms_are_said_not_to_tell_the_two_apart() -> None:
    text = symptoms_fitting(
        _intake("cough for 5 days", "fast breathing", "fever 38.5"),
        condition("pneumonia"),
        condition("bronchiolitis"),
    )
    assert text.startswith("Of the symptoms reported, a cough, fast breathing and fever are among those")
    assert "also typical of bronchiolitis" in text and "do not tell the two apart" in text


def test_only_the_shared_ones_are_named_as_shared() -> None:
    text = symptoms_fitting(
        _intake("breathless walking across the room", "cough at night"),
        condition("copd"),
        condition("heart_failure"),
    )
    assert "breathlessness and a cough are among those that can point to COPD" in text
    assert "; breathlessness is also typical of heart failure" in text


def test_a_calf_that_ached_points_to_a_clot() -> None:
    text = symptoms_fitting(
        _intake("breathless on exertion", "left calf ached for a few days last week"),
        condition("pulmonary_embolism"),
        condition("covid19"),
    )
    assert "calf or leg pain" in text


def test_denied_symptoms_and_no_fit_say_nothing() -> None:
    assert symptoms_fitting(_intake("no fever"), condition("pneumonia"), None) == ""
    assert symptoms_fitting(_intake("itchy eyes"), condition("pulmonary_embolism"), None) == ""


def test_a_symptom_said_to_be_absent_in_the_table_does_not_point_to_it() -> None:
    """Epiglottitis comes 'usually without a barking cough': a cough does not point to it."""
    text = symptoms_fitting(
        _intake("barking cough at night", "temperature 38.2"), condition("epiglottitis"), condition("croup")
    )
    assert "a cough" not in text and "fever" in text


def test_a_plural_symptom_takes_a_plural_verb() -> None:
    text = symptoms_fitting(
        _intake("night sweats twice this month"), condition("lymphoma"), condition("sarcoidosis")
    )
    assert text.startswith(
        "Of the symptoms reported, night sweats are among those that can point to lymphoma"
    )
    single = symptoms_fitting(_intake("breathless on the stairs"), condition("copd"), None)
    assert "breathlessness is among those" in single


def test_hay_fever_in_a_table_text_is_not_a_fever() -> None:
    """Asthma's table text names "hay fever" as an allergy; a child's temperature does not point to asthma."""
    text = symptoms_fitting(
        _intake("cough", "wheeze", "fever 38.4"), condition("asthma"), condition("pneumonia")
    )
    assert "fever" not in text
    assert "a cough and wheeze are among those that can point to asthma" in text


def test_phlegm_is_not_a_leg() -> None:
    """'calf or leg pain' matched the 'leg' in 'phlegm' in pneumonia's table text."""
    text = symptoms_fitting(_intake("cough", "tight left calf"), condition("pneumonia"), condition("covid19"))
    assert "calf" not in text
