"""What the reading of v671-v706 found: a question asking whether a symptom comes from a listed medicine left
unanswered, a man at home after A&E told to "tell the ward" because a fellow traveller was in hospital, a
family with no care plan told the team "will act in line with the care plan", a healthcare assistant's ward
read as her own admission, a workmate's transplant and a wife's pregnancy read as the patient's, a low oxygen
reading told after a normal one ignored, a report's "no lymphadenopathy" and "intrapulmonary lymph node" read
as enlarged glands, fluid congestion read as a viral pattern, a "could it be sepsis?" inside the diagnosis
read as a second diagnosis, a floppy airway named laryngomalacia in brackets read as tracheomalacia, and a
grandmother asking about whooping cough near a newborn told only that a broken rib is not catching. Real
tables; only the language model is the mock."""

from __future__ import annotations

import pytest

from assistant.drafting.conditions import companions, main_condition
from assistant.drafting.questions import named_alternatives, side_effects_asked
from assistant.drafting.readings import low_reading
from assistant.drafting.reported import reported_findings, reported_sentence
from assistant.drafting.schemas import SectionKey
from assistant.drafting.setting import care_setting, in_hospital
from tests.assistant.drafting.mock_drafts import adult_pneumonia as _intake
from tests.assistant.drafting.mock_drafts import asked as _asked
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import factor_keys as _factors
from tests.assistant.drafting.mock_drafts import section_text as _text

# --- a symptom asked about as a medicine's side effect ----------------------------------------------------


@pytest.mark.parametrize(
    ("question", "medications", "medicine", "words"),
    [
        ("Is the diarrhoea from the amoxicillin?", ["amoxicillin 500mg three times a day"], "amoxicillin",
         "Diarrhoea is a common side effect of antibiotics such as amoxicillin"),
        ("Are the swollen ankles from the amlodipine?", ["amlodipine 10mg"], "amlodipine",
         "Amlodipine commonly causes ankle swelling"),
        ("Is the ticagrelor making him breathless?", ["ticagrelor 90mg twice a day"], "ticagrelor",
         "a sighing or air-hunger feeling"),
        ("Is the low sodium from the cancer or could it be her water tablet?", ["bendroflumethiazide 2.5mg"],
         "bendroflumethiazide", "one of the commonest causes of a low sodium level"),
        ("The co-codamol is bunging me up, is there something better?", ["co-codamol 30/500"], "co-codamol",
         "commonly cause constipation"),
    ],
)  # fmt: skip
def test_a_symptom_asked_about_as_a_medicines_side_effect_is_answered(
    question: str, medications: list[str], medicine: str, words: str
) -> None:
    intake = _intake(main_question=question, medications=medications)
    assert [m for m, _ in side_effects_asked(intake)] == [medicine]
    content = _draft(intake)
    treatment = next(q for q in content.sub_questions if q.kind == "treatment")
    assert f"whether a symptom could be a side effect of {medicine}" in treatment.summary
    assert words in _text(content, SectionKey.ANSWERS)


def test_no_side_effect_note_for_a_medicine_not_listed_or_an_effect_not_asked() -> None:
    assert side_effects_asked(_intake(main_question="Is the diarrhoea from the amoxicillin?")) == []
    assert (
        side_effects_asked(
            _intake(main_question="Is amlodipine the right tablet?", medications=["amlodipine"])
        )
        == []
    )
    # a steroid inhaler is no steroid tablet ("will the steroid inhaler cause the problems my mum had?")
    inhaled = _intake(
        main_question="Will the steroid inhaler cause the problems my mum had with her sugar?",
        medications=["Clenil steroid inhaler"],
    )
    assert side_effects_asked(inhaled) == []


# --- where the patient is --------------------------------------------------------------------------------


