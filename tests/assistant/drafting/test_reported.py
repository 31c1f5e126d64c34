"""An earlier imaging report the intake describes is named in plain words, never pasted."""

from __future__ import annotations

import pytest

from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import MockLLM
from assistant.drafting.reported import reported_findings, reported_sentence
from assistant.drafting.schemas import ImagingFindings, SectionKey
from assistant.intake import IntakeRecord


def _intake(prior: str = "", reason: str = "", question: str = "What does the x-ray show?") -> IntakeRecord:
    return IntakeRecord(
        diagnosis_in_question="viral pneumonia",
        prior_imaging=prior,
        reason_for_second_opinion=reason,
        main_question=question,
        age=3,
    )


def test_present_absent_and_where() -> None:
    intake = _intake(
        "Chest xray 6 days ago: perihilar peribronchial thickening, no focal consolidation, no effusion."
    )
    present, absent, _ = reported_findings(intake)
    assert present == [
        "thickened airway walls near the roots of the lungs, a pattern common with viral infections"
    ]
    assert absent == ["consolidation", "fluid around the lung"]
    intake = _intake(
        "Chest x-ray at hospital 2 weeks ago, they say shadow and hole in top right lung, look like TB."
    )
    present, _, where = reported_findings(intake)
    assert "a hollow area inside a shadow (a cavity)" in present and where == [
        "in the upper part of the right lung"
    ]


def test_a_radiologists_query_is_part_of_the_report() -> None:
    """'?infection' is the radiologist's query, not a question that sets the sentence aside."""
    present, _, where = reported_findings(
        _intake("Chest x-ray: emphysema, right lower zone shadowing, ?infection.")
    )
    assert present == ["emphysema (damaged air sacs)", "shadowing on the film"]
    assert where == ["in the right lower zone"]


@pytest.mark.parametrize(
    "reason",
    [
        "Could the x-ray show a mass that they missed?",
        "I read online that an x-ray can miss a nut.",
        "My friend's x-ray showed a collapsed lung.",
    ],
)
def test_fears_questions_and_other_peoples_films_are_no_report(reason: str) -> None:
    assert reported_sentence(_intake(reason=reason)) == ""


def test_the_images_answer_relays_it_as_the_patients_account() -> None:
    prior = "Chest x-ray in A&E: right lower zone consolidation, small right pleural effusion."
    draft = compose_draft(_intake(prior), ImagingFindings(), [], MockLLM(responses=[""]))
    answers = [s.text for s in draft.section(SectionKey.ANSWERS).sentences]
    told = next(t for t in answers if t.startswith("As the intake describes the earlier imaging report"))
    assert "(consolidation) and fluid around the lung (a pleural effusion), in the right lower zone" in told
    assert "patient's account" in told
    assert prior.lower() not in told.lower()


def test_no_normal_film_sentence_beside_a_film_reported_abnormal(imaging: ImagingFindings) -> None:
    """'A normal X-ray does not exclude heart failure' was quoted to a woman whose film showed a big
    heart and fluid; with the report described, no section quotes such a sentence."""
    from tests.assistant.drafting.pack_notes import pack_note

    intake = IntakeRecord(
        diagnosis_in_question="heart failure",
        prior_imaging="Chest x-ray last week: enlarged heart, fluid at both bases.",
        main_question="Is it really heart failure? What does her x-ray show?",
        age=79,
        sex="female",
    )
    note = pack_note(1, "heart-failure-pulmonary-oedema")
    only = note.model_copy(
        update={"text": "A normal chest X-ray does not exclude heart failure, so an echo is done."}
    )
    draft = compose_draft(intake, imaging, [only], MockLLM(responses=[""]))
    texts = [s.text for sec in draft.sections for s in sec.sentences]
    assert not any("normal chest X-ray" in t for t in texts)


def test_a_film_read_as_normal_is_said_so() -> None:
    """ "Is my X-ray ok?" after a film the hospital read as normal was answered only with "this analysis
    cannot say"; the report's reading is now given as the patient's account."""
    from assistant.drafting.reported import reported_sentence

    intake = IntakeRecord(
        diagnosis_in_question="pericarditis",
        prior_imaging="Chest X-ray in ED: told 'normal heart size, lungs clear'.",
    )
    said = reported_sentence(intake)
    assert said.startswith("As the intake describes the earlier imaging report, it was read as normal")
    # a film with a finding is named by the finding, and a normal blood test is no normal film
    shadow = intake.model_copy(update={"prior_imaging": "X-ray showed a shadow at the right base."})
    assert "read as normal" not in reported_sentence(shadow)
    bloods = intake.model_copy(
        update={"prior_imaging": "", "reason_for_second_opinion": "My bloods were normal."}
    )
    assert reported_sentence(bloods) == ""
