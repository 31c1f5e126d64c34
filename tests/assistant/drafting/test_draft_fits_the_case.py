"""Sentences that must fit the case in front of them: nothing about images when none were uploaded,
and an alternative said to be asked about only when a question names it.

Real tables and notes; only the language model is the mock.
"""

from __future__ import annotations

from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import MockLLM
from assistant.drafting.schemas import DraftContent, ImagingFindings, SectionKey
from assistant.intake import IntakeRecord, Symptom


def _draft(intake: IntakeRecord) -> DraftContent:
    return compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))


def _texts(draft: DraftContent, key: SectionKey) -> list[str]:
    return [s.text for s in draft.section(key).sentences]


INTAKE = IntakeRecord(
    diagnosis_in_question="pulled muscle in the chest",
    reason_for_second_opinion=(
        "It started a week after a cold. My mum says it is probably asthma, "
        "and my friend had a collapsed lung."
    ),
    main_question="Could it be a collapsed lung? Do I need an ECG?",
    symptoms=[Symptom(description="sharp chest pain when breathing in", duration="5 days")],
    age=15,
    sex="male",
)


def test_no_image_sentences_without_images() -> None:
    draft = _draft(INTAKE)
    questions = " ".join(_texts(draft, SectionKey.QUESTIONS))
    limits = _texts(draft, SectionKey.LIMITATIONS)
    assert "radiologist's report on the images" not in questions
    assert "No images were uploaded, so none were assessed." in limits
    assert not any("computer models" in t for t in limits)


def test_asked_and_mentioned_are_told_apart() -> None:
    leads = [t for t in _texts(_draft(INTAKE), SectionKey.ALTERNATIVES) if " is discussed because " in t]
    asked = [t for t in leads if t.endswith("it was asked about.")]
    mentioned = [t for t in leads if t.endswith("the account of the illness mentions it.")]
    assert any("collapsed lung" in t for t in asked)
    assert any(t.startswith("Asthma") for t in mentioned)  # the mother's view, not the patient's question
    assert not any("collapsed lung" in t for t in mentioned)


def test_a_topic_citation_comes_from_a_note_on_a_condition_in_play() -> None:
    """A 3-year-old who choked on popcorn: the note on bronchiolitis obliterans ("popcorn lung")
    names inhalers and treatment, but it is about a condition nobody raised."""
    from assistant.drafting.conditions import condition
    from assistant.drafting.topic_answers import _about_case
    from tests.assistant.drafting.pack_notes import pack_note

    popcorn = pack_note(1, "bronchiolitis-obliterans")
    sentence = "Breathlessness on exertion and a dry cough that build over months."
    assert not _about_case([condition("pneumonia"), condition("foreign_body")], sentence, popcorn)
    assert _about_case([condition("bronchiolitis_obliterans")], sentence, popcorn)

    child = IntakeRecord(
        diagnosis_in_question="viral pneumonia",
        reason_for_second_opinion="She choked on popcorn 12 days ago and has coughed since.",
        main_question="Does she need an inhaler, or more antibiotics?",
        medications=["amoxicillin (finished)"],
        age=3,
        sex="female",
    )
    draft = compose_draft(child, ImagingFindings(), [popcorn], MockLLM(responses=[""]))
    assert not any(1 in s.citations for sec in draft.sections for s in sec.sentences)


def test_only_alternatives_that_bear_on_an_activity_hold_it_up() -> None:
    """A TB patient asking about work: a possible cancer or HIV says nothing about when he may go back."""
    tb = IntakeRecord(
        diagnosis_in_question="TB",
        main_question="Could it be cancer or HIV? When can I go back to work?",
        age=45,
        sex="male",
    )
    answers = " ".join(_texts(_draft(tb), SectionKey.ANSWERS))
    assert "still being considered" not in answers
    chest = IntakeRecord(
        diagnosis_in_question="pulled muscle",
        main_question="Could it be a clot in my lung? Can I still fly next week?",
        age=45,
        sex="female",
    )
    answers = " ".join(_texts(_draft(chest), SectionKey.ANSWERS))
    assert "blood clot in the lung" in answers and (
        "ruled out" in answers or "still being considered" in answers
    )
