"""What the reading of v959-v994 found: a relative's illness, a school's cases, a breast cancer and skin
nodules read as the patient's own lung history; a denial the facts did not see; a flu outbreak weighed as
COVID-19; report words read as the wrong finding; eye drops and a preventive heparin dose named as something
else. Real tables; only the language model is the mock."""

from __future__ import annotations

import pytest

from assistant.drafting.conditions import condition, conditions_in, denied_conditions
from assistant.drafting.facts import _history_read
from assistant.drafting.medicines import listed_medicine, medicine_sentences, treats_a_clot
from assistant.drafting.reported import reported_findings
from assistant.drafting.risk_factors import bearing_on, found_factors
from assistant.intake import IntakeRecord
from tests.assistant.drafting.mock_drafts import adult_pneumonia as _intake
from tests.assistant.drafting.mock_drafts import asked as _asked
from tests.assistant.drafting.mock_drafts import draft as _draft


def _keys(text: str) -> list[str]:
    return [c.key for c in conditions_in(text)]


# --- the history: whose illness, and which organ ------------------------------------------------------------


def test_the_clinic_of_a_relatives_illness_is_no_past_condition() -> None:
    own, family, _ = _history_read(
        "4-year-old girl. Household contact of father with sputum smear-positive pulmonary TB. Contact "
        "screening: IGRA positive. Asymptomatic. Interpreter used in TB clinic."
    )
    assert own == []
    assert family == ["tuberculosis (TB)"]


def test_a_patient_seen_in_a_clinic_for_their_own_illness_keeps_it() -> None:
    own, _, _ = _history_read("Known to the COPD team, on home oxygen.")
    assert own == ["COPD or emphysema"]


def test_cases_reported_at_school_are_others_illness() -> None:
    own, family, _ = _history_read("11-year-old boy. Local school has reported pertussis cases.")
    assert "whooping cough (pertussis)" not in own
    assert family == ["whooping cough (pertussis)"]


@pytest.mark.parametrize(
    "text",
    [
        "Left breast invasive ductal carcinoma (ER+, HER2-) treated 3 years ago",
        "Right renal clear cell carcinoma removed 2019",
        "bowel cancer 2015",
    ],
)
def test_another_organs_cancer_is_no_lung_cancer(text: str) -> None:
    assert "lung_cancer" not in _keys(text)


@pytest.mark.parametrize(
    "text", ["lung adenocarcinoma", "invasive carcinoma of the lung", "squamous cell carcinoma"]
)
def test_a_lung_cancer_by_its_kind_is_still_one(text: str) -> None:
    assert "lung_cancer" in _keys(text)


@pytest.mark.parametrize(
    "text",
    [
        "tender erythematous nodules on both shins",
        "rheumatoid nodules on elbows",
        "a thyroid nodule",
        "skin nodules",
    ],
)
def test_nodules_of_the_skin_or_thyroid_are_no_lung_nodule(text: str) -> None:
    assert "nodule" not in _keys(text)


@pytest.mark.parametrize("text", ["a 6 mm nodule in the right upper lobe", "lung nodules on CT", "a nodule"])
def test_a_lung_nodule_is_still_one(text: str) -> None:
    assert "nodule" in _keys(text)


def test_a_family_history_denied_with_the_organ_named_is_denied() -> None:
    assert [c.key for c in denied_conditions("No family history of lung fibrosis")] == ["pulmonary_fibrosis"]
    _, family, _ = _history_read("MDT diagnosis IPF. No family history of lung fibrosis.")
    assert family == []


def test_a_condition_after_an_organ_word_is_not_denied_without_a_denial() -> None:
    assert denied_conditions("Brother has lung fibrosis") == []


# --- facts for and against ----------------------------------------------------------------------------------


def test_ankles_said_not_to_be_swollen_are_no_ankle_swelling() -> None:
    intake = _intake(
        diagnosis_in_question="heart failure",
        reason_for_second_opinion="I sleep on one pillow and my ankles are not swollen.",
    )
    assert "swollen_ankles" not in {f.factor.key for f in found_factors(intake)}


def test_a_symptom_told_with_a_negative_verb_is_still_found() -> None:
    """ "I suddenly couldn't breathe" is the sudden onset itself."""
    intake = _intake(
        diagnosis_in_question="pulmonary embolism",
        reason_for_second_opinion="Then I suddenly couldn't breathe properly and had a stabbing pain.",
    )
    assert "sudden_onset" in {f.factor.key for f in found_factors(intake)}


