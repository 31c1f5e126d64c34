"""What the new cases v1067-v1102 and the reading of v1031-v1066 showed: a vague "his heart" read as a heart
attack in a 3-year-old after a heart repair, conditions the table lacked (decompression illness, fat
embolism, fluid overload, Legionnaires' disease), question forms the parser did not know, history read wrong
(a negative HIV test listed as HIV, a birth five years ago as a recent one), and adult text given to babies.
Real tables; only the language model is the mock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.drafting.conditions import condition, conditions_in
from assistant.drafting.facts import _history_read
from assistant.drafting.medicines import atypical_caution, listed_medicines
from assistant.drafting.questions import named_alternatives, pregnant_now, symptom_durations
from assistant.drafting.reported import reported_findings, reported_sentence
from assistant.drafting.same_day import same_day_sentence
from assistant.drafting.schemas import SectionKey
from assistant.intake import IntakeRecord, Symptom
from tests.assistant.drafting.mock_drafts import adult_pneumonia as _intake
from tests.assistant.drafting.mock_drafts import asked as _asked
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import factor_keys
from tests.assistant.drafting.mock_drafts import section_text as _section_text

VIGNETTES = Path(__file__).resolve().parents[2] / "data" / "vignettes"


def _keys(text: str, *, child: bool = False) -> list[str]:
    return [c.key for c in conditions_in(text, fuzzy=True, child=child)]


def _named(**fields: object) -> list[str]:
    return [c.key for c in named_alternatives(_intake(**fields))]


# --- a vague "heart" ----------------------------------------------------------------------------------------


def test_a_childs_vague_heart_is_never_a_heart_attack() -> None:
    # sweating is a heart attack's cue in an adult; a 3-year-old who sweats at night with his snoring
    named = _named(
        diagnosis_in_question="asthma",
        age=3,
        main_question="Is it definately asthma? Could it be sleep apnea from the snoring or is it his heart "
        "again?",
        reason_for_second_opinion="Hes sweaty at night and grumpy all day and falls asleep in the car.",
    )
    assert "heart_attack" not in named
    assert "congenital_heart_disease" in named


def test_a_childs_chest_pain_with_a_vague_heart_is_read_as_its_lining_not_a_heart_attack() -> None:
    text = "Is it really costochondritis or can it be the heart? She has pain in the left side of the chest."
    assert _keys(text, child=True) == ["costochondritis", "pericarditis"]
    assert "heart_attack" in _keys(text)


def test_a_child_with_no_cue_reads_a_vague_heart_as_one_from_birth() -> None:
    assert _keys("is it his heart?", child=True) == ["congenital_heart_disease"]


def test_a_repaired_heart_defect_reads_his_heart_as_one_from_birth() -> None:
    text = "He had his heart operation (AVSD) as a baby and gets breathless. Is it his heart again?"
    assert "congenital_heart_disease" in _keys(text)


def test_an_adults_vague_heart_with_no_cue_stays_a_heart_attack() -> None:
    assert _keys("is it his heart?") == ["heart_attack"]


def test_a_heart_scan_that_said_weaker_reads_my_heart_as_heart_failure() -> None:
    named = _named(
        diagnosis_in_question="chest infection",
        age=14,
        main_question="is this really just a chest infection? is it my heart getting worse",
        reason_for_second_opinion="my heart scan last time said it was a bit weaker and they put me on "
        "ramipril",
    )
    assert "heart_failure" in named


def test_a_heart_block_on_the_ecg_is_no_heart_attack() -> None:
    assert _keys("The cardiologist say my heart has little block on ECG and check every year.") == [
        "arrhythmia"
    ]


def test_no_previous_cardiac_diagnosis_does_not_deny_the_heart_failure_asked_about() -> None:
    named = _named(
        diagnosis_in_question="COPD",
        age=80,
        main_question="How can she have COPD when she has never smoked? Is it actually her heart?",
        reason_for_second_opinion="The X-ray said her heart was big and her ankles are swollen.",
        history="Never smoker. No previous cardiac diagnosis. Orthopnoea and ankle oedema.",
    )
    assert "heart_failure" in named


# --- conditions the table lacked --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Is it sure this is not bends or air embolism?", "decompression_illness"),
        ("could it be decompression sickness", "decompression_illness"),
        ("Could it be a clot or fat embolism?", "fat_embolism"),
        ("Is it pneumonia or fluid on her lungs from all the drips and blood?", "fluid_overload"),
        ("transfusion-associated circulatory overload", "fluid_overload"),
        ("Could this be Legionnaires from the hotel?", "legionnaires"),
        ("legionella urine antigen", "legionnaires"),
    ],
)
def test_new_conditions_are_read(text: str, key: str) -> None:
    assert key in _keys(text)


@pytest.mark.parametrize("text", ["the road bends to the left", "she bends over to tie her shoes"])
def test_bends_in_everyday_words_is_no_diving_illness(text: str) -> None:
    assert "decompression_illness" not in _keys(text)


def test_an_air_embolism_is_no_blood_clot_in_the_lung() -> None:
    assert _keys("is it an air embolism?") == ["decompression_illness"]


def test_mycoplasma_stays_an_atypical_pneumonia_and_legionella_is_its_own() -> None:
    assert _keys("walking pneumonia") == ["atypical_pneumonia"]
    assert condition("legionnaires").refines == "pneumonia"
    assert "urine" in condition("legionnaires").test


def test_a_hotel_hot_tub_or_compost_raises_legionnaires_disease() -> None:
    assert "water_systems" in factor_keys(reason_for_second_opinion="We stayed in a hotel with a hot tub.")
    assert "compost" in factor_keys(reason_for_second_opinion="I was handling bagged potting compost.")


def test_amoxicillin_alone_is_flagged_when_legionnaires_disease_is_possible() -> None:
    note = atypical_caution(listed_medicines("amoxicillin 500mg"), ["pneumonia"], ["legionnaires"])
    assert "amoxicillin" in note.lower() and "legionella" in note.lower()


def test_a_legionnaires_question_is_answered_with_its_urine_test() -> None:
    content = _draft(
        _intake(
            diagnosis_in_question="chest infection, on amoxicillin",
            age=69,
            main_question="Could this be Legionnaires from the hotel? Is amoxicillin the right antibiotic?",
            medications=["amoxicillin 500mg three times a day"],
        )
    )
    text = _section_text(content, SectionKey.ANSWERS) + _section_text(content, SectionKey.ALTERNATIVES)
    assert "urine test for Legionella" in text
    assert "public health" in condition("legionnaires").infectious


# --- lay words ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Could he have breathed in the tooth?", "foreign_body"),
        ("could she be breathing her milk into her lungs", "aspiration"),
        ("Could the bubbles burst on the plane?", "pneumothorax"),
        ("COPD or the polio?", "neuromuscular_weakness"),
        ("is it something else from my muscle disease?", "neuromuscular_weakness"),
        ("like the other SMA babies", "neuromuscular_weakness"),
        ("could it be nocturnal hypoventilation", "neuromuscular_weakness"),
        ("the xray said the top of her right lung had collapsed", "atelectasis"),
    ],
)
def test_lay_words_name_the_condition(text: str, key: str) -> None:
    assert key in _keys(text)


def test_a_lobe_collapsed_is_no_collapsed_lung_but_a_lung_that_collapsed_is() -> None:
    assert "pneumothorax" not in _keys("the xray said the top of her right lung had collapsed")
    assert _keys("could the lung have collapsed again?") == ["pneumothorax"]


def test_obesity_hypoventilation_stays_with_sleep_apnoea() -> None:
    assert _keys("obesity hypoventilation") == ["sleep_apnoea"]


# --- question forms -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "If so, how is it confirmed?",
        "Is there anything to do in the meantime?",
        "Does anyone need telling about the hotel?",
        "And which comes first, the lung or the hip?",
        "Has anyone checked my old films?",
    ],
)
def test_new_next_step_forms(question: str) -> None:
    assert "next_steps" in {k for k, _, _ in _asked("pneumonia", f"Is it pneumonia? {question}")}


def test_a_question_about_the_past_is_no_next_step() -> None:
    assert "next_steps" not in {k for k, _, _ in _asked("pneumonia", "Was it pneumonia first?")}


# --- the history read ---------------------------------------------------------------------------------------


def test_a_negative_list_of_infection_tests_names_no_infection() -> None:
    own, _, _ = _history_read("Household contact of TB. HIV, hepatitis B and C negative.")
    assert not any("HIV" in n for n in own)


def test_a_screen_said_unremarkable_names_no_condition_it_tested_for() -> None:
    own, _, _ = _history_read(
        "Bronchiectasis on HRCT; initial aetiology screen (immunoglobulins, Aspergillus IgE, alpha-1 "
        "antitrypsin) unremarkable; labelled idiopathic."
    )
    assert not any("alpha-1" in n or "Aspergillus" in n for n in own)
    assert any("bronchiectasis" in n for n in own)


def test_a_level_never_measured_names_no_deficiency() -> None:
    own, _, _ = _history_read("COPD diagnosed at 48. Serum alpha-1 antitrypsin level never measured.")
    assert not any("alpha-1" in n for n in own)


def test_a_positive_in_the_list_keeps_the_result_as_said() -> None:
    own, _, _ = _history_read("HIV positive on antiretrovirals.")
    assert any("HIV" in n for n in own)


@pytest.mark.parametrize(
    ("history", "said", "not_said"),
    [
        ("Pancreatitis once at 27 with no obvious cause.", "pancreatitis", "gallstones, a stomach ulcer"),
        ("Osteopenia on DEXA.", "osteopenia", "osteoporosis"),
    ],
)
def test_a_past_condition_is_named_as_told(history: str, said: str, not_said: str) -> None:
    own, _, _ = _history_read(history)
    assert any(said in n for n in own)
    assert not any(not_said in n for n in own)


def test_pleuritic_pain_now_is_no_past_pleurisy() -> None:
    own, _, _ = _history_read("From day 5 post-partum increasing dyspnoea, left pleuritic pain for 2 days.")
    assert not any("pleurisy" in n for n in own)


def test_a_birth_five_years_ago_is_no_recent_one() -> None:
    intake = _intake(
        sex="female",
        age=41,
        history="Provoked pulmonary embolism postpartum (emergency caesarean) 5 years ago.",
    )
    assert not pregnant_now(intake)
    assert pregnant_now(
        _intake(sex="female", age=33, history="Day 9 postpartum after an emergency caesarean.")
    )


def test_a_fever_that_has_settled_does_not_argue_against_pneumonia() -> None:
    assert "no_fever" not in factor_keys(
        symptoms=[Symptom(description="little cough now, otherwise back to normal, no fever now")]
    )
    assert "no_fever" in factor_keys(history="No fever.")


def test_coughing_a_little_blood_is_coughing_blood_not_a_cough() -> None:
    intake = _intake(
        symptoms=[
            Symptom(
                description="coughed a little blood after the biopsy, none since day 2", duration="2 days"
            )
        ]
    )
    names = [n for group, _ in symptom_durations(intake) for n in group]
    assert names == ["coughing blood"]


# --- babies and children ------------------------------------------------------------------------------------


def _infant_with_a_shadow() -> IntakeRecord:
    return IntakeRecord(
        diagnosis_in_question="a normal thymus",
        main_question="Is the shadow really just her thymus or could it be a tumour?",
        age=0,
        sex="female",
        symptoms=[Symptom(description="cough with a cold, now gone", duration="2 weeks")],
    )


def test_lung_cancer_asked_of_a_baby_is_answered_as_almost_unheard_of() -> None:
    content = _draft(_infant_with_a_shadow())
    answers = _section_text(content, SectionKey.ANSWERS)
    alternatives = _section_text(content, SectionKey.ALTERNATIVES)
    assert "almost unheard of in children" in answers
    assert "can point to a lung cancer" not in alternatives


def test_an_adult_asking_about_lung_cancer_still_has_it_weighed() -> None:
    assert not condition("lung_cancer").too_young(45)


def test_a_school_age_child_sent_home_is_told_of_drinking_not_nappies() -> None:
    intake = _intake(
        age=9,
        reason_for_second_opinion="They checked her in A&E and sent her home, her sats were 93%.",
    )
    text = same_day_sentence(intake, ["an oxygen reading of 93%"], "call 999")
    assert "nappies" not in text
    baby = same_day_sentence(_intake(age=0), ["an oxygen reading of 93%"], "call 999")
    assert "nappies" in baby or "A&E" in baby


def test_a_babys_weak_diaphragm_is_tested_by_watching_it_move_not_by_breathing_tests() -> None:
    test = condition("diaphragm_weakness").test_for(child=True, age=0)
    assert "ultrasound" in test and "breathing tests" not in test


# --- what the notes say -------------------------------------------------------------------------------------


def test_long_use_of_a_medicine_does_not_rule_out_its_lung_harm() -> None:
    assert "months or years of use" in condition("drug_induced_lung").supports


def test_a_negative_anca_is_not_said_to_rule_out_egpa() -> None:
    assert "does not rule that form out" in condition("vasculitis").against


def test_tb_notes_warn_against_quinolones_and_say_young_children_rarely_pass_it_on() -> None:
    tb = condition("tuberculosis")
    assert "quinolone" in tb.treatment
    assert "young children with TB rarely pass it on" in tb.infectious


def test_a_film_without_a_metal_object_makes_an_inhaled_coin_very_unlikely() -> None:
    assert "inhaled metal object very unlikely" in condition("foreign_body").test


# --- results that argue against asthma ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "key"),
    [
        ("The inhalers do not help at all.", "inhalers_no_help"),
        ("Salbutamol made no difference.", "inhalers_no_help"),
        ("FeNO 12 ppb.", "low_feno"),
        ("FeNO was normal.", "low_feno"),
    ],
)
def test_results_against_asthma_are_found(history: str, key: str) -> None:
    assert key in factor_keys(history=history)


@pytest.mark.parametrize(
    "history", ["FeNO 45 ppb.", "The inhalers do not help because of poor technique with the spacer."]
)
def test_a_high_feno_or_a_technique_problem_is_no_point_against_asthma(history: str) -> None:
    assert not {"inhalers_no_help", "low_feno"} & factor_keys(history=history)


# --- what the reading found, continued ----------------------------------------------------------------------


def test_a_ct_of_the_heart_arteries_names_no_heart_problem() -> None:
    assert _keys("Had a CT of my heart arteries for chest tightness on the treadmill.") == []
    assert _keys("could it be my heart?") == ["heart_attack"]


def test_ramipril_alone_is_no_high_blood_pressure() -> None:
    assert "high_blood_pressure" not in factor_keys(medications=["ramipril 2.5mg", "bisoprolol 2.5mg"])
    assert "high_blood_pressure" in factor_keys(medications=["amlodipine 5mg"])


def test_an_object_choked_on_months_ago_is_prompt_not_same_day() -> None:
    content = _draft(
        IntakeRecord(
            diagnosis_in_question="pneumonia again",
            main_question="Could he have inhaled a peanut that is still in there?",
            reason_for_second_opinion="Last summer at a BBQ he choked on peanuts, coughed for a few minutes.",
            age=3,
        )
    )
    answers = _section_text(content, SectionKey.ANSWERS)
    assert "not an emergency unless the breathing becomes difficult" in answers
    assert "inhaled foreign body) is suspected, it is usually assessed the same day" not in answers


def test_a_cancer_not_to_be_missed_after_a_lymphoma_named_is_that_lymphoma() -> None:
    text = "My sister says it could be lymphoma. I also don't want to miss cancer."
    assert _keys(text) == ["lymphoma"]
    assert _keys("I don't want to miss cancer.") == ["lung_cancer"]


def test_an_alternative_asked_about_is_not_listed_again_among_the_tests_to_discuss() -> None:
    content = _draft(
        _intake(
            diagnosis_in_question="anxiety",
            age=41,
            sex="female",
            main_question="Could it be a clot in my lung? What should happen next?",
        )
    )
    answers = _section_text(content, SectionKey.ANSWERS)
    assert answers.count("CT pulmonary angiogram (CTPA)") == 1


# --- reports as quoted --------------------------------------------------------------------------------------


def _reported(prior_imaging: str, reason: str = "") -> tuple[list[str], list[str], list[str]]:
    return reported_findings(_intake(prior_imaging=prior_imaging, reason_for_second_opinion=reason))


def test_a_normal_thymus_gland_is_no_enlarged_lymph_gland() -> None:
    present, _, _ = _reported(
        "Chest X-ray: 'Widening of the superior mediastinum to the right, likely normal thymus (sail sign).'",
        reason="The GP said it's just a normal gland babies have.",
    )
    assert "enlarged glands (lymph nodes)" not in present
    assert any("thymus" in p for p in present)


def test_a_nodule_not_seen_on_a_plain_film_is_not_reported_by_it() -> None:
    present, _, _ = _reported(
        "Chest X-ray (yesterday): 'No residual pneumothorax. The known right upper lobe nodule is not "
        "clearly seen on plain film.'"
    )
    assert not any("nodule" in p for p in present)


def test_a_post_biopsy_film_is_a_report_of_its_own() -> None:
    said = reported_sentence(
        _intake(
            prior_imaging="CT chest (6 weeks ago): '19 mm spiculated solid nodule in the right upper lobe. "
            "No lymphadenopathy.' Post-biopsy chest X-ray (day 0): 'Small right apical pneumothorax, 1.5 cm.'"
        )
    )
    assert "the report of the post-biopsy chest X-ray (day 0) mentions air between the lung" in said
    ct = said.split("the report of the CT chest (6 weeks ago) mentions ")[1].split(";")[0]
    assert "nodule" in ct and "pneumothorax" not in ct


@pytest.mark.parametrize(
    "question",
    [
        "Is it sure this is not bends, should I go in the chamber anyway?",
        "Is better the machine with two pressures?",
        "COPD or the polio. Machine for life?",
        "Why CPAP not help me?",
    ],
)
def test_a_chamber_or_a_breathing_machine_asked_about_is_a_treatment_question(question: str) -> None:
    assert "treatment" in {k for k, _, _ in _asked("sleep apnoea", question)}


def test_a_scan_on_the_hospital_machine_is_no_treatment_question() -> None:
    assert "treatment" not in {
        k for k, _, _ in _asked("asthma", "Was the scan machine at the hospital broken?")
    }


def test_what_to_do_asked_beside_when_better_is_a_next_step_question() -> None:
    asked = _asked(
        "pneumonia", "when will i be better and can i go back to my allotment and what should i do to be safe"
    )
    assert ("next_steps", "", "") in asked


def test_a_clot_the_story_weighs_is_advised_today_without_a_condition() -> None:
    # v1038: nine days after a caesarean, a racing heart, pain breathing in, the injections stopped early
    vignette = json.loads((VIGNETTES / "v1038.json").read_text())
    content = _draft(IntakeRecord.model_validate(vignette["intake"]))
    answers = _section_text(content, SectionKey.ANSWERS)
    assert "pulmonary embolism) real weight, and it is usually assessed the same day" in answers
    assert "pulmonary embolism) is suspected, it is usually assessed the same day" not in answers
