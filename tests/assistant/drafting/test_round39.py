"""What the new cases v1175-v1210 and the reading of v1139-v1174 showed: history read wrong (a cardiac MRI as
a heart problem had, "no formal COPD diagnosis" as COPD, a biopsy's risk of a collapsed lung as one had, a
swab's "SARS-CoV-2 not detected" as COVID-19, a friend's brother as family), questions to the doctor asking
whether to carry on with a course already finished and asking "Do I" for a baby, a 10-month-old's choking
read as a newborn's, a teenager told to count wet nappies, a child's fainting weighed as atrial fibrillation,
a grandparent's "baby" read as their own, symptoms left out of the summary, and question forms the parser
did not know ("what happens now?", "should she keep using the Ventolin?", "could the paclitaxel be damaging
my lungs?"). Real tables; only the language model is the mock."""

from __future__ import annotations

from assistant.drafting.conditions import condition, conditions_in
from assistant.drafting.guardrails import assess_priority
from assistant.drafting.medicines import listed_medicine
from assistant.drafting.questions import (
    duration_in,
    exact_age,
    known_conditions,
    patients_relation,
    relative_at_risk,
    symptom_durations,
)
from assistant.drafting.schemas import CitedSource, SectionKey
from assistant.drafting.setting import warning_sentence
from assistant.drafting.sources import usable_sentence
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


def _summary(**fields: object) -> str:
    return _section_text(_draft(_intake(**fields)), SectionKey.SUMMARY)


def _named(symptom: str, duration: str = "", onset: str = "") -> list[tuple[list[str], str]]:
    return symptom_durations(_intake(symptoms=[Symptom(description=symptom, duration=duration, onset=onset)]))


# --- history ------------------------------------------------------------------------------------------------


def test_a_cardiac_mri_planned_is_no_heart_problem_had() -> None:
    assert conditions_in("Cardiac MRI and repeat echo at 3 months planned.") == []
    summary = _summary(
        sex="female",
        age=35,
        diagnosis_in_question="peripartum cardiomyopathy",
        history="No previous cardiac history, non-smoker. Cardiac MRI and repeat echo at 3 months planned.",
    )
    assert "angina or a heart attack" not in summary


def test_a_heart_word_asked_about_is_still_read() -> None:
    assert [c.key for c in conditions_in("is it cardiac?")] == ["heart_attack"]


def test_a_diagnosis_never_made_is_no_past_condition() -> None:
    assert "copd" not in _known(history="Current smoker. No formal COPD diagnosis, no spirometry.")
    assert "foreign_body" not in _known(history="No history suggestive of foreign body inhalation.")


def test_a_formal_diagnosis_made_is_still_known() -> None:
    assert "copd" in _known(history="Smoker. Formal COPD diagnosis 2019, FEV1 60%.")
    assert "asthma" in _known(history="History of asthma since childhood.")


def test_a_risk_feared_is_no_condition_had() -> None:
    history = "CT-guided biopsy judged high risk of pneumothorax due to emphysema."
    assert "pneumothorax" not in _known(history=history)
    assert "collapsed lung" not in _summary(history=history)
    assert "copd" in _known(history=history)


def test_a_virus_not_detected_is_no_past_infection() -> None:
    history = "Combined respiratory PCR swab: RSV detected; influenza A/B and SARS-CoV-2 not detected."
    assert "covid19" not in _known(history=history)
    assert "COVID-19" not in _summary(history=history)


def test_a_friend_s_brother_is_no_family() -> None:
    keys = factor_keys(
        reason_for_second_opinion="my mates brother had a collapsed lung and he is tall like me"
    )
    assert not any(k.startswith("family") for k in keys)


def test_a_brother_of_one_s_own_is_still_family() -> None:
    keys = factor_keys(age=15, reason_for_second_opinion="My brother had a collapsed lung at 17.")
    assert any(k.startswith("family") for k in keys)