def test_a_fellow_traveller_in_hospital_and_a_man_sent_home_are_no_inpatient() -> None:
    at_home = _intake(
        diagnosis_in_question="pneumonia, given amoxicillin and sent home from A&E",
        reason_for_second_opinion=(
            "A man from our coach trip messaged that he is in hospital with legionnaires."
        ),
    )
    assert not in_hospital(at_home) and care_setting(at_home) == ""
    sent = _intake(reason_for_second_opinion="A&E sent him home yesterday. He is worse today.")
    assert not in_hospital(sent)
    still = _intake(reason_for_second_opinion="He has been in hospital since Monday on IV antibiotics.")
    assert in_hospital(still)


def test_a_healthcare_assistants_ward_and_a_patient_on_it_last_year_are_not_her_admission() -> None:
    worker = _intake(history="Healthcare assistant on a medical ward. Never smoked.")
    assert not in_hospital(worker)
    past = _intake(history="No TB contact except the patient on the ward last year.")
    assert not in_hospital(past)
    assert in_hospital(_intake(history="The nurse on the ward said she is better."))
    assert in_hospital(_intake(reason_for_second_opinion="A nurse on the ward told us she is improving."))
    assert (
        care_setting(_intake(history="She has lived in a care home since last year.", age=88)) == "care_plan"
    )


def test_a_care_plan_said_not_to_exist_or_asked_about_is_no_care_plan() -> None:
    none = _intake(
        reason_for_second_opinion="We have no ReSPECT form or plan. No advance care plan.",
        main_question="What is a ReSPECT / DNR form and should we have one?",
        age=88,
    )
    assert care_setting(none) == ""
    made = _intake(reason_for_second_opinion="He has a DNACPR form and wants to stay at home.", age=88)
    assert care_setting(made) == "care_plan"


# --- facts that are someone else's, or no longer true ------------------------------------------------------


def test_a_workmates_transplant_and_a_transplant_asked_about_weaken_no_immune_system() -> None:
    assert "immunosuppression" not in _factors(
        reason_for_second_opinion="One of the lads I worked with had to have a lung transplant at 41."
    )
    assert "immunosuppression" not in _factors(
        main_question="Would I be considered for a lung transplant at 74?",
        reason_for_second_opinion="I have read that a lung transplant is the only cure.",
    )
    assert "immunosuppression" in _factors(history="Kidney transplant in 2015, on tacrolimus.")


def test_a_wifes_pregnancy_is_no_pregnancy_of_a_man() -> None:
    assert "pregnancy" not in _factors(sex="male", history="Wife 5 months pregnant, son 3.")
    assert "pregnancy" in _factors(sex="female", age=30, history="I am 5 months pregnant.")


def test_a_tb_contact_said_not_to_be_close_is_none() -> None:
    story = (
        "A mate from work had TB last year. Workmate had TB last year (not close contact, different team)."
    )
    assert not {"tb_contact", "previous_tb"} & _factors(history=story)
    assert "tb_contact" in _factors(history="My flatmate was treated for TB last month, we share a kitchen.")


def test_a_fall_that_hurt_the_head_is_no_chest_injury() -> None:
    assert "chest_injury" not in _factors(
        reason_for_second_opinion=(
            "I blacked out going up the stairs and the second time I fell and cut my head."
        )
    )
    assert "chest_injury" in _factors(reason_for_second_opinion="I fell onto the edge of the bath.")


def test_a_low_reading_told_after_a_normal_one_leaves_no_normal_oxygen() -> None:
    story = "The doctor said my oxygen was 96%. Yesterday my mum's finger oxygen thing said 93%."
    assert low_reading(story)
    assert "normal_oxygen" not in _factors(reason_for_second_opinion=story)
    assert "normal_oxygen" in _factors(reason_for_second_opinion="The doctor said my oxygen was 98%.")


def test_a_flight_home_from_abroad_is_no_stay_where_tb_is_common() -> None:
    assert "tb_country" not in _factors(reason_for_second_opinion="I flew back from Thailand a month ago.")
    assert "tb_country" not in _factors(
        history="Born in UK, visited family in Pakistan 2 years ago for 1 month."
    )
    assert "tb_country" in _factors(history="Born in Romania, in the UK for 15 years.")


# --- reports read as written -------------------------------------------------------------------------------