def test_a_flu_outbreak_and_positive_flu_test_raise_no_covid_and_leave_pneumonia_open() -> None:
    intake = _intake(
        diagnosis_in_question="flu",
        age=91,
        history="Care home influenza A outbreak (9 residents, 4 staff). Flu A PCR positive day 1.",
    )
    raising, _ = bearing_on(intake, condition("covid19"))
    assert raising == []
    _, lowering = bearing_on(intake, condition("pneumonia"))
    assert lowering == []
    raising, _ = bearing_on(intake, condition("viral_infection"))
    assert {f.factor.key for f in raising} == {"sick_contacts", "positive_viral_test"}


def test_a_positive_covid_test_still_raises_covid() -> None:
    intake = _intake(
        diagnosis_in_question="chest infection", history="COVID lateral flow positive yesterday."
    )
    raising, _ = bearing_on(intake, condition("covid19"))
    assert [f.factor.key for f in raising] == ["positive_viral_test"]


def test_an_outbreak_of_no_named_infection_still_raises_what_it_did() -> None:
    intake = _intake(
        diagnosis_in_question="chest infection", history="There is an outbreak at the care home."
    )
    raising, _ = bearing_on(intake, condition("covid19"))
    assert [f.factor.key for f in raising] == ["sick_contacts"]


# --- report words -------------------------------------------------------------------------------------------


def _reported(prior_imaging: str, reason: str = "") -> list[str]:
    return reported_findings(_intake(prior_imaging=prior_imaging, reason_for_second_opinion=reason))[0]


def test_air_under_the_skin_is_no_emphysema_and_air_round_the_heart_is_named() -> None:
    found = _reported(
        "Chest X-ray: 'Lucent streaks consistent with pneumomediastinum and cervical subcutaneous emphysema. "
        "No pneumothorax.'"
    )
    assert "emphysema (damaged air sacs)" not in found
    assert "air under the skin (surgical emphysema)" in found
    assert "air in the middle of the chest around the heart (pneumomediastinum)" in found


def test_emphysema_of_the_lungs_is_still_emphysema() -> None:
    assert "emphysema (damaged air sacs)" in _reported(
        "CT chest: 'Centrilobular emphysema in both upper lobes.'"
    )


def test_lung_cysts_are_named_and_a_kidney_lump_is_no_chest_mass() -> None:
    found = _reported(
        "CT thorax: 'Multiple round thin-walled cysts, 2-10 mm, in both lungs. Residual pneumothorax.'",
        reason="A scan found a 'fatty lump' on my right kidney when I was pregnant.",
    )
    assert "thin-walled air spaces in the lung (cysts)" in found
    assert "a mass" not in found


@pytest.mark.parametrize(
    "report", ["Ultrasound: 'simple renal cyst'", "CT: 'cysts in the liver, lungs clear'"]
)
def test_cysts_of_another_organ_are_no_lung_cysts(report: str) -> None:
    assert "thin-walled air spaces in the lung (cysts)" not in _reported(report)


def test_a_chest_mass_is_still_a_mass() -> None:
    assert "a mass" in _reported("CT chest: '45 mm spiculated mass in the left upper lobe.'")


# --- medicines ----------------------------------------------------------------------------------------------


def test_timolol_eye_drops_are_named_as_eye_drops_that_can_cause_wheeze() -> None:
    med = listed_medicine("timolol 0.5% eye drops both eyes twice a day")
    assert med.group is not None and med.group.key == "beta_blocker_eye_drops"
    said = " ".join(
        medicine_sentences(["timolol 0.5% eye drops both eyes twice a day"], ["copd"], "COPD", [])
    )
    assert "glaucoma" in said and "wheeze" in said
    assert "migraine" not in said


def test_timolol_tablets_are_still_a_non_selective_beta_blocker() -> None:
    med = listed_medicine("timolol 10mg tablets")
    assert med.group is not None and med.group.key == "beta_blocker_nonselective"


@pytest.mark.parametrize(
    ("listed", "preventive"),
    [
        ("enoxaparin 40mg injection daily", True),
        ("dalteparin 5000 units once a day to prevent clots", True),
        ("enoxaparin 120mg once daily", False),
        ("enoxaparin 80mg twice a day", False),
        ("enoxaparin 1.5mg/kg", False),
        ("enoxaparin 40mg (stopped)", False),
    ],
)
def test_a_preventive_heparin_dose_is_said_not_to_treat_a_clot(listed: str, preventive: bool) -> None:
    said = " ".join(medicine_sentences([listed], ["pulmonary_embolism"], "a blood clot in the lung", []))
    assert ("does not treat one" in said) is preventive