# --- questions to take to the doctor ------------------------------------------------------------------------


def test_a_finished_course_is_not_to_be_carried_on() -> None:
    content = _draft(
        _intake(
            age=4,
            diagnosis_in_question="asthma",
            main_question="Did she need the steroids?",
            medications=["prednisolone 20mg for 3 days (finished)"],
        )
    )
    asked = _section_text(content, SectionKey.QUESTIONS)
    assert "carry on with the steroid tablets" not in asked
    assert "Would steroid tablets help again, now that the last course is over?" in asked


def test_one_dose_given_is_not_to_be_carried_on() -> None:
    content = _draft(
        _intake(
            age=2,
            diagnosis_in_question="croup",
            main_question="Does he need another dose of the steroid?",
            medications=["dexamethasone given once in A&E"],
        )
    )
    assert "carry on with" not in _section_text(content, SectionKey.QUESTIONS)


def test_a_course_still_taken_is_asked_about_as_before() -> None:
    content = _draft(
        _intake(
            main_question="Should I keep taking the steroid tablets?",
            medications=["prednisolone 40mg once a day (day 4 of 5)"],
        )
    )
    assert "Should I carry on with the steroid tablets" in _section_text(content, SectionKey.QUESTIONS)


def test_a_parent_asks_of_the_child_not_of_themselves() -> None:
    content = _draft(
        _intake(
            age=0,
            sex="female",
            diagnosis_in_question="bronchiolitis",
            reason_for_second_opinion="Our daughter Isla was born at 32 weeks and is 4 months old.",
            main_question="Should she have had antibiotics?",
        )
    )
    asked = _section_text(content, SectionKey.QUESTIONS)
    assert "Does she need an antibiotic?" in asked
    assert "Which symptoms should make us seek care for her sooner?" in asked
    assert "Do I need" not in asked


# --- medicines ----------------------------------------------------------------------------------------------


def test_a_breast_cancer_hormone_tablet_is_no_chemotherapy() -> None:
    said = listed_medicine("letrozole 2.5mg").group
    assert said is not None and said.key == "hormone_cancer"
    assert "chemotherapy" not in said.what


def test_a_spanish_prescription_s_antibiotic_is_an_antibiotic() -> None:
    group = listed_medicine("amoxicilina 250mg/5ml, 8ml three times a day for 7 days").group
    assert group is not None and group.key == "antibiotic"


def test_a_baby_s_feeds_are_no_medicine_out_of_scope() -> None:
    content = _draft(
        _intake(
            age=0,
            diagnosis_in_question="bronchiolitis",
            main_question="Should she have had antibiotics?",
            medications=["expressed breast milk plus preterm formula"],
        )
    )
    text = _section_text(content, SectionKey.ANSWERS)
    assert "does not cover expressed breast milk" not in text
    assert "a feed rather than a medicine" in text


def test_an_ace_inhibitor_is_not_blamed_for_a_cough_with_phlegm() -> None:
    def answers(description: str) -> str:
        return _section_text(
            _draft(
                _intake(
                    age=69,
                    main_question="Does it need more antibiotics?",
                    medications=["lisinopril 10mg"],
                    symptoms=[Symptom(description=description, duration="7 weeks", onset="gradual")],
                )
            ),
            SectionKey.ANSWERS,
        )

    assert "dry, tickly cough" not in answers("cough with a bit of white phlegm")
    assert "dry, tickly cough" in answers("dry tickly cough")


# --- age ----------------------------------------------------------------------------------------------------


def test_a_baby_s_age_in_months_is_read_from_the_history() -> None:
    ten_months = IntakeRecord(age=0, history="10-month-old girl, choked on raw apple 4 days ago.")
    assert abs((exact_age(ten_months) or 0) - 10 / 12) < 1e-9
    assert exact_age(IntakeRecord(age=0, reason_for_second_opinion="He is 6 weeks old.")) == 6 / 52
    assert exact_age(IntakeRecord(age=0)) == 0.0
    assert exact_age(IntakeRecord(age=7, history="our 8-month-old son")) == 7.0


