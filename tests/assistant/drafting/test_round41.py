"""What the new cases v1247-v1282 and the reading of v1211-v1246 showed: a vague "heart" read wrongly
(swelling ankles not counted for heart failure, "can it affect my heart?" and "on apixaban for the heart"
read as heart conditions asked about, a fast pulse told as a symptom read as pericarditis, a heart problem
that "made him get this when his sister didn't" not read as one from birth), flat lying that hurts read as
fluid, a bowel cancer read as a lung cancer, a grandmother's TB lost because the diagnosis denied TB, a
pregnancy at "34+2" missed, questions left unlisted (infusions, the heart muscle involved, being flown out,
better off in hospital), answers that did not fit (a plaque's own outlook on turning into a cancer, plane
advice for a train, a transfusion answer speaking of refusal nobody raised, a feeding-tube answer about
dementia for a child, a baby's jabs answered with the vaccines of the over-65s, a care plan said to hold a
wish nobody had, a teenager writing for herself called "the child"), same-day signs missed (a pulse told
before its number, a grey floppy child with noisy breathing at rest), results that already show or settle
an alternative, four conditions new to the table, and the complications a rib injury raises. Real tables;
only the language model is the mock."""

from __future__ import annotations

from assistant.drafting.conditions import condition, conditions_in
from assistant.drafting.questions import pregnant_now
from assistant.drafting.schemas import SectionKey
from assistant.drafting.setting import act_now
from assistant.intake import IntakeRecord, Symptom
from tests.assistant.drafting.mock_drafts import adult_pneumonia as _intake
from tests.assistant.drafting.mock_drafts import asked as _asked
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import factor_keys as _factors
from tests.assistant.drafting.mock_drafts import section_text as _section_text


def _alternatives(diagnosis: str, question: str, age: int = 50, **fields: object) -> list[str]:
    if not fields:
        return [cond for kind, cond, _ in _asked(diagnosis, question, age) if kind == "could_it_be"]
    from assistant.drafting.questions import parse_sub_questions

    intake = _intake(diagnosis_in_question=diagnosis, main_question=question, age=age, **fields)
    return [q.condition for q in parse_sub_questions(intake, has_images=False) if q.kind == "could_it_be"]


def _kinds(diagnosis: str, question: str, age: int = 50) -> list[tuple[str, str]]:
    return [(kind, topic) for kind, _, topic in _asked(diagnosis, question, age)]


def _answers(**fields: object) -> str:
    return _section_text(_draft(_intake(**fields)), SectionKey.ANSWERS)


def _alternatives_text(**fields: object) -> str:
    return _section_text(_draft(_intake(**fields)), SectionKey.ALTERNATIVES)


# --- a vague "heart" ----------------------------------------------------------------------------------------


def test_swelling_ankles_read_a_vague_heart_as_heart_failure() -> None:
    story = (
        "This last year I wheeze and cough, tight chest, worse towards the end of the shift. My son says "
        "it's "
        "my heart because my ankles swell in the evening."
    )
    found = _alternatives(
        "late-onset asthma", "Is it asthma or my heart like my son says?", 65, reason_for_second_opinion=story
    )
    assert "heart_failure" in found
    assert "heart_attack" not in found


def test_what_the_diagnosis_does_to_the_heart_is_no_heart_condition_asked_about() -> None:
    assert (
        _alternatives("pectus excavatum", "Is it just cosmetic or can it affect my heart and lungs?", 23)
        == []
    )
    assert _alternatives("asthma", "Could it be my heart?", 60) != []


def test_a_medicine_for_the_heart_is_no_heart_condition_asked_about() -> None:
    story = "Still very sore, can't lie flat, can't cough properly. I'm on apixaban for the heart."
    assert "heart_failure" not in _alternatives(
        "bruised ribs", "Can the ribs be broken if the xray was clear?", 72, reason_for_second_opinion=story
    )


def test_a_fast_pulse_told_as_a_symptom_raises_no_heart_condition() -> None:
    story = (
        "I got this sharp pain on the right side of my chest when I breathe in and my heart was going so "
        "fast. "
        "My heart feels like it's racing even sitting still."
    )
    assert _alternatives(
        "panic attack",
        "Could it be a blood clot in my lung because of the pill?",
        17,
        reason_for_second_opinion=story,
    ) == ["pulmonary_embolism"]