def test_the_draft_for_a_care_home_flu_outbreak_weighs_no_covid_by_it() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="flu",
        reason_for_second_opinion="Mum is in a care home with a flu outbreak. She tested positive for flu A.",
        main_question="Should she have had Tamiflu? Could it be COVID instead? Should she go into hospital?",
        age=91,
        history="Care home influenza A outbreak (9 residents, 4 staff).",
    )
    sentences = [s.text for sec in _draft(intake).sections for s in sec.sentences]
    assert any("COVID-19" in t for t in sentences)  # the question is answered
    assert not [t for t in sentences if "what makes COVID-19 more likely" in t and "flu" in t]


# --- then the new cases v995-v1030, once scored: question forms, and two infections caught from animals ----


@pytest.mark.parametrize(
    ("diagnosis", "question", "age", "expected"),
    [
        (
            "viral induced wheeze",
            "His xray was clear so does that rule it out, and what should happen now?",
            2,
            ("next_steps", "", ""),
        ),
        (
            "recurrent croup",
            "Could his windpipe have been narrowed by the breathing tube, and who should check that?",
            3,
            ("next_steps", "", ""),
        ),
        ("collapsed lung", "Was sending me home without a drain the right call?", 24, ("treatment", "", "")),
        ("heart failure", "Shouldn't she have the heart scan sooner?", 80, ("next_steps", "", "")),
        (
            "COPD flare ups",
            "Or is his swallowing letting food and drink go down the wrong way?",
            78,
            ("could_it_be", "aspiration", ""),
        ),
        (
            "pneumonia",
            "Could he have caught parrot fever from our budgie that died?",
            3,
            ("could_it_be", "psittacosis", ""),
        ),
        ("flu", "Could it be Q fever from the lambing?", 38, ("could_it_be", "q_fever", "")),
    ],
)
def test_new_cases_question_forms(
    diagnosis: str, question: str, age: int, expected: tuple[str, str, str]
) -> None:
    assert expected in _asked(diagnosis, question, age)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("inhaled peanut", "foreign_body"),
        ("bleomycin lung damage", "drug_induced_lung"),
        ("Could his windpipe have been narrowed by the breathing tube", "subglottic_stenosis"),
        ("psittacosis", "psittacosis"),
        ("Chlamydia psittaci", "psittacosis"),
        ("Coxiella burnetii", "q_fever"),
    ],
)
def test_names_new_cases_used(text: str, key: str) -> None:
    assert key in _keys(text)


def test_a_flock_with_q_fever_is_the_animals_not_the_farmers_past() -> None:
    own, _, _ = _history_read(
        "Sheep farmer. Veterinary confirmation of Coxiella burnetii abortion storm in flock."
    )
    assert own == []


def test_q_fever_is_answered_with_its_exposure_and_its_household_line() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="flu",
        reason_for_second_opinion="Sheep farmer, lambing just done. My wife is pregnant and helped with it.",
        main_question="Could it be Q fever? Does my wife need testing?",
        age=38,
    )
    content = _draft(intake)
    text = " ".join(s.text for sec in content.sections for s in sec.sentences)
    assert "q_fever" in content.alternatives
    assert "lambing, calving or kidding" in text  # what in the story makes it more likely
    assert "antibodies to Coxiella" in text  # the test that settles it
    assert "pregnant partner" in text  # caught from the animals, so the household line names who shared them
    assert "its checked knowledge does not cover it" not in text


def test_psittacosis_is_told_apart_from_bird_fanciers_lung() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="bird fancier's lung",
        reason_for_second_opinion="I keep pigeons.",
        main_question="Could it be psittacosis instead?",
        age=60,
    )
    text = " ".join(s.text for sec in _draft(intake).sections for s in sec.sentences)
    assert "What usually tells psittacosis" in text or "from psittacosis" in text
    assert "Chlamydia psittaci" in text


@pytest.mark.parametrize(
    ("listed", "treats"),
    [("enoxaparin 120mg once daily", True), ("enoxaparin 40mg once daily", False), ("apixaban 5mg", True)],
)
def test_the_clot_check_reads_a_heparin_dose_as_the_medicine_list_does(listed: str, treats: bool) -> None:
    """One reading of a heparin's dose serves both: a treatment dose treats a clot, a preventive one not."""
    assert treats_a_clot([listed]) is treats