def test_an_inhaled_object_is_weighed_at_ten_months_and_not_at_four() -> None:
    foreign_body = condition("foreign_body")
    assert not foreign_body.too_young(exact_age(IntakeRecord(age=0, history="10-month-old girl.")))
    assert foreign_body.too_young(exact_age(IntakeRecord(age=0, history="4-month-old boy.")))
    text = _section_text(
        _draft(
            _intake(
                age=0,
                diagnosis_in_question="pneumonia",
                history="10-month-old girl. Witnessed choking episode on raw apple 4 days before admission.",
                main_question="Could she have breathed in a piece of apple?",
            )
        ),
        SectionKey.ANSWERS,
    )
    assert "very rare before a baby can pick things up" not in text


def test_a_teenager_s_warning_signs_are_not_a_toddler_s() -> None:
    teen = warning_sentence(_intake(age=14), young_child=False)
    assert "wees" not in teen and "nappies" not in teen
    assert "full sentences" in teen
    assert "wees" in warning_sentence(_intake(age=8), young_child=False)


def test_a_child_s_rhythm_problem_is_weighed_as_a_child_s() -> None:
    arrhythmia = condition("arrhythmia")
    child = arrhythmia.supports_for(13)
    assert "long QT" in child and "heavy drinking" not in child
    assert "heavy drinking" in arrhythmia.supports_for(60)


def test_asthma_tests_are_not_put_off_for_a_teenager() -> None:
    assert "a child under about five has them later" not in condition("asthma").follow_up_for(child=True)


# --- who is who ---------------------------------------------------------------------------------------------


def test_a_grandparent_s_baby_is_a_grandchild() -> None:
    intake = _intake(
        age=72,
        sex="female",
        reason_for_second_opinion="I've come to stay with my daughter who is 35 weeks pregnant.",
        main_question="When will it be safe to hold the new baby?",
    )
    sentence = "When will it be safe to hold the new baby?"
    assert patients_relation(relative_at_risk(sentence), intake, sentence) == "baby grandchild"


def test_a_young_mother_s_baby_is_her_own() -> None:
    intake = _intake(age=29, sex="female", main_question="Can I still breastfeed the baby?")
    sentence = "Is it safe to hold the baby?"
    assert patients_relation(relative_at_risk(sentence), intake, sentence) == "baby"


def test_a_mother_writing_for_her_baby_names_her_dad_as_his_grandfather() -> None:
    sentence = "Does the rest of the family, especially my dad, need antibiotics too?"
    intake = _intake(
        age=0,
        sex="male",
        diagnosis_in_question="whooping cough",
        reason_for_second_opinion="Hi, I'm his mum. Alfie is 6 weeks old. My dad lives with us.",
        main_question=sentence,
    )
    assert patients_relation(relative_at_risk(sentence), intake, sentence) == "family and grandfather"


# --- symptoms -----------------------------------------------------------------------------------------------


def test_symptoms_a_summary_had_left_out_are_named() -> None:
    assert _named("hoarse voice", "3 weeks") == [(["a hoarse voice"], "3 weeks")]
    assert _named("ache in right shoulder", "6 weeks") == [(["shoulder pain"], "6 weeks")]
    assert _named("tingling fingers during some episodes")[0][0] == ["tingling"]
    assert _named("slightly swollen left calf", "4 days") == [(["a swollen calf"], "4 days")]


def test_a_delay_is_no_duration() -> None:
    assert duration_in("on and off for years", "comes a few hours after loft or welding") == ""
    named = _named(
        "flu-like feeling, aches and shivers some evenings", "on and off for years", "a few hours after"
    )
    assert named == [(["flu-like aches"], "")]
    assert duration_in("3 days") == "3 days"


