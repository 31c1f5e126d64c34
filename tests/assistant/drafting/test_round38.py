"""What the new cases v1139-v1174 and the reading of v1103-v1138 showed: question forms the parser did not
know ("how do they know it is TB and not cancer?", "should he be tested?", "should I agree to the PEG tube?",
"is there anything that will stop the cough?"), history read wrong (a nurse's TB ward listed as her TB, a
clinic's differential as a past condition, "Not done:" items and a denied family history as conditions had),
risk factors from words that do not carry them (a pill used years ago, an HIV test never done, a grandmother's
view that it is whooping cough, a childhood stay in Kenya as malaria country), medicines a letter stopped but
the patient still takes, and a choking fit ten days old called an emergency now. Real tables; only the
language model is the mock."""

from __future__ import annotations

import re

from assistant.drafting.facts import _history_read
from assistant.drafting.guardrails import assess_priority
from assistant.drafting.medicines import ended, listed_medicine
from assistant.drafting.questions import (
    known_conditions,
    parse_sub_questions,
    pregnancy_said,
    pregnant_now,
    symptom_durations,
)
from assistant.drafting.schemas import SectionKey
from assistant.intake import IntakeRecord, Symptom
from tests.assistant.drafting.mock_drafts import adult_pneumonia as _intake
from tests.assistant.drafting.mock_drafts import asked as _asked
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import factor_keys
from tests.assistant.drafting.mock_drafts import section_text as _section_text


def _kinds(diagnosis: str, question: str, age: int = 50) -> list[str]:
    return [kind for kind, _, _ in _asked(diagnosis, question, age)]


def _known(**fields: object) -> list[str]:
    return [c.key for c in known_conditions(_intake(**fields))]


# --- question forms -----------------------------------------------------------------------------------------


def test_how_do_they_know_it_is_not_cancer_weighs_the_cancer_a_first_doctor_named() -> None:
    # the first doctor's "it could be cancer" had made the cancer a co-diagnosis, so the question went
    # unlisted
    intake = _intake(
        diagnosis_in_question="TB in the lung, smear positive",
        age=70,
        reason_for_second_opinion="The doctor sent me for a scan and first they said it could be cancer, a "
        "big "
        "lump with a hole. Then they tested my spit and said TB.",
        main_question="How do they know it is TB and not cancer?",
    )
    asked = [(q.kind, q.condition) for q in parse_sub_questions(intake, has_images=False)]
    assert ("could_it_be", "lung_cancer") in asked


def test_should_he_be_tested_is_a_next_step() -> None:
    assert "next_steps" in _kinds("COPD flare", "Should he be tested?", age=81)
    assert "next_steps" in _kinds("pneumonia", "Should she get checked again?")


def test_should_i_agree_to_what_is_proposed_is_a_next_step() -> None:
    assert "next_steps" in _kinds("aspiration pneumonia", "Should I agree to the PEG tube?", age=58)
    assert "next_steps" in _kinds("pneumonia", "Should we sign the ReSPECT form saying no more hospital?", 84)


def test_relief_of_a_symptom_is_a_treatment_question() -> None:
    assert "treatment" in _kinds("whooping cough", "Is there anything that will stop the cough?")
    assert "treatment" in _kinds("bronchitis", "What can be done about the cough?")


def test_a_question_that_names_no_relief_is_not_a_treatment_question() -> None:
    assert "treatment" not in _kinds("bronchitis", "Will the cough ever stop?")


def test_a_respect_form_asked_about_is_answered_as_a_care_plan() -> None:
    question = "Are tablets at the home as good as a drip in hospital? Should I agree to the ReSPECT form?"
    assert ("next_steps", "", "care_plan") in _asked("pneumonia", question, age=84)
    content = _draft(
        _intake(
            diagnosis_in_question="pneumonia again",
            age=84,
            history="Advanced Alzheimer's dementia, in a nursing home.",
            main_question=question,
        )
    )
    text = _section_text(content, SectionKey.ANSWERS)
    assert "is not a plan to stop treatment" in text
    assert "In advanced dementia" in text
    assert "this opinion cannot make it" in text


def test_respect_as_a_word_asks_about_no_care_plan() -> None:
    assert ("next_steps", "", "care_plan") not in _asked("pneumonia", "With respect, is the X-ray right?")


def test_a_child_s_heart_is_never_read_as_a_heart_attack() -> None:
    intake = _intake(
        diagnosis_in_question="dehydration and exercise asthma",
        age=13,
        reason_for_second_opinion="He collapsed at football training doing sprints; he said he felt his "
        "heart "
        "going really fast. My brother died in his sleep at 32 and they never found why.",
        main_question="Could it be his heart, with what happened to my brother?",
    )
    asked = [q.condition for q in parse_sub_questions(intake, has_images=False) if q.kind == "could_it_be"]
    assert "heart_attack" not in asked
    assert asked


