"""What the new cases v1103-v1138 and the reading of v1067-v1102 showed: question forms the parser did not
know ("do I have Marfan syndrome?", "will it get better?", "or wait for the GP on Monday?"), conditions named
in lay words it missed (popcorn breathed into the lungs, a worm from Jamaica, the ball in the hole), history
read wrong (a mother's gestational diabetes given to her baby, a negative Legionella antigen listed as
Legionnaires' disease, "Not done: Strongyloides serology" as a known worm), the care setting read wrong both
ways, and medicines and machines named wrongly. Real tables; only the language model is the mock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.drafting.conditions import condition, conditions_in, main_condition
from assistant.drafting.facts import _history_read
from assistant.drafting.medicines import listed_medicines
from assistant.drafting.questions import (
    asserted_symptom_names,
    dated_weeks_back,
    named_alternatives,
    parse_sub_questions,
    pregnant_now,
)
from assistant.drafting.schemas import SectionKey
from assistant.drafting.setting import care_setting
from assistant.intake import IntakeRecord
from tests.assistant.drafting.mock_drafts import adult_pneumonia as _intake
from tests.assistant.drafting.mock_drafts import asked as _asked
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import factor_keys
from tests.assistant.drafting.mock_drafts import section_text as _section_text

VIGNETTES = Path(__file__).resolve().parents[2] / "data" / "vignettes"


def _keys(text: str) -> list[str]:
    return [c.key for c in conditions_in(text, fuzzy=True)]


def _named(**fields: object) -> list[str]:
    return [c.key for c in named_alternatives(_intake(**fields))]


def _vignette(name: str) -> IntakeRecord:
    return IntakeRecord.model_validate(json.loads((VIGNETTES / f"{name}.json").read_text())["intake"])


# --- question forms -----------------------------------------------------------------------------------------


def test_do_i_have_asks_about_a_condition_the_history_has_not_assessed() -> None:
    # a 16-year-old after a pneumothorax whose letter said "?marfanoid - not formally assessed"
    named = _named(
        diagnosis_in_question="PSP (collapsed lung) left side",
        age=16,
        main_question="What does PSP mean and will it happen again? Do I have Marfan syndrome?",
        history="Height 191 cm. No known family history of Marfan syndrome; Marfan features not formally "
        "assessed.",
    )
    assert "marfan_syndrome" in named


def test_have_i_got_asks_as_well() -> None:
    assert ("could_it_be", "bronchiectasis", "") in _asked("COPD", "Have I got bronchiectasis as well?")


def test_a_condition_named_only_as_a_service_is_not_the_diagnosis() -> None:
    dx = "just a cold / viral cough, wait for the TB clinic appointment"
    assert main_condition(dx) == condition("viral_infection")
    assert ("could_it_be", "tuberculosis", "") in _asked(dx, "Could he have caught TB from grandad?", age=0)


def test_a_service_does_not_hide_the_condition_when_it_is_also_named() -> None:
    assert main_condition("TB, seen at the TB clinic") == condition("tuberculosis")
    assert main_condition("TB") == condition("tuberculosis")


def test_take_her_today_or_wait_for_the_gp_is_an_urgent_care_question() -> None:
    asked = _asked("bronchiolitis", "Should I take her somewhere today or wait for the GP on Monday?", age=0)
    assert ("next_steps", "", "urgent") in asked


def test_will_it_get_better_asks_about_recovery() -> None:
    assert ("next_steps", "", "recovery") in _asked("asthma", "Will it get better?", age=79)
    assert ("next_steps", "", "recovery") in _asked("asthma", "Will her cough ever go away?", age=30)


def test_does_it_get_better_with_a_treatment_is_no_recovery_question() -> None:
    assert ("next_steps", "", "recovery") not in _asked("asthma", "Does it get better with inhalers?", age=30)


def test_is_a_symptom_dangerous_asks_when_to_seek_care() -> None:
    asked = _asked("TB has come back", "Is the blood coughing dangerous and what is the treatment?", age=38)
    assert ("next_steps", "", "urgent") in asked
    assert ("treatment", "", "") in asked


def test_what_else_should_be_done_is_a_next_step_question() -> None:
    asked = _asked("asthma", "Is the xray really normal, what else should be done?", age=3)
    assert any(kind == "next_steps" for kind, _, _ in asked)


def test_a_question_weighing_the_diagnosis_against_a_condition_its_text_names_asks_about_that_one() -> None:
    dx = "COPD flare up (video call with GP), now xray says collapsed lung"
    assert ("could_it_be", "pneumothorax", "") in _asked(dx, "Is it a COPD flare up or a collapsed lung?", 72)


def test_a_condition_named_with_the_diagnosis_is_still_no_alternative_unasked() -> None:
    dx = "COPD flare up, now xray says collapsed lung"
    assert not any(kind == "could_it_be" for kind, _, _ in _asked(dx, "Can he fly to Spain in 3 weeks?", 72))


# --- lay words ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Could the ramipril be causing the cough?", "ace_inhibitor_cough"),
        ("could the lisinopril be behind this cough", "ace_inhibitor_cough"),
        ("Could he have breathed popcorn into his lungs even though the xray was normal?", "foreign_body"),
        ("inhaled peanuts", "foreign_body"),
        ("could it be something he breathed in?", "foreign_body"),
        ("Could it be a worm from Jamaica causing the high eosinophils?", "parasitic_infection"),
        ("What is the ball in the hole - is it fungus?", "aspergillosis"),
        ("could it be lung disease from budgies?", "hypersensitivity_pneumonitis"),
        ("lung damage from the birds", "hypersensitivity_pneumonitis"),
    ],
)
def test_lay_words_name_the_condition(text: str, key: str) -> None:
    assert key in _keys(text)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("I breathed in food fumes at work", "foreign_body"),
        ("we have a worm farm for the compost", "parasitic_infection"),
        ("is the ramipril ok with the antibiotics?", "ace_inhibitor_cough"),
    ],
)
def test_everyday_words_name_nothing(text: str, key: str) -> None:
    assert key not in _keys(text)


def test_snoring_with_pauses_is_read_as_both() -> None:
    names = asserted_symptom_names("loud snoring with pauses and gasping at night")
    assert "pauses in breathing" in names and "snoring" in names


def test_a_child_who_snores_with_pauses_is_not_told_nothing_points_to_sleep_apnoea() -> None:
    answers = _section_text(_draft(_vignette("v1080")), SectionKey.ANSWERS)
    assert "Nothing in the story as told points to obstructive sleep apnoea" not in answers
    assert (
        "pauses in breathing and snoring are among those that can point to obstructive sleep apnoea"
        in answers
    )


# --- history and the story's facts --------------------------------------------------------------------------


def test_a_not_done_list_names_no_known_condition() -> None:
    named = _named(
        diagnosis_in_question="severe eosinophilic asthma",
        age=67,
        main_question="Is this really asthma? Could it be a worm from Jamaica causing the high eosinophils?",
        history="Eosinophils 1.8. Not done: Strongyloides serology, stool microscopy, ANCA.",
    )
    assert "parasitic_infection" in named


def test_a_negative_antigen_test_is_no_past_condition() -> None:
    own, _, _ = _history_read(
        "Retired teacher, osteoporosis. Urinary pneumococcal antigen negative; urinary Legionella antigen "
        "(serogroup 1) negative."
    )
    assert own == ["thin bones (osteoporosis)"]


def test_a_family_history_denied_as_a_list_names_no_relatives_condition() -> None:
    _, family, _ = _history_read("No family history of pneumothorax or sudden cardiac death.")
    assert family == []


def test_a_mothers_gestational_diabetes_is_not_her_babys() -> None:
    history = "Term baby by planned caesarean. Maternal gestational diabetes on metformin; no maternal fever."
    assert "diabetes" not in factor_keys(age=0, history=history)


def test_a_past_episodes_positive_swab_is_no_fact_of_this_illness() -> None:
    history = "Admitted at 5 months for 2 nights on oxygen (RSV positive). Nose swab rhinovirus positive."
    keys = factor_keys(age=0, history=history, diagnosis_in_question="bronchiolitis")
    assert "positive_viral_test" in keys  # the rhinovirus swab now
    found = factor_keys(age=0, history="Admitted at 5 months for 2 nights (RSV positive).")
    assert "positive_viral_test" not in found


@pytest.mark.parametrize(
    ("told", "key"),
    [
        (
            "Au pair from a high TB-incidence country lived with the family until 6 months ago.",
            "tb_contact",
        ),
        ("I have been a C5 tetraplegic since a diving accident when I was 29", "chest_injury"),
        ("I had a PE 8 years ago after a pressure sore admission", "chest_wall_tender"),
        ("Medicines: vitamin D 800 units daily", "heavy_drinking"),
    ],
)
def test_words_that_only_look_like_a_fact_are_not_one(told: str, key: str) -> None:
    assert key not in factor_keys(diagnosis_in_question="sarcoidosis", reason_for_second_opinion=told)


@pytest.mark.parametrize(
    ("told", "key"),
    [
        ("Someone at work has TB and we were all sent letters.", "tb_contact"),
        ("he fell off his bike yesterday onto his chest", "chest_injury"),
        ("it hurts when I press on my ribs", "chest_wall_tender"),
        ("he drinks 60 units a week", "heavy_drinking"),
    ],
)
def test_the_facts_themselves_are_still_found(told: str, key: str) -> None:
    assert key in factor_keys(diagnosis_in_question="sarcoidosis", reason_for_second_opinion=told)


# --- the care setting ---------------------------------------------------------------------------------------


def test_days_after_a_named_operation_is_an_inpatient() -> None:
    intake = _intake(age=78, history="78-year-old woman, day 6 after left hip hemiarthroplasty.")
    assert care_setting(intake) == "hospital"


@pytest.mark.parametrize(
    "history",
    [
        "He was on the stroke ward for five weeks and they found his swallowing was not safe.",
        "Tracheostomy since an ICU admission 2 years ago. Nil by mouth except tastes; PEG-fed.",
    ],
)
def test_a_past_stay_or_tube_feeding_at_home_is_not_the_ward(history: str) -> None:
    assert care_setting(_intake(age=70, history=history)) == ""


def test_nil_by_mouth_on_the_ward_is_still_an_inpatient() -> None:
    assert care_setting(_intake(age=70, history="Nil by mouth since admission, on IV fluids.")) == "hospital"


# --- medicines, machines and names
# ---------------------------------------------------------------------------


def test_a_rescue_pack_is_a_steroid_and_an_antibiotic() -> None:
    parts = listed_medicines("rescue pack of steroids and antibiotics at home")
    assert [p.group.key if p.group else None for p in parts] == ["steroid", "antibiotic"]
    assert listed_medicines("inhaled steroids")[0].group is None


def test_a_breathing_machine_is_named_as_one_not_left_to_a_pharmacist() -> None:
    (niv,) = listed_medicines("home NIV at night")
    assert niv.group is not None and niv.group.key == "breathing_machine"
    (oxygen,) = listed_medicines("home oxygen 2 litres")
    assert oxygen.group is not None and oxygen.group.key == "home_oxygen"


def test_parrot_fever_names_the_infection_not_the_birds() -> None:
    intake = _intake(
        age=3,
        diagnosis_in_question="pneumonia",
        main_question="Could he have caught parrot fever or pigeon lung from my dads birds?",
        reason_for_second_opinion="my dad keeps racing pigeons, he has about 60 in the loft",
    )
    summaries = " ".join(q.summary for q in parse_sub_questions(intake, has_images=False))
    assert "exposure to parrot" not in summaries


def test_condition_names_hold_no_examples_that_fit_only_some_patients() -> None:
    assert "obesity hypoventilation" not in condition("sleep_apnoea").name
    assert "motor neurone" not in condition("neuromuscular_weakness").name
    assert "tonsils and adenoids" in condition("sleep_apnoea").treatment_child


# --- dating -------------------------------------------------------------------------------------------------


def test_a_choke_dated_a_year_back_in_the_choking_facts_own_words_is_prompt_not_same_day() -> None:
    # a gagging fit is the choking fact's word; the old pattern knew only "choked" and weeks or months
    content = _draft(
        IntakeRecord(
            diagnosis_in_question="pneumonia again",
            main_question="Could he have inhaled a piece of popcorn that is still in there?",
            reason_for_second_opinion="He had a coughing and gagging fit on popcorn a year ago.",
            age=3,
        )
    )
    answers = _section_text(content, SectionKey.ANSWERS)
    assert "not an emergency unless the breathing becomes difficult" in answers


def test_dating_reads_weeks_months_and_seasons_back() -> None:
    assert dated_weeks_back("choking episode with peanuts approximately 11 months ago")
    assert dated_weeks_back("last summer at a BBQ he choked on peanuts")
    assert not dated_weeks_back("he choked on a grape this morning")


def test_a_pregnancy_last_year_is_not_one_now() -> None:
    assert pregnant_now(_intake(age=30, sex="female", reason_for_second_opinion="I am 24 weeks pregnant."))
    assert not pregnant_now(
        _intake(age=30, sex="female", reason_for_second_opinion="I was pregnant with my second last year.")
    )


def test_a_medicine_or_a_test_called_dangerous_asks_about_safety_not_urgent_care() -> None:
    assert ("next_steps", "", "urgent") not in _asked("pneumonia", "Is the warfarin dangerous now?", age=66)
    assert ("next_steps", "", "urgent") not in _asked(
        "lung cancer", "The biopsy is dangerous for old man?", 67
    )


def test_a_known_stroke_a_question_mentions_is_no_alternative() -> None:
    named = _named(
        diagnosis_in_question="aspiration pneumonia after his stroke - now they say a mass",
        age=72,
        main_question="Is it definitely cancer or could it still be the pneumonia? And with the stroke can "
        "he even have the camera test, or an operation?",
        history="Left MCA ischaemic stroke 3 months ago with right hemiparesis.",
    )
    assert "stroke" not in named and "pneumonia" not in named


def test_a_lung_collapsed_from_mucus_is_a_lobes_collapse_not_a_pneumothorax() -> None:
    keys = _keys("Is this pneumonia or is it a collapsed lung from mucus?")
    assert "atelectasis" in keys and "pneumothorax" not in keys
    assert _keys("is it a collapsed lung?") == ["pneumothorax"]