def test_a_heart_problem_that_made_a_child_prone_is_one_from_birth() -> None:
    found = _alternatives(
        "walking pneumonia",
        "Could something be wrong with his heart or lungs that made him get this when his sister didn't?",
        11,
        reason_for_second_opinion="He was breathless on the ski slope and coughing at night.",
    )
    assert found == ["congenital_heart_disease"]


# --- the story read right -----------------------------------------------------------------------------------


def test_flat_lying_that_hurts_is_no_breathlessness_lying_flat() -> None:
    assert "lying_flat" not in _factors(reason_for_second_opinion="Still very sore, can't lie flat.")
    assert "lying_flat" not in _factors(
        symptoms=[Symptom(description="can't cough properly, can't lie flat", duration="6 days", onset="")]
    )
    assert "lying_flat" in _factors(reason_for_second_opinion="I can't lie flat at night, I need 3 pillows.")


def test_another_organ_s_cancer_named_after_the_word_is_no_lung_cancer() -> None:
    assert conditions_in("I had my bowel op on Monday to take out a cancer in the lower bowel") == []
    assert conditions_in("could it be cancer of the breast coming back?") == []
    assert [c.key for c in conditions_in("Could it be cancer in my lungs?")] == ["lung_cancer"]


def test_a_relative_s_tb_counts_when_the_diagnosis_denies_tb() -> None:
    keys = _factors(
        age=3,
        diagnosis_in_question="viral cough - GP says xray is clear so it cant be TB",
        reason_for_second_opinion=(
            "My mother looked after him every day from May to September. 3 weeks ago my mother phoned and "
            "said "
            "the hospital there diagnosed TB, the sputum test was positive and she has started the 4 "
            "medicines."
        ),
    )
    assert "tb_contact" in keys
    # an opinion is still no contact
    assert "tb_contact" not in _factors(reason_for_second_opinion="My friend said maybe it is TB.")


def test_a_pregnancy_told_in_weeks_and_days_is_a_pregnancy() -> None:
    assert pregnant_now(_intake(age=33, sex="female", reason_for_second_opinion="I'm 34+2 with my second."))
    assert pregnant_now(_intake(age=33, sex="female", history="G2P1 at 34+2 weeks, singleton."))
    assert not pregnant_now(_intake(age=33, sex="female", history="Score 3+3 on the scale."))


def test_a_clot_in_pregnancy_is_tested_without_a_d_dimer() -> None:
    answers = _answers(
        age=33,
        sex="female",
        diagnosis_in_question="normal pregnancy breathlessness",
        reason_for_second_opinion="I'm 34+2 with my second.",
        main_question="Could it be a blood clot in my lungs?",
    )
    assert "a D-dimer blood test and" not in answers
    assert "CT pulmonary angiogram" in answers


def test_a_reassuring_sweat_test_or_tb_culture_is_said_and_a_pending_one_is_not() -> None:
    cf, tb = condition("cystic_fibrosis"), condition("tuberculosis")
    assert cf.reassured_in("Sweat test normal (chloride 22).") == "a normal sweat test"
    assert cf.reassured_in("Sweat test booked, heel prick normal.") == ""
    assert tb.reassured_in("3 sputum cultures negative at 6 weeks") == "sputum cultures that grew no TB"
    assert tb.reassured_in("sputum culture pending, smear negative") == ""
    assert tb.reassured_in("blood cultures negative") == ""


# --- questions listed ---------------------------------------------------------------------------------------


def test_infusions_are_a_treatment_question() -> None:
    assert ("treatment", "") in _kinds(
        "alpha-1 antitrypsin deficiency", "Do I need the infusions he has?", 15
    )
    assert ("treatment", "") in _kinds("spine fractures", "Does he need the bone infusion?", 12)


def test_the_heart_muscle_involved_is_myocarditis_asked_about() -> None:
    assert _alternatives(
        "pericarditis", "Is it just pericarditis or is the heart muscle involved with that blood result?", 16
    ) == ["myocarditis"]


def test_being_flown_out_or_kept_out_of_hospital_is_a_next_step() -> None:
    assert ("next_steps", "") in _kinds(
        "pneumonia", "Should we get her flown out now or give the medicine more time?", 3
    )
    for question in (
        "What else can we do to keep her out of hospital?",
        "Would she be better off in hospital like my brother wants?",
    ):
        assert ("next_steps", "hospital") in _kinds("pneumonia", question, 91), question