def test_holding_the_new_baby_asks_about_contacts() -> None:
    asked = _asked("RSV", "When will it be safe to hold the new baby?", age=72)
    assert ("next_steps", "", "contacts") in asked


def test_blood_being_low_names_anaemia() -> None:
    asked = _asked("anxiety", "Could it be her blood being low because of the periods?", age=44)
    assert ("could_it_be", "anaemia", "") in asked


def test_the_salt_in_the_blood_being_low_is_not_anaemia() -> None:
    asked = _asked("Legionnaires", "Is the salt in his blood being low dangerous?", age=70)
    assert ("could_it_be", "anaemia", "") not in asked


def test_massive_fibrosis_from_the_dust_is_the_dust_disease_not_lung_scarring_in_general() -> None:
    asked = _asked("lung cancer", "Could the lump be the dust (massive fibrosis) like my mate?", age=74)
    assert ("could_it_be", "silicosis", "") in asked
    assert ("could_it_be", "pulmonary_fibrosis", "") not in asked


def test_low_blood_pressure_is_not_anaemia() -> None:
    asked = _asked("anxiety", "Could it be her blood pressure being low?", age=44)
    assert ("could_it_be", "anaemia", "") not in asked


# --- history ------------------------------------------------------------------------------------------------


def test_a_tuberculosis_ward_worked_on_is_no_tb_had() -> None:
    history = "Worked 9 years on a tuberculosis ward in Zambia in the 1980s; no known previous TB treatment."
    assert "tuberculosis" not in _known(history=history)
    own, _, _ = _history_read(history)
    assert not any("TB" in name for name in own)


def test_tb_treated_is_still_known() -> None:
    assert "tuberculosis" in _known(history="Treated for TB in 2010 for six months.")


def test_a_differential_is_no_past_condition() -> None:
    history = (
        "Clinic letter: likely methotrexate pneumonitis, differential CTD-associated NSIP and "
        "atypical/Pneumocystis infection; methotrexate to be withheld."
    )
    assert "pneumocystis_pneumonia" not in _known(history=history)
    own, _, _ = _history_read(history)
    assert not any("Pneumocystis" in name for name in own)


def test_items_under_not_done_are_no_conditions() -> None:
    own, _, _ = _history_read(
        "Not done: Strongyloides serology, stool microscopy, ANCA, urinalysis, Aspergillus-specific IgE/IgG."
    )
    assert not any("Aspergillus" in name for name in own)


def test_a_denied_family_history_names_no_relative_s_condition() -> None:
    _, family, _ = _history_read("No family history of sudden cardiac death or Marfan syndrome known.")
    assert family == []


def test_a_relative_s_sudden_cardiac_death_is_still_family_history() -> None:
    _, family, _ = _history_read("Mother had sudden cardiac death at 40.")
    assert family


def test_an_impression_of_this_illness_is_no_past_condition() -> None:
    own, _, _ = _history_read(
        "ED (2 weeks ago): chest clear. Impression: musculoskeletal chest pain, post-viral."
    )
    assert own == []


def test_the_diagnosis_treated_as_now_is_no_past_condition() -> None:
    history = "Treated as community-acquired pneumonia with oral amoxicillin (5-day course)."
    own, _, _ = _history_read(history, frozenset({"pneumonia"}))
    assert own == []


def test_the_diagnosis_treated_before_is_still_a_past_condition() -> None:
    own, _, _ = _history_read("Treated for pneumonia in 2019.", frozenset({"pneumonia"}))
    assert own == ["pneumonia"]


# --- risk factors -------------------------------------------------------------------------------------------


def test_tb_patients_on_the_wards_are_no_tb_of_her_own() -> None:
    keys = factor_keys(reason_for_second_opinion="I worked on wards in the 80s when we had TB patients.")
    assert "previous_tb" not in keys


def test_tb_had_as_a_child_is_previous_tb() -> None:
    assert "previous_tb" in factor_keys(history="Had TB as a child, fully treated.")


def test_a_pill_used_before_or_planned_is_no_clot_risk_now() -> None:
    assert "combined_pill" not in factor_keys(
        history="Previously used combined oral contraceptive (Microgynon)."
    )
    planned = "I was going to start back on my Microgynon at the 6 week check."
    assert "combined_pill" not in factor_keys(reason_for_second_opinion=planned)