def test_an_intrapulmonary_lymph_node_and_no_lymphadenopathy_are_no_enlarged_glands() -> None:
    report = (
        "CT chest: '9 x 8 mm solid nodule in the right lower lobe. 3 mm perifissural nodule, typical of an "
        "intrapulmonary lymph node. No lymphadenopathy.'"
    )
    present, absent, _ = reported_findings(_intake(prior_imaging=report))
    assert "enlarged glands (lymph nodes)" not in present and "enlarged glands" in absent


def test_centrilobular_ground_glass_nodules_are_no_nodule() -> None:
    report = "HRCT: 'mosaic attenuation, air trapping, poorly defined centrilobular ground-glass nodules.'"
    present, _, _ = reported_findings(_intake(prior_imaging=report))
    assert "a small round shadow (a nodule)" not in present


def test_venous_diversion_and_perihilar_haze_are_congestion_not_a_viral_pattern() -> None:
    present, _, _ = reported_findings(
        _intake(
            prior_imaging="Chest X-ray: 'Upper lobe venous diversion, perihilar haze, bilateral effusions.'"
        )
    )
    assert any("pulmonary oedema" in p for p in present)
    assert not any("viral" in p for p in present)
    child, _, _ = reported_findings(
        _intake(prior_imaging="X-ray: 'patchy perihilar changes, ?viral'.", age=1)
    )
    assert any("viral" in p for p in child)


def test_a_report_naming_two_zones_of_one_lung_is_placed_in_both() -> None:
    said = reported_sentence(
        _intake(
            prior_imaging=(
                "Chest X-ray: 'Airspace shadowing right mid and lower zones, haze at the left base.'"
            )
        )
    )
    assert "shadowing on the film in the right middle and lower zones" in said


def test_an_effusion_the_reports_rule_out_is_no_alternative() -> None:
    intake = _intake(
        diagnosis_in_question="pleural plaques from asbestos",
        reason_for_second_opinion="My brother died of mesothelioma; it started with fluid on the lung.",
        prior_imaging="CT chest: 'Bilateral calcified pleural plaques. No pleural effusion.'",
        main_question="Will the plaques turn into mesothelioma?",
        age=68,
    )
    assert "pleural_effusion" not in {c.key for c in named_alternatives(intake)}


# --- the diagnosis and the questions as asked --------------------------------------------------------------


def test_could_it_be_sepsis_inside_the_diagnosis_is_a_question_not_a_second_diagnosis() -> None:
    diagnosis = "pneumonia (right upper lobe) - sent home on antibiotics, could it be sepsis?"
    assert [c.key for c in companions(diagnosis)] == []
    assert ("could_it_be", "sepsis", "") in _asked(diagnosis, "Could this be sepsis?", 0)
    assert [c.key for c in companions("rib fractures with a small haemothorax")] == ["haemothorax"]


def test_a_lay_name_explained_in_brackets_is_the_bracketed_condition() -> None:
    diagnosis = "'floppy airway' (laryngomalacia) - told she will grow out of it"
    assert main_condition(diagnosis).key == "laryngomalacia"  # type: ignore[union-attr]
    intake = _intake(
        diagnosis_in_question=diagnosis, main_question="Is it really just a floppy airway?", age=0
    )
    assert "tracheomalacia" not in {c.key for c in named_alternatives(intake)}


def test_could_it_be_asthma_i_had_it_as_a_kid_asks_about_asthma() -> None:
    asked = _asked("anxiety", "Could it be asthma, I had it as a kid?", 25)
    assert ("could_it_be", "asthma", "") in asked
    # an old scar from the pneumonia is still no pneumonia asked about
    scar = _asked("lung nodule", "Could it just be an old scar from the pneumonia?", 60)
    assert not any(c == "pneumonia" for _, c, _ in scar)


def test_safe_for_years_asks_about_no_relative() -> None:
    asked = _asked("asthma", "Will the inhaler cause the problems my mum had, and is it safe for years?", 8)
    assert not any(kind == "next_steps" and topic == "contacts" for kind, _, topic in asked)