# --- answers that fit ---------------------------------------------------------------------------------------


def test_whether_plaques_turn_into_a_cancer_is_answered_from_their_outlook() -> None:
    answers = _answers(
        age=71,
        diagnosis_in_question="pleural plaques",
        main_question="Are these plaques really harmless or can they turn into mesothelioma?",
    )
    assert "they do not turn into cancer" in answers


def test_a_train_journey_is_not_answered_with_flying_advice() -> None:
    answers = _answers(
        age=84,
        diagnosis_in_question="pulmonary fibrosis",
        main_question="Is she ok to go to Scotland on the train at Christmas?",
    )
    assert "fitness-to-fly check" in answers and "no fitness-to-fly check" in answers
    assert "oxygen on the plane" not in answers
    flying = _answers(
        age=84, diagnosis_in_question="pulmonary fibrosis", main_question="Is she ok to fly to Spain?"
    )
    assert "oxygen on the plane" in flying


def test_a_transfusion_answer_speaks_of_refusal_only_when_it_is_raised() -> None:
    asked = "Is amoxicillin enough or does he need a blood transfusion?"
    plain = _answers(age=9, diagnosis_in_question="pneumonia", main_question=asked)
    assert "On a blood transfusion:" in plain
    assert "Jehovah" not in plain and "court" not in plain
    refusing = _answers(
        age=74,
        diagnosis_in_question="anaemia",
        main_question="Can I refuse a blood transfusion as a Jehovah's Witness?",
    )
    assert "refuse" in refusing


def test_a_feeding_tube_answer_for_a_child_says_nothing_of_dementia() -> None:
    asked = "Would a feeding tube stop the pneumonias?"
    child = _answers(age=7, diagnosis_in_question="aspiration pneumonia", main_question=asked)
    assert "feeding tube" in child
    assert "dementia" not in child
    assert "cerebral palsy" in child
    adult = _answers(age=88, diagnosis_in_question="aspiration pneumonia", main_question=asked)
    assert "advanced dementia" in adult


def test_a_care_plan_is_said_as_it_is_told() -> None:
    dnacpr = _intake(
        age=90,
        reason_for_second_opinion="She lives in a care home and has a DNACPR form. We want her treated.",
    )
    said = act_now(dnacpr)
    assert "resuscitation only" in said
    assert "wish to avoid hospital" not in said
    wish = _intake(
        age=90,
        reason_for_second_opinion=(
            "She lives in a care home and has said she does not want to go to hospital."
        ),
    )
    assert "wish to avoid hospital" in act_now(wish)


def test_a_rib_injury_with_fever_or_more_breathlessness_raises_its_complications() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="bruised ribs",
        reason_for_second_opinion=(
            "Fell off the back of the trailer 6 days ago, landed on the gate, right side. Since yesterday "
            "more "
            "puffed walking to the yard and had a temperature last night, 38.1."
        ),
        symptoms=[
            Symptom(description="more out of breath", duration="2 days", onset=""),
            Symptom(description="temperature 38.1", duration="since last night", onset="sudden"),
        ],
        medications=["apixaban 5mg twice a day"],
        main_question="Can I take ibuprofen?",
        age=72,
    )
    text = _section_text(_draft(intake), SectionKey.ALTERNATIVES)
    assert "Pneumonia is discussed because a fever after an injury to the ribs" in text
    assert "haemothorax) is discussed because breathlessness after an injury to the ribs" in text
    assert "the blood thinner listed makes bleeding more likely" in text
    calm = _section_text(
        _draft(
            intake.model_copy(
                update={"reason_for_second_opinion": "Fell onto the gate 6 days ago.", "symptoms": []}
            )
        ),
        SectionKey.ALTERNATIVES,
    )
    assert "injury to the ribs raises" not in calm


# --- conditions new to the table ----------------------------------------------------------------------------