def test_a_painful_calf_is_still_calf_pain() -> None:
    assert _named("pain in my left calf", "2 days") == [(["calf or leg pain"], "2 days")]


# --- question forms -----------------------------------------------------------------------------------------


def test_what_happens_now_is_a_next_step() -> None:
    assert "next_steps" in _kinds("TB", "What does his X-ray show and what happens now?", age=65)
    assert "next_steps" in _kinds("asthma", "What should we be doing now and is it urgent?", age=15)


def test_where_to_be_seen_is_a_next_step() -> None:
    assert "next_steps" in _kinds("chest infection", "Should he be sent to hospital for an X-ray?", age=84)
    assert "next_steps" in _kinds("chest infection", "Should I ring the transplant unit now?", age=40)
    assert "next_steps" in _kinds("pneumonia", "How do I get the CT when I don't have insurance?", age=56)
    assert "next_steps" in _kinds("chest infection", "How do we get this looked at quicker than 4 weeks?")


def test_keeping_on_or_stopping_a_medicine_is_a_treatment_question() -> None:
    assert "treatment" in _kinds("exercise induced asthma", "Should she keep using the Ventolin?", age=15)
    assert "treatment" in _kinds("chest infection", "Should she stop her injections?", age=68)


def test_taking_a_child_somewhere_is_no_treatment_question() -> None:
    assert "treatment" not in _kinds("croup", "Should I take her to A&E?", age=3)


def test_alternatives_asked_in_new_words_are_weighed() -> None:
    def asked(dx: str, question: str, age: int = 60) -> set[str]:
        return {cond for kind, cond, _ in _asked(dx, question, age) if kind == "could_it_be"}

    assert "drug_induced_lung" in asked("viral chest infection", "Could the paclitaxel be damaging my lungs?")
    assert "metastasis" in asked("chest infection", "Could it be the cancer spreading more in her lungs?")
    assert "aspiration" in asked(
        "chest infections", "Why does she keep getting them, could it be her swallowing?"
    )


def test_a_swallow_test_asked_about_is_no_alternative() -> None:
    kinds = _asked("pneumonia", "Does she need a swallow test?", 83)
    assert not any(kind == "could_it_be" and cond == "aspiration" for kind, cond, _ in kinds)


def test_a_steroid_nose_spray_is_named_for_what_it_is() -> None:
    group = listed_medicine("Beconase nose spray").group
    assert group is not None and group.key == "nasal_steroid"


def test_inhalers_listed_by_their_names_are_asked_about_as_taken() -> None:
    content = _draft(
        _intake(
            age=41,
            sex="female",
            diagnosis_in_question="asthma",
            main_question="Are these the right inhalers?",
            medications=["Ventolin 2 puffs when needed - using most shifts"],
        )
    )
    asked = _section_text(content, SectionKey.QUESTIONS)
    assert "Do I need inhalers?" not in asked
    assert "Should I carry on with the inhalers" in asked


def test_a_stopped_pill_is_no_course_that_might_help_again() -> None:
    content = _draft(
        _intake(
            age=27,
            sex="female",
            diagnosis_in_question="blood clot in the lung",
            main_question="Can I ever take the pill again?",
            medications=["combined contraceptive pill (stopped)"],
        )
    )
    asked = _section_text(content, SectionKey.QUESTIONS)
    assert "help again" not in asked
    assert "Should I go back on the contraceptive pill?" in asked


def test_a_tight_chest_with_wheeze_is_not_called_chest_pain() -> None:
    intake = _intake(
        age=31,
        sex="female",
        diagnosis_in_question="asthma attack",
        symptoms=[
            Symptom(description="wheeze and tight chest", duration="10 days", onset="gradual"),
            Symptom(description="breathless walking and talking", duration="1 week", onset="gradual"),
        ],
    )
    priority = assess_priority(intake)
    assert priority.priority == "urgent"
    assert "a tight chest with breathlessness" in priority.signs
    assert "chest pain with warning signs" not in priority.signs