def test_a_pill_taken_now_is_a_clot_risk() -> None:
    assert "combined_pill" in factor_keys(history="On Microgynon for 3 years.", sex="female", age=30)


def test_an_hiv_test_never_done_is_no_hiv_infection_but_an_exposure_is_a_reason_to_test() -> None:
    keys = factor_keys(
        history="Reports condomless sex with male partners in the past year; never tested for HIV.",
        reason_for_second_opinion="I googled the words on the report and I keep getting PCP pneumonia and "
        "HIV.",
        age=29,
    )
    assert "hiv" not in keys
    assert "hiv_exposure" in keys


def test_known_hiv_is_still_hiv() -> None:
    assert "hiv" in factor_keys(history="HIV positive, on antiretrovirals, CD4 350.")


def test_a_grandmother_s_view_is_no_whooping_contact() -> None:
    keys = factor_keys(reason_for_second_opinion="My mum keeps saying its whooping cough.", age=3)
    assert "whooping_contact" not in keys


def test_a_sister_whooping_is_a_contact() -> None:
    keys = factor_keys(reason_for_second_opinion="His sister has been whooping for three weeks.", age=3)
    assert "whooping_contact" in keys


def test_a_stay_in_kenya_long_ago_is_no_malaria_risk() -> None:
    keys = factor_keys(reason_for_second_opinion="I had TB when I was 17 in Dadaab camp in Kenya.", age=38)
    assert "malaria_area" not in keys


def test_a_recent_stay_in_kenya_is_a_malaria_risk() -> None:
    assert "malaria_area" in factor_keys(reason_for_second_opinion="We got back from Kenya last week.")


# --- medicines ----------------------------------------------------------------------------------------------


def test_a_medicine_a_letter_stopped_but_still_taken_is_said_so() -> None:
    med = listed_medicine("amlodipine 10mg (letter says stopped but still taking)")
    assert not ended(med.note)
    assert med.said == "amlodipine 10mg (still taken, although a letter or the team said to stop it)"


def test_a_stopped_medicine_is_still_stopped() -> None:
    med = listed_medicine("naproxen (stopped)")
    assert ended(med.note)
    assert med.said == "naproxen (stopped)"


def test_the_medicine_named_after_stopped_is_the_one_stopped() -> None:
    assert "stopped" not in listed_medicine("losartan 50mg (since 4 months, stopped lisinopril)").said


def test_a_dash_before_the_note_is_no_part_of_the_name() -> None:
    assert listed_medicine("doxycycline - finished").said == "doxycycline (course finished)"


def test_medicines_the_table_did_not_know_are_named_for_what_they_are() -> None:
    content = _draft(
        _intake(
            age=6,
            diagnosis_in_question="pneumonia",
            main_question="Is amoxicillin enough?",
            medications=["co-trimoxazole (septrin) weekends", "mercaptopurine", "mepolizumab"],
        )
    )
    text = _section_text(content, SectionKey.ANSWERS)
    assert "does not cover" not in text
    assert re.search(r"co-trimoxazole[^;]* is an antibiotic", text)
    assert re.search(r"mepolizumab is a biologic injection for severe asthma", text)


def test_three_antibiotics_from_two_prescribers_are_worth_checking() -> None:
    meds = ["amoxicillin 500mg (A&E)", "clarithromycin 500mg (A&E)", "doxycycline 100mg (GP)"]
    text = _section_text(
        _draft(_intake(main_question="Which tablets do I take, all 3?", medications=meds)), SectionKey.ANSWERS
    )
    assert "are all antibiotics; taking three at once is unusual" in text


def test_the_usual_pair_of_antibiotics_is_not_flagged() -> None:
    meds = ["amoxicillin 500mg", "clarithromycin 500mg"]
    text = _section_text(
        _draft(_intake(main_question="Is this the right antibiotic?", medications=meds)), SectionKey.ANSWERS
    )
    assert "at once is unusual" not in text


def test_two_anti_inflammatory_painkillers_are_worth_checking() -> None:
    meds = ["ibuprofen 400mg", "naproxen 500mg"]
    text = _section_text(
        _draft(_intake(main_question="Are my painkillers right?", medications=meds)), SectionKey.ANSWERS
    )
    assert "are all anti-inflammatory painkillers; taking two at once is unusual" in text


def test_norethisterone_is_a_clot_risk() -> None:
    keys = factor_keys(sex="female", age=44, medications=["norethisterone 5mg three times a day"])
    assert "norethisterone" in keys


# --- urgency, contacts and the summary ----------------------------------------------------------------------