def test_conditions_asked_about_by_new_cases_are_weighed() -> None:
    assert "high_altitude_illness" in _alternatives(
        "walking pneumonia", "Is this really walking pneumonia or is it the altitude?", 11
    )
    assert "pots" in _alternatives("long covid", "Could it be POTS, given my heart rate when I stand?", 39)
    assert _alternatives(
        "chest infection",
        "Is this just a chest infection or could it be rejection or a fungal infection?",
        38,
    ) == ["transplant_rejection", "fungal_infection"]
    assert "anastomotic_leak" in _alternatives(
        "lung collapse", "Could the fever be a leak from the join in my bowel instead?", 69
    )
    assert "cteph" in _alternatives(
        "pulmonary hypertension",
        "Have I really got pulmonary hypertension and could it be from my old clot?",
        39,
    )
    # cooking pots, altitude in a flight question and an old clot in the leg are none of them
    assert conditions_in("I was washing the pots and pans") == []
    assert [c.key for c in conditions_in("flying at altitude with COPD")] == ["copd"]
    assert "cteph" not in _alternatives("pneumonia", "Is it from my old clot in my leg?")


def test_a_resting_pulse_told_before_its_number_is_a_same_day_sign() -> None:
    from assistant.drafting.same_day import same_day_signs

    intake = _intake(
        age=29,
        symptoms=[
            Symptom(description="heart racing at rest, watch says around 110", duration="2 days", onset="")
        ],
    )
    assert "a resting pulse of about 110 a minute" in same_day_signs(intake)
    story = _intake(
        age=29, reason_for_second_opinion="My heart is racing even sitting still (my watch says 110ish)."
    )
    assert "a resting pulse of about 110 a minute" in same_day_signs(story)
    assert same_day_signs(_intake(age=29, reason_for_second_opinion="My pulse was 110 after the run.")) == []


def test_an_acne_pill_and_an_antifungal_are_known_medicines() -> None:
    from assistant.drafting.medicines import listed_medicine

    def group(name: str) -> str:
        found = listed_medicine(name)
        return found.group.key if found is not None and found.group is not None else ""

    assert group("Dianette") == "combined_pill"
    assert group("fluconazole 50mg daily (prophylaxis)") == "antifungal"
    assert group("nystatin drops") == "antifungal"  # no statin
    assert group("atorvastatin 20mg") == "statin"


def test_interstitial_markings_on_a_quoted_report_are_explained() -> None:
    from assistant.drafting.reported import reported_sentence

    said = reported_sentence(
        _intake(
            prior_imaging=(
                "Chest X-ray: 'Subtle bilateral perihilar interstitial prominence, possibly technical or "
                "early "
                "infective change. No focal consolidation, effusion or pneumothorax.'"
            )
        )
    )
    assert "more visible fine lines in the lung tissue (interstitial markings" in said
    assert "no consolidation" in said


def test_a_result_that_shows_or_settles_an_alternative_is_said() -> None:
    thyroid = _answers(
        age=71,
        diagnosis_in_question="heart failure",
        history="On amiodarone 3 years. TFTs: TSH <0.01 mU/L, free T4 raised.",
        main_question="Could the amiodarone be why my thyroid is off?",
    )
    assert "already shows an overactive thyroid (hyperthyroidism): TSH <0.01" in thyroid
    spread = _answers(
        age=64,
        diagnosis_in_question="chest infection",
        prior_imaging="CT chest: No lymphadenopathy or evidence of metastatic disease.",
        main_question="Could it be the melanoma in my lungs?",
    )
    assert "a scan report that found no sign of spread" in spread


def test_a_grey_floppy_child_with_noisy_breathing_at_rest_needs_emergency_care() -> None:
    from assistant.drafting.same_day import STRIDOR_SIGN, needs_emergency, same_day_signs

    intake = _intake(
        age=4,
        diagnosis_in_question="croup",
        symptoms=[
            Symptom(
                description="squeaky noisy breathing in, now all the time even sitting still",
                duration="",
                onset="",
            ),
            Symptom(description="grey, floppy, wants to sit up and won't lie down", duration="", onset=""),
        ],
    )
    signs = same_day_signs(intake)
    assert STRIDOR_SIGN in signs and "going blue, grey or floppy" in signs
    assert needs_emergency(signs)
    answers = _section_text(_draft(intake), SectionKey.ANSWERS)
    assert "call emergency services now" in answers
    assert "a baby's breathing" not in answers
    # a grey jumper is no sign, nor noisy breathing only with crying
    calm = _intake(
        age=4,
        diagnosis_in_question="croup",
        reason_for_second_opinion=(
            "She wore her grey jumper. The noise when she breathes in comes only when she cries."
        ),
    )
    assert same_day_signs(calm) == []


