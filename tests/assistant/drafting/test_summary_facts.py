"""The summary's structured facts say only what the story says: a negative test names no
condition, a denied family history is no family history, a grandmother's clot is hers, and
earlier results described in the intake are the patient's account, not a missing report."""

from __future__ import annotations

import pytest

from assistant.drafting.facts import summary_sentences
from assistant.drafting.questions import symptom_names
from assistant.intake import IntakeRecord


def _summary(**fields: object) -> str:
    intake = IntakeRecord.model_validate({"diagnosis_in_question": "pneumonia", "age": 40, **fields})
    return " ".join(s.text for s in summary_sentences(intake, [], []))


@pytest.mark.parametrize(
    "history",
    [
        "HIV test they did, I think it is negative.",
        "No family history of asthma that we know of.",
        "No family heart problems known.",
        # Read drafts listed these as the patient's own conditions.
        "HIV status unknown.",
        "No childhood asthma or eczema.",
        "Had flu and COVID vaccines this autumn.",
        "Underactive thyroid caused by amiodarone.",
    ],
)
def test_negative_tests_and_denied_family_history_name_no_condition(history: str) -> None:
    text = _summary(history=history)
    assert "Past conditions mentioned" not in text
    assert "Conditions mentioned in family members" not in text


def test_a_nans_clot_is_family_history_not_the_patients_own() -> None:
    text = _summary(
        history="My nan has a clotting thing i think (she had a clot in her leg when she was young)."
    )
    assert "Past conditions mentioned" not in text
    assert "Conditions mentioned in family members or close contacts: a blood clot in a leg vein" in text


def test_own_and_family_conditions_are_still_told_apart() -> None:
    text = _summary(history="Asthma as a child. Mum has COPD.")
    assert "Past conditions mentioned: asthma." in text
    assert "Conditions mentioned in family members or close contacts: COPD or emphysema." in text


def test_earlier_results_in_the_intake_are_the_patients_account() -> None:
    text = _summary(prior_imaging="Chest x-ray last week: doctor said shadow at the right base.")
    assert "report was not available" not in text
    assert (
        "Earlier imaging or test results were described in the intake; their reports were not uploaded"
        in text
    )


@pytest.mark.parametrize("said", ["None", "no previous x-rays", "N/A", "none that I know of"])
def test_no_earlier_imaging_says_nothing_about_it(said: str) -> None:
    assert "Earlier imaging" not in _summary(prior_imaging=said)


def test_poor_weight_gain_is_not_weight_gain_and_a_near_faint_is_not_a_faint() -> None:
    from assistant.drafting.questions import symptom_names

    assert "weight gain" not in symptom_names("poor weight gain, sweaty and tired with feeds")
    assert symptom_names("weight gain of 3 kg in a week") == ["weight gain"]
    assert symptom_names("one near-faint on the stairs") == ["feeling faint"]
    assert symptom_names("nearly fainted") == ["feeling faint"]
    assert symptom_names("fainted twice") == ["fainting"]


@pytest.mark.parametrize(
    ("history", "own", "family"),
    [
        # Hay fever is not a cough syndrome; a stomach ulcer's bleed is no cause of chest pain;
        # kidney disease is not fluid build-up (each misread in a read draft).
        ("Hay fever as a boy.", "hay fever", ""),
        ("Father has hay fever.", "", "hay fever"),
        ("Stomach ulcer bleed 2019.", "a stomach ulcer", ""),
        ("Chronic kidney disease stage 4.", "kidney disease", ""),
        # Neighbours are contacts, not the patient; "No TB treatment himself" names no TB of his own.
        ("Grandfather had TB, neighbours with TB. No TB treatment himself.", "", "tuberculosis (TB)"),
        # A test refused is no HIV; relatives in the plural are relatives; a BCG scar is on the arm.
        ("Refused HIV test so far. Drinks 3-4 beers most days.", "", ""),
        ("Two brothers died of lung cancer, both smokers.", "", "a lung cancer or other lung mass (tumour)"),
        ("Had BCG as child (scar on arm).", "", ""),
    ],
)
def test_past_conditions_are_named_as_the_patient_wrote_them(history: str, own: str, family: str) -> None:
    text = _summary(history=history)
    if own:
        assert f"Past conditions mentioned: {own}." in text
    else:
        assert "Past conditions mentioned" not in text
    if family:
        assert f"Conditions mentioned in family members or close contacts: {family}." in text
    else:
        assert "Conditions mentioned in family members" not in text