def _popcorn(choking_when: str) -> IntakeRecord:
    return IntakeRecord(
        diagnosis_in_question="viral wheeze",
        main_question="Could he have breathed in a bit of popcorn?",
        age=3,
        symptoms=[
            Symptom(description="cough", duration="8 days", onset="started 2 days after choking on popcorn"),
            Symptom(
                description="choking episode with popcorn", duration="a minute or so", onset=choking_when
            ),
        ],
    )


def test_a_choking_fit_ten_days_ago_is_no_emergency_now() -> None:
    assessment = assess_priority(_popcorn("sudden, 10 days ago"))
    assert assessment.priority == "routine", assessment.reasons
    durations = symptom_durations(_popcorn("sudden, 10 days ago"))
    assert (["a choking episode (10 days ago)"], "") in durations
    assert (["a cough"], "8 days") in durations


def test_a_choking_fit_going_on_is_an_emergency() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="viral wheeze",
        main_question="What should I do?",
        age=3,
        symptoms=[
            Symptom(description="choking on popcorn and can't breathe", duration="now", onset="sudden")
        ],
    )
    assert assess_priority(intake).priority == "urgent"


def test_tb_only_weighed_beside_mac_asks_for_no_tb_service_now() -> None:
    content = _draft(
        _intake(
            diagnosis_in_question="bronchiectasis, the MAC bug in my phlegm is probably just colonisation",
            age=71,
            main_question="Is this MAC a kind of TB and can I give it to my grandchildren?",
        )
    )
    text = _section_text(content, SectionKey.ANSWERS)
    assert "the TB service should be told now" not in text
    assert "if TB is confirmed, the TB service should be told who shares the home" in text


def test_tb_itself_still_asks_for_the_tb_service_now() -> None:
    content = _draft(
        _intake(
            diagnosis_in_question="TB in the lungs, smear positive",
            age=70,
            main_question="Does the baby need a test?",
            reason_for_second_opinion="I live with my daughter and her baby.",
        )
    )
    assert "the TB service should be told now" in _section_text(content, SectionKey.ANSWERS)


def test_the_questions_to_ask_come_from_the_patient_s_own() -> None:
    content = _draft(
        _intake(
            diagnosis_in_question="asthma attack",
            age=29,
            main_question="Could it be a blood clot instead? Should I keep taking the steroid tablets?",
            medications=["prednisolone 40mg once a day (day 4 of 5)"],
        )
    )
    asked = _section_text(content, SectionKey.QUESTIONS)
    assert "Which test would show whether it could be a blood clot in the lung (pulmonary embolism)" in asked
    assert "Should I carry on with the steroid tablets, and for how long?" in asked


def test_a_medicine_not_taken_is_asked_about_as_a_need() -> None:
    content = _draft(_intake(diagnosis_in_question="viral cough", main_question="Does he need antibiotics?"))
    assert "Do I need an antibiotic?" in _section_text(content, SectionKey.QUESTIONS)


def test_the_summary_says_which_of_pregnant_or_after_a_birth() -> None:
    after = _intake(sex="female", age=34, history="Five weeks postpartum, breastfeeding.")
    during = _intake(sex="female", age=29, history="30 weeks pregnant with her second baby.")
    assert pregnancy_said(after) == "recently gave birth"
    assert pregnancy_said(during) == "pregnant"
    assert "recently gave birth" in _section_text(_draft(after), SectionKey.SUMMARY)


def test_a_daughter_s_pregnancy_is_not_the_patient_s() -> None:
    intake = _intake(
        sex="female",
        age=53,
        reason_for_second_opinion="My only daughter is 24 and having her first baby in October. Should she "
        "have a "
        "scan? But she is pregnant, can she?",
    )
    assert not pregnant_now(intake)


def test_a_partner_writing_for_the_patient_tells_her_pregnancy() -> None:
    # a husband's "she is 30 weeks pregnant" had been read as someone else's pregnancy, so a clot was weighed
    # with the D-dimer and the usual scoring rules, which pregnancy makes unreliable
    intake = _intake(
        sex="female",
        age=30,
        reason_for_second_opinion="I am writing for my wife. She is 30 weeks pregnant and breathless.",
    )
    assert pregnancy_said(intake) == "pregnant"


def test_a_partner_writing_of_the_patient_s_sister_tells_no_pregnancy_of_hers() -> None:
    intake = _intake(
        sex="female",
        age=30,
        reason_for_second_opinion="I am writing for my wife. Her sister is 30 weeks pregnant.",
    )
    assert not pregnant_now(intake)


def test_days_after_a_caesarean_is_after_a_birth() -> None:
    intake = _intake(sex="female", age=32, history="Day 10 after emergency caesarean section.")
    assert pregnant_now(intake)
    assert pregnancy_said(intake) == "recently gave birth"