def test_earlier_admissions_are_no_ward_now() -> None:
    from assistant.drafting.setting import care_setting

    farmer = _intake(
        age=74,
        history=(
            "Three presentations since November. Treated each time as pneumonia (amoxicillin; inpatient IV "
            "co-amoxiclav + clarithromycin)."
        ),
    )
    assert care_setting(farmer) == ""
    assert care_setting(_intake(age=74, history="Inpatient IV co-amoxiclav started yesterday.")) == "hospital"


def test_a_baby_s_jabs_are_answered_for_a_child() -> None:
    answers = _answers(
        age=0,
        diagnosis_in_question="bronchiolitis",
        main_question="Should he still have his 8 week jabs now?",
    )
    assert "a child's routine vaccines are kept on schedule" in answers
    assert "65 and over" not in answers
    assert "65 and over" in _answers(age=70, main_question="Should I have the flu jab?")


def test_a_teenager_writing_for_herself_is_not_called_the_child() -> None:
    from assistant.drafting.same_day import patient_word

    assert (
        patient_word(_intake(age=15, reason_for_second_opinion="I got this sharp pain when I breathe in."))
        == "the patient"
    )
    assert (
        patient_word(_intake(age=15, reason_for_second_opinion="My daughter got a sharp pain."))
        == "the child"
    )
    assert patient_word(_intake(age=8, reason_for_second_opinion="I have a cough.")) == "the child"


def test_food_sticking_raises_a_cancer_of_the_gullet() -> None:
    from assistant.drafting.questions import raised_by_symptoms

    told = _intake(
        age=87,
        diagnosis_in_question="a large hiatus hernia and repeat chest infections",
        symptoms=[
            Symptom(description="food sticking halfway down, leaves half his meals", duration="", onset="")
        ],
    )
    assert "oesophageal_cancer" in [c.key for c, _ in raised_by_symptoms(told)]
    denied = _intake(age=87, reason_for_second_opinion="He eats well, no food sticking.")
    assert "oesophageal_cancer" not in [c.key for c, _ in raised_by_symptoms(denied)]
    assert raised_by_symptoms(_intake(age=15, reason_for_second_opinion="Food gets stuck sometimes.")) == []


def test_whether_the_diagnosis_has_come_back_now_is_a_recurrence_question() -> None:
    for question in ("Could the twinge mean it's come back?", "Has it come back?"):
        assert ("next_steps", "recurrence") in _kinds("collapsed lung", question, 26), question
    answers = _answers(
        age=26, diagnosis_in_question="collapsed lung", main_question="Could the twinge mean it's come back?"
    )
    assert "one person in three" in answers


def test_a_scan_for_clots_asked_for_shows_no_clot() -> None:
    pe = condition("pulmonary_embolism")
    for said in (
        "Nobody did a D-dimer or a scan for clots.",
        "I'm worried if they do a scan with dye I'll have to stop, and I don't know if clot medicine gets "
        "into the milk.",
    ):
        assert pe.shown_in(said) == "", said
    assert pe.shown_in("They did a CT scan which showed clots in both lungs.") != ""
    assert pe.shown_in("CTPA 3 weeks ago: bilateral pulmonary emboli.") != ""


def test_what_else_it_could_be_is_answered_with_what_the_story_raises() -> None:
    intake = _intake(
        age=2,
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion=(
            "About 4 weeks ago at a party he was eating nuts and had a massive coughing fit and gagged. The "
            "cough "
            "started a couple of days after and two lots of antibiotics have not cleared the patch."
        ),
        symptoms=[
            Symptom(description="wheezy cough that won't go", duration="4 weeks", onset="after a party"),
            Symptom(description="coughing fits", duration="2 weeks", onset="gradual"),
        ],
        main_question="Is this really just a slow pneumonia or is something else going on?",
    )
    content = _draft(intake)
    asked = [(q.kind, q.condition) for q in content.sub_questions]
    assert ("could_it_be", "foreign_body") in asked
    answers = _section_text(content, SectionKey.ANSWERS)
    assert (
        "On whether it could be an inhaled object stuck in an airway (inhaled foreign body) instead:"
        in answers
    )
    # not when nothing asks what else it could be
    plain = _draft(intake.model_copy(update={"main_question": "When can he go back to nursery?"}))
    assert ("could_it_be", "foreign_body") not in [(q.kind, q.condition) for q in plain.sub_questions]