@pytest.mark.parametrize(
    "history",
    [
        "No one with TB we know.",
        "First pneumothorax treated with aspiration. No skin lesions or kidney problems known.",
        "Sister had a cold last week, nothing else.",
    ],
)
def test_more_denials_and_procedures_name_no_past_condition(history: str) -> None:
    text = _summary(history=history)
    assert "tuberculosis" not in text and "aspiration (inhaled" not in text and "kidney" not in text
    assert "cough from the nose and sinuses" not in text


@pytest.mark.parametrize(
    ("description", "names"),
    [
        ("coughing and spluttering when drinking and eating, wet voice after meals",
         ["coughing or choking when eating or drinking"]),
        ("fast breathing with tummy sucking in under ribs",
         ["fast breathing", "the chest drawing in with breaths"]),
        ("taking about half her normal feeds, fewer wet nappies", ["eating or feeding less"]),
        ("coughed up pink streaked spit once", ["coughing blood"]),
        ("achy right calf", ["calf or leg pain"]),
        ("pauses in his breathing at night", ["pauses in breathing"]),
        ("runny nose and snuffly", ["a runny or blocked nose"]),
        ("more sleepy and confused", ["drowsiness", "confusion"]),
    ],
)  # fmt: skip
def test_the_signs_that_matter_are_named_in_the_summary(description: str, names: list[str]) -> None:
    """Read summaries left out a baby's recession and feeds, streaked spit and a sore calf."""
    assert symptom_names(description) == names


def test_an_inhaled_nut_asked_about_is_not_aspiration_in_the_background() -> None:
    """A 3-year-old's choking fit on nuts (vignette v360): the draft listed "aspiration" as background
    while discussing the inhaled nut as the main alternative."""
    import json
    from pathlib import Path

    case = json.loads((Path(__file__).parents[2] / "data/vignettes/v360.json").read_text())
    text = " ".join(s.text for s in summary_sentences(IntakeRecord.model_validate(case["intake"]), [], []))
    assert "aspiration" not in text


def test_a_bcg_scar_is_no_background_lung_scar() -> None:
    """The history's "Had BCG as child (scar on arm)" was listed as an old scar on the lung."""
    text = _summary(history="Had BCG as child (scar on arm). Smoke 20 a day.")
    assert "old scar on the lung" not in text


def test_every_listed_medicine_is_named_a_long_entry_by_its_name() -> None:
    """Read summaries left out "combined oral contraceptive pill (Microgynon)" and
    "omeprazole 20mg daily (started 3 weeks ago)" for being long."""
    text = _summary(
        medications=[
            "combined oral contraceptive pill (Microgynon)",
            "omeprazole 20mg daily (started 3 weeks ago)",
            "amoxicillin-clavulanate 875/125 three times daily (day 10 of 42)",
            "vitamin D",
        ]
    )
    for name in ("Microgynon", "omeprazole 20mg", "amoxicillin-clavulanate 875/125", "vitamin D"):
        assert name in text


def test_a_pregnancy_is_in_the_summary() -> None:
    """A woman 24 weeks pregnant with COVID was summarised as "30 years old, female"."""
    text = _summary(sex="female", reason_for_second_opinion="I am 24 weeks pregnant with my second baby.")
    assert "female, and pregnant." in text
    assert "pregnant" not in _summary(sex="female", reason_for_second_opinion="I had my baby 3 years ago.")
    # a baby's intake written by her pregnant mother: the pregnancy is the mother's
    mother = "My daughter is 7 month. I am pregnant again 10 weeks."
    assert "pregnant" not in _summary(sex="female", age=0, reason_for_second_opinion=mother)
    assert "pregnant" not in _summary(sex="female", age=15, reason_for_second_opinion=mother)
    # a daughter's pregnancy told by her mother is the daughter's
    daughter = "My daughter is 30 weeks pregnant and I worry I could give it to her."
    assert "pregnant" not in _summary(sex="female", age=53, reason_for_second_opinion=daughter)


def test_an_event_is_not_given_a_duration() -> None:
    """ "one time felt dizzy in PE" (once, 2 months ago) read as "dizziness for about 2 months"."""
    text = _summary(
        symptoms=[
            {"description": "one time felt dizzy and had to sit down", "duration": "once, 2 months ago"},
            {"description": "choking episode on peanuts", "duration": "20-30 seconds, 2 days before illness"},
            {"description": "wet cough", "duration": "started 3 weeks ago"},
        ]
    )
    assert "dizziness for" not in text and "choking episode for" not in text
    assert "for about 3 weeks" in text
