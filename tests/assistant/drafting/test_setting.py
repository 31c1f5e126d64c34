"""Whom to tell in an emergency follows where the patient is cared for.

Read drafts told an inpatient on IV antibiotics and a 97-year-old nursing-home resident with a
DNACPR decision to "call emergency services now". Real tables; only the language model is the mock.
"""

from __future__ import annotations

import pytest

from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import MockLLM
from assistant.drafting.schemas import ImagingFindings
from assistant.drafting.setting import care_setting, warning_sentence
from assistant.intake import IntakeRecord, Symptom


def _intake(story: str, history: str = "") -> IntakeRecord:
    return IntakeRecord(
        diagnosis_in_question="aspiration pneumonia",
        reason_for_second_opinion=story,
        history=history,
        main_question="Is it really aspiration pneumonia? What should we watch for?",
        symptoms=[Symptom(description="fever and confusion", duration="2 days")],
        age=80,
        sex="female",
    )


@pytest.mark.parametrize(
    ("story", "history", "setting"),
    [
        ("Now the speech therapist says nil by mouth.", "", "hospital"),
        ("Our boy has been in hospital for 4 days on IV antibiotics.", "", "hospital"),
        ("She was doing ok in the rehab ward then got a high temperature.", "", "hospital"),
        ("I am in hospital since 5 days.", "", "hospital"),
        ("My dad lives in a care home.", "", "care_plan"),
        (
            "I am the senior carer at her nursing home.",
            "DNACPR in place; wants to avoid hospital.",
            "care_plan",
        ),
        # During a stay the ward is whom to tell, and it acts on the care plan (read drafts sent an
        # inpatient's family to the GP and the out-of-hours service).
        ("She is on the ward now.", "Palliative care only.", "hospital"),
        # Past stays, the writer's own work and never-been are not the setting now.
        ("I was in hospital for 8 days with covid pneumonia.", "", ""),
        ("Nothing, never been in hospital before.", "", ""),
        ("I work as a carer in a nursing home.", "", ""),
        ("I worked 4 years in Durban, South Africa on a ward with lots of TB.", "", ""),
        ("The CT is in the hospital computer only.", "", ""),
        # a nurse writing about her own illness at home was told to "tell the nurse on the ward now"
        ("I am a staff nurse on a medical ward in Manchester.", "Staff nurse on an acute medical ward.", ""),
        ("The nurse on the ward said she is better.", "", "hospital"),
    ],
)
def test_the_setting_is_read_from_the_story(story: str, history: str, setting: str) -> None:
    assert care_setting(_intake(story, history)) == setting


def test_the_warning_names_whom_to_tell() -> None:
    ward = warning_sentence(_intake("Now she is nil by mouth."), young_child=False)
    assert ward.endswith("are reasons to tell the nurse or doctor on the ward at once.")
    home = warning_sentence(_intake("She lives in a care home.", "DNACPR."), young_child=False)
    assert "the GP, the out-of-hours service or the care team" in home and "emergency services" not in home
    child = warning_sentence(_intake("At home."), young_child=True)
    assert child.startswith("For a young child") and child.endswith(
        "call emergency services or go to A&E at once."
    )


def test_an_inpatients_draft_never_says_call_emergency_services() -> None:
    intake = _intake("She is on IV antibiotics and now nil by mouth.")
    draft = compose_draft(intake, ImagingFindings(), [], MockLLM())
    texts = " ".join(s.text for sec in draft.sections for s in sec.sentences)
    assert "emergency services" not in texts
    assert "tell the nurse or doctor on the ward" in texts


def test_a_ward_acts_on_the_care_plan() -> None:
    intake = _intake("She is on the ward now.", "Palliative care only.")
    assert warning_sentence(intake, young_child=False).endswith(
        "tell the nurse or doctor on the ward at once, who will act in line with the care plan."
    )


@pytest.mark.parametrize(
    "text",
    [
        "On Sunday she got a fever and now she is on oxygen by the nose.",
        "They gave antibiotic in the vein and one doctor on the round said it is the heart.",
    ],
)
def test_an_inpatient_described_in_everyday_words_is_in_hospital(text: str) -> None:
    intake = IntakeRecord(
        diagnosis_in_question="aspiration pneumonia", reason_for_second_opinion=text, age=80
    )
    assert care_setting(intake) == "hospital"


@pytest.mark.parametrize(
    "text", ["Last year they gave antibiotic in the vein.", "She was on oxygen at home for years."]
)
def test_a_past_stay_or_home_oxygen_is_no_inpatient_now(text: str) -> None:
    intake = IntakeRecord(diagnosis_in_question="pneumonia", reason_for_second_opinion=text, age=80)
    assert care_setting(intake) == ""