def test_a_sentence_about_the_under_fives_is_not_quoted_to_a_teenager() -> None:
    note = CitedSource(
        number=1,
        title="Wheeze and asthma in children",
        text="...",
        population="child",
        is_project_summary=True,
    )
    sentence = "Asthma is usually not confirmed before about age 5, because the breathing tests need a child."
    assert not usable_sentence(sentence, note, has_ct=False, is_child=True, age=14)
    assert usable_sentence(sentence, note, has_ct=False, is_child=True, age=3)
    assert usable_sentence(
        "Wheeze with colds is common in children.", note, has_ct=False, is_child=True, age=14
    )


def test_a_cancer_treated_elsewhere_is_no_lung_cancer_beside_a_feared_spread() -> None:
    summary = _summary(
        age=46,
        sex="female",
        diagnosis_in_question="radiation pneumonitis",
        reason_for_second_opinion="I finished radiotherapy to my left breast 8 weeks ago (after chemo for a "
        "HER2 positive cancer).",
        main_question="Is it really radiation pneumonitis and not the cancer spreading to my lung?",
    )
    assert "a lung cancer or other lung mass" not in summary
    assert "a cancer that has spread from elsewhere" in summary


def test_inhalers_while_fasting_are_answered() -> None:
    content = _draft(
        _intake(
            age=34,
            sex="female",
            diagnosis_in_question="asthma",
            main_question="Can I use my inhalers while fasting in Ramadan without breaking my fast?",
            medications=["Clenil Modulite 100 2 puffs twice a day", "salbutamol when needed"],
        )
    )
    answers = _section_text(content, SectionKey.ANSWERS)
    assert "differ on whether an inhaler breaks a fast" in answers
    assert "a reliever is still used whenever it is needed" in answers
    assert "medicines while fasting?" not in _section_text(content, SectionKey.QUESTIONS)


def test_fast_breathing_is_no_fast() -> None:
    assert "treatment" not in _kinds("pneumonia", "Is his breathing too fast?", age=3)


def test_a_cough_held_by_coughing_fits_is_not_dated_by_a_later_entry() -> None:
    intake = _intake(
        symptoms=[
            Symptom(description="coughing fits, worse at night, sometimes a whoop", duration="3 weeks"),
            Symptom(description="sore ribs from coughing", duration="1 week"),
        ],
        main_question="Is it whooping cough? Will the cough stop?",
    )
    assert symptom_durations(intake) == [(["coughing fits"], "3 weeks"), (["chest pain"], "1 week")]


def test_repeated_infections_over_a_year_are_bouts_not_a_year_long_fever() -> None:
    intake = _intake(
        age=9,
        symptoms=[
            Symptom(
                description="repeated chest infections with fever and wet cough, 2 admissions",
                duration="12 months",
                onset="recurrent",
            )
        ],
    )
    assert symptom_durations(intake) == [(["a cough", "fever (repeated bouts over about 12 months)"], "")]


def test_refusing_blood_for_a_child_is_answered() -> None:
    content = _draft(
        _intake(
            age=12,
            sex="female",
            diagnosis_in_question="pneumonia with infected fluid round the lung (empyema)",
            main_question="Can we refuse blood for her, what are the alternatives, and could they take us to "
            "court?",
        )
    )
    answers = _section_text(content, SectionKey.ANSWERS)
    assert "an adult who can make the decision may refuse it" in answers
    assert "do doctors ask a court to decide, which is rare" in answers


def test_a_vaccine_asked_about_is_still_a_question_to_take_while_advice_is_not() -> None:
    asked = _section_text(
        _draft(
            _intake(
                age=81, main_question="Should I have the whooping cough jab? Can I have a drink on these?"
            )
        ),
        SectionKey.QUESTIONS,
    )
    assert "Do I need vaccines?" in asked
    assert "alcohol with the treatment?" not in asked