def test_a_never_smoker_is_not_asked_whether_stopping_helps() -> None:
    content = _draft(
        _intake(
            diagnosis_in_question="lung nodule",
            main_question="Could this be cancer even though I never smoked?",
            history="Never smoked.",
            age=68,
        )
    )
    summaries = " ".join(q.summary for q in content.sub_questions)
    assert "whether stopping helps" not in summaries and "what never having smoked means here" in summaries


def test_an_unnamed_first_diagnosis_is_called_the_explanation_first_given() -> None:
    content = _draft(
        _intake(
            diagnosis_in_question="'it's just your age' and a bit of arthritis",
            main_question="Is this really just her age or is it heart failure?",
            age=80,
        )
    )
    summary = _text(content, SectionKey.SUMMARY)
    assert "on the explanation first given for the symptoms" in summary
    assert "condition first diagnosed" not in " ".join(
        s.text for sec in content.sections for s in sec.sentences
    )


def test_whooping_cough_asked_beside_a_newborn_grandson_leads_the_contact_answer() -> None:
    content = _draft(
        _intake(
            diagnosis_in_question="cracked rib from coughing",
            main_question=(
                "Could this cough be whooping cough - is it safe to be around my 6-week-old grandson?"
            ),
            age=67,
            sex="female",
        )
    )
    answers = _text(content, SectionKey.ANSWERS)
    assert (
        "a broken rib itself cannot be caught, but whooping cough (pertussis), which the question raises"
        in (answers)
    )
    assert "usually offered preventive antibiotics promptly" in answers


# --- the summary -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("symptom", "name"),
    [
        ("tummy pain, round belly button then left side", "tummy (abdominal) pain"),
        ("vomited twice, off food", "vomiting"),
        ("itchy skin all over", "itching"),
        ("lump above my collarbone", "a lump in the neck"),
        ("blacked out on the stairs twice", "fainting"),
        ("watery diarrhoea 6 times", "diarrhoea"),
    ],
)
def test_symptoms_outside_the_chest_are_in_the_summary(symptom: str, name: str) -> None:
    from assistant.drafting.questions import asserted_symptom_names

    assert name in asserted_symptom_names(symptom)
    # vomiting brought on by coughing stays its own symptom
    assert "vomiting" not in asserted_symptom_names("coughs until he is sick")


def test_a_past_condition_told_with_doubt_is_said_as_possible() -> None:
    from assistant.drafting.facts import _history_read

    own, _, _ = _history_read("Stroke 2019. Atrial fibrillation? - not on blood thinners.")
    assert "a stroke or mini-stroke (TIA)" in own
    assert any(n.startswith("possibly a heart rhythm problem") for n in own)
    own, _, _ = _history_read("Treated for months at 17 for a 'spot' on the lung, maybe TB.")
    assert own == ["possibly tuberculosis (TB)"]
    own, _, _ = _history_read("Treated for TB at 17.")
    assert own == ["tuberculosis (TB)"]


def test_a_clear_urine_test_argues_against_a_urine_infection() -> None:
    assert "clear_urine" in _factors(
        reason_for_second_opinion="The GP thought a water infection but the urine was clear."
    )
    assert "clear_urine" in _factors(prior_imaging="Urine dipstick negative.")
    assert "clear_urine" not in _factors(prior_imaging="Urine dipstick showed nitrites and leucocytes.")


def test_itchy_eyes_are_no_itching_and_vomiting_after_coughing_is_said_once() -> None:
    from assistant.drafting.questions import asserted_symptom_names, reported_symptoms

    assert "itching" not in asserted_symptom_names("itchy eyes and nose at work")
    intake = _intake(
        symptoms=[
            {"description": "coughing fits, sick after coughing", "duration": "2 weeks", "onset": "gradual"},
            {"description": "vomited twice", "duration": "1 day", "onset": "sudden"},
        ]
    )
    assert "vomiting" not in reported_symptoms(intake) and "vomiting after coughing" in reported_symptoms(
        intake
    )
