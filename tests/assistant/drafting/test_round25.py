"""What the reading of v635-v670 found: a cytology that showed cancer read as "negative cytology", a
pre-operative film read as today's normal one, a past problem denied ("no recurrent pneumonias", "never
admitted with a chest infection") or only to be checked listed as the patient's own, inpatients told to call
an ambulance and a baby at home told to tell the ward, a same-day check for a collapsed lung the X-ray had
already excluded, a nicotine patch answered as vaping, a running coach read as a coach journey, a pregnant
woman's unborn baby and the child she caught the flu from asked about as contacts, a racing heart read as a
heart attack, and a lung's collapse read as a faint. Real tables; only the language model is the mock."""

from __future__ import annotations

import pytest

from assistant.drafting.conditions import condition, conditions_in, main_condition
from assistant.drafting.facts import _history_read, summary_sentences
from assistant.drafting.medicines import listed_medicine, treats_a_clot
from assistant.drafting.questions import named_alternatives, reported_symptoms, symptom_durations
from assistant.drafting.risk_factors import found_factors
from assistant.drafting.same_day import same_day_signs
from assistant.drafting.schemas import SectionKey
from assistant.drafting.setting import act_now, care_setting, in_hospital
from assistant.drafting.story import settled_already
from assistant.intake import IntakeRecord, Symptom
from tests.assistant.drafting.mock_drafts import asked as _asked
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import section_text as _text


def _factors(**fields: object) -> set[str]:
    base: dict[str, object] = {
        "diagnosis_in_question": "pneumonia",
        "reason_for_second_opinion": "",
        "age": 60,
    }
    return {f.factor.key for f in found_factors(IntakeRecord.model_validate({**base, **fields}))}


# --- facts read from reports -------------------------------------------------------------------------


def test_a_cytology_that_found_cancer_is_no_negative_cytology() -> None:
    assert "negative_cytology" not in _factors(
        prior_imaging="Thoracentesis 1.5 L: exudate, cytology adenocarcinoma, immunostains pending."
    )
    assert "negative_cytology" not in _factors(
        prior_imaging="Pleural fluid cytology: atypical mesothelial cells."
    )
    assert "negative_cytology" in _factors(prior_imaging="Pleural fluid cytology was negative.")
    assert "negative_cytology" in _factors(prior_imaging="No malignant cells were seen in the fluid.")


def test_a_film_before_an_operation_is_not_todays_normal_film() -> None:
    story = "Pre-op chest X-ray: 'clear lungs'. Chest X-ray day 4: 'new right lower zone airspace opacity'."
    assert "normal_xray" not in _factors(prior_imaging=story)
    assert "normal_xray" in _factors(prior_imaging="Chest X-ray last week was normal.")


def test_95_percent_is_not_a_normal_oxygen_level_to_argue_from() -> None:
    assert "normal_oxygen" not in _factors(prior_imaging="GP: temp 38.0, RR 22, sats 95% air.")
    assert "normal_oxygen" not in _factors(history="Discharged on room air with sats 95%.")
    assert "normal_oxygen" in _factors(prior_imaging="Oxygen 99%.")


def test_a_sore_throat_that_came_on_gradually_is_no_gradual_chest_pain() -> None:
    teen = {
        "diagnosis_in_question": "pleurisy",
        "age": 15,
        "symptoms": [
            Symptom(description="sharp chest pain on breathing in", duration="8 days", onset="sudden"),
            Symptom(description="cold and sore throat, now gone", duration="2 weeks", onset="gradual"),
        ],
    }
    assert "gradual_pain" not in _factors(**teen)
    # a chest pain that did come on gradually still counts
    teen["symptoms"] = [Symptom(description="ache in the chest", duration="3 weeks", onset="gradual")]
    assert "gradual_pain" in _factors(**teen)


def test_heart_failure_asked_about_or_to_be_checked_is_no_known_heart_disease() -> None:
    assert "heart_disease" not in _factors(
        main_question="Could his breathing problems be his heart instead - heart failure?",
        reason_for_second_opinion="The GP said we should check his heart for heart failure.",
        history="No known heart disease.",
    )
    assert "heart_disease" in _factors(history="Heart failure diagnosed 2019, on bisoprolol.")


# --- the history ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "left_out"),
    [
        ("No problems with feeding, no recurrent pneumonias, no diarrhoea.", "pneumonia"),
        ("Never admitted with a chest infection.", "pneumonia"),
        ("Irregular pulse noted by the GP once, 'to be checked'.", "arrhythmia"),
    ],
)
def test_a_denied_or_unconfirmed_problem_is_no_past_condition(history: str, left_out: str) -> None:
    own, family, _ = _history_read(history)
    assert condition(left_out).name not in own + family


def test_nobody_checked_for_marfan_is_no_family_history_of_it() -> None:
    own, family, _ = _history_read(
        "No family history of collapsed lung; nobody in the family checked for Marfan's."
    )
    assert not [n for n in own + family if "Marfan" in n]


# --- where the patient is: whom to tell ------------------------------------------------------------------


def test_an_inpatient_is_told_to_tell_the_ward_not_to_call_an_ambulance() -> None:
    on_ward = IntakeRecord(
        diagnosis_in_question="collapsed lower part of the lung after his hip operation",
        reason_for_second_opinion=(
            "My dad had his hip pinned 3 days ago. Yesterday his oxygen dropped to 89% and he's on nasal "
            "oxygen "
            "now, and he's muddled, keeps trying to pull his drip out."
        ),
        main_question="Is it really just a collapse or is it pneumonia?",
        age=78,
        sex="male",
    )
    assert in_hospital(on_ward) and care_setting(on_ward) == "hospital"
    assert act_now(on_ward).startswith("tell the nurse or doctor on the ward")
    answers = _text(_draft(on_ward), SectionKey.ANSWERS)
    assert "call emergency services" not in answers and "on the ward" in answers
    # a suspected clot on the ward is for the ward team today, not an urgent-care service
    clot = on_ward.model_copy(update={"main_question": "Could it be a blood clot on the lung?"})
    clot_answers = _text(_draft(clot), SectionKey.ANSWERS)
    assert "the ward team should be asked about it today" in clot_answers
    assert "urgent-care service" not in clot_answers
    going_home = on_ward.model_copy(
        update={
            "reason_for_second_opinion": "In hospital they said her flare-up is from a pneumonia.",
            "main_question": "Does she need home oxygen - what happens after she goes home?",
        }
    )
    assert in_hospital(going_home)


def test_a_past_readmission_does_not_put_a_baby_at_home_back_on_the_ward() -> None:
    home = IntakeRecord(
        diagnosis_in_question="chronic lung disease of prematurity",
        reason_for_second_opinion=(
            "She came home from NICU at 4 months on low flow oxygen. Every time the nurse tries her off it "
            "in "
            "the day she drops to 88-89%."
        ),
        history="Readmitted at 7 months with RSV bronchiolitis, 5 days, needed high flow.",
        main_question="When will she come off oxygen?",
        age=0,
        sex="female",
    )
    assert not in_hospital(home)
    # a reading taken off the oxygen she is on at home is why she is on it, not a reason for A&E now
    assert not [s for s in same_day_signs(home) if s.startswith("an oxygen reading")]


# --- a same-day check the story has already answered ----------------------------------------------------


def test_a_collapsed_lung_the_x_ray_excluded_gets_no_same_day_check() -> None:
    teen = IntakeRecord(
        diagnosis_in_question="viral pleurisy",
        reason_for_second_opinion="Sharp pain on the left when he breathes in, after a cold. Easing now.",
        main_question="Could it be a collapsed lung like his cousin had? Can he play football on Saturday?",
        prior_imaging="Chest X-ray at urgent care 4 days ago: 'no pneumothorax, no consolidation'.",
        age=15,
        sex="male",
    )
    assert settled_already(teen, condition("pneumothorax"))
    answers = _text(_draft(teen), SectionKey.ANSWERS)
    assert (
        "When a collapsed lung (pneumothorax) is suspected, it is usually assessed the same day"
        not in answers
    )
    # a film cannot exclude an inhaled object, so "no foreign body seen" settles nothing
    toddler = teen.model_copy(update={"prior_imaging": "Chest X-ray: no foreign body seen.", "age": 2})
    assert not settled_already(toddler, condition("foreign_body"))


def test_a_clot_is_settled_by_a_treating_blood_thinner_not_a_preventive_injection() -> None:
    base = IntakeRecord(
        diagnosis_in_question="blood clots in the lung",
        reason_for_second_opinion="",
        main_question="",
        age=33,
    )
    on_apixaban = base.model_copy(update={"medications": ["apixaban 5mg twice a day"]})
    preventive = base.model_copy(update={"medications": ["dalteparin 5000 units once a night (for 28 days)"]})
    assert settled_already(on_apixaban, condition("deep_vein_thrombosis"))
    assert not settled_already(preventive, condition("pulmonary_embolism"))
    # plain heparin under the skin twice a day prevents clots; a low-molecular-weight heparin twice a
    # day treats one
    assert not treats_a_clot(["Heparin injection twice a day"])
    assert treats_a_clot(["enoxaparin 80mg twice a day"])
    assert not treats_a_clot(["apixaban 5mg twice a day (stopped last month)"])


# --- medicines and everyday words -------------------------------------------------------------------


def test_a_nicotine_patch_is_a_stop_smoking_aid_not_a_vape() -> None:
    patch = listed_medicine("nicotine patch 21mg")
    assert patch.group is not None and patch.group.key == "nicotine_replacement"
    assert "vaping" not in patch.group.what and "stop smoking" in patch.group.what
    vape = listed_medicine("nicotine vape 20mg")
    assert vape.group is not None and vape.group.key == "nicotine"


def test_a_running_coach_is_no_coach_journey_and_racing_is_sport() -> None:
    topics = _asked("asthma", "Could it be panic attacks like my coach says? Can I keep racing?", 14)
    assert ("next_steps", "", "activity") in topics
    summary = [t for t in topics if t[2] == "activity"]
    assert len(summary) == 1
    draft = _draft(
        IntakeRecord(
            diagnosis_in_question="asthma",
            reason_for_second_opinion="",
            main_question="Could it be panic attacks like my coach says? Can I keep racing?",
            age=14,
        )
    )
    questions = _text(draft, SectionKey.SUMMARY)
    assert "coach journey" not in questions and "racing" in questions


def test_a_lobe_collapse_is_atelectasis_and_no_faint() -> None:
    assert main_condition("collapsed lower part of the lung after his hip operation") == condition(
        "atelectasis"
    )
    assert condition("atelectasis") in conditions_in("left lower lobe collapse with volume loss")
    assert main_condition("a collapsed lung") == condition("pneumothorax")
    dad = IntakeRecord(
        diagnosis_in_question="collapsed lower part of the lung",
        reason_for_second_opinion="",
        main_question="Is it really just a collapse or is it pneumonia?",
        symptoms=[Symptom(description="confusion, worse at night", duration="2 days")],
        age=78,
    )
    assert "fainting" not in [n for names, _ in symptom_durations(dad) for n in names]
    fainted = dad.model_copy(
        update={"symptoms": [Symptom(description="collapsed in the kitchen", duration="1 day")]}
    )
    assert "fainting" in reported_symptoms(fainted)


# --- pregnancy, and who is a contact ---------------------------------------------------------------


def _pregnant(question: str) -> IntakeRecord:
    return IntakeRecord(
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion="I'm 27 weeks pregnant and the GP gave me amoxicillin. My heart is racing.",
        main_question=question,
        medications=["amoxicillin 500mg three times a day"],
        age=32,
        sex="female",
    )


def test_a_pregnant_womans_question_about_the_baby_is_about_the_pregnancy() -> None:
    intake = _pregnant("Is the amoxicillin safe for the baby? Could this make me go into labour early?")
    content = _draft(intake)
    kinds = [(q.kind, q.topic) for q in content.sub_questions]
    assert ("next_steps", "contacts") not in kinds
    answers = _text(content, SectionKey.ANSWERS)
    assert "considered safe for the baby" in answers and "early labour" in answers
    # a racing heart is a symptom, not a heart attack asked about
    assert condition("heart_attack") not in named_alternatives(intake)


def test_the_child_an_illness_was_caught_from_is_no_contact_at_risk() -> None:
    kinds = [
        (q.kind, q.topic)
        for q in _draft(_pregnant("Could it be flu that I caught from my son?")).sub_questions
    ]
    assert ("next_steps", "contacts") not in kinds
    assert ("next_steps", "", "contacts") in _asked("pneumonia", "Can my son catch it from me?", 40)


def test_medicines_in_pregnancy_are_answered_only_for_a_patient_pregnant_now() -> None:
    baby = IntakeRecord(
        diagnosis_in_question="cystic fibrosis",
        reason_for_second_opinion="Our daughter's newborn screen was positive.",
        main_question="Is it something I did in pregnancy? Can she get Trikafta?",
        age=0,
        sex="female",
    )
    assert "in pregnancy, penicillins" not in _text(_draft(baby), SectionKey.ANSWERS)


def test_the_summary_no_longer_lists_a_heart_attack_for_a_racing_heart() -> None:
    intake = _pregnant("Is it definitely pneumonia?")
    text = " ".join(s.text for s in summary_sentences(intake, _draft(intake).sub_questions))
    assert "pregnant" in text and "heart attack" not in text


# --- results that settle a diagnosis, old contacts, and past episodes ----------------------------------


@pytest.mark.parametrize(
    ("key", "report"),
    [
        (
            "pneumocystis_pneumonia",
            "Bronchoscopy lavage: Pneumocystis PCR positive, immunofluorescence positive; TB GeneXpert "
            "negative.",
        ),
        ("rib_fracture", "CT chest 5 days ago: undisplaced fractures right 6th-8th ribs, trace haemothorax."),
    ],
)
def test_a_positive_test_or_scan_settles_the_diagnosis_against_the_story(key: str, report: str) -> None:
    proven = IntakeRecord(
        diagnosis_in_question=condition(key).name,
        reason_for_second_opinion="Weight loss, night sweats, a cough with phlegm and a fever.",
        main_question="Could it be something else?",
        prior_imaging=report,
        age=40,
    )
    answers = _text(_draft(proven), SectionKey.ANSWERS)
    assert "usually settles" in answers and "the story points more to" not in answers
    assert not condition(key).shown_in("ED chest X-ray: no obvious rib fracture, lungs clear.")


def test_a_relative_treated_for_tb_decades_ago_is_no_tb_contact() -> None:
    assert "tb_contact" not in _factors(history="Father had TB in the 1960s and was in a sanatorium.")
    assert "tb_contact" not in _factors(history="Grandmother treated for pulmonary TB about 20 years ago.")
    # a relative treated two years ago who stayed in the house still is one
    assert "tb_contact" in _factors(
        history="Grandmother lived with us in the summer, had TB treatment 2 years ago."
    )


def test_the_chest_drawing_in_with_each_past_episode_is_no_sign_now() -> None:
    kai = IntakeRecord(
        diagnosis_in_question="viral-induced wheeze",
        reason_for_second_opinion=(
            "Since he started nursery he gets a cold and 2 days later he's wheezing and breathing fast and "
            "tummy sucking in. We've been to A&E 4 times in a year."
        ),
        main_question="Is it asthma?",
        age=3,
    )
    assert "the chest or tummy drawing in with each breath" not in same_day_signs(kai)
    now = kai.model_copy(
        update={"reason_for_second_opinion": "Today his tummy is sucking in with each breath."}
    )
    assert "the chest or tummy drawing in with each breath" in same_day_signs(now)


def test_a_teenager_gets_no_under_five_or_toddler_text() -> None:
    teen = IntakeRecord(
        diagnosis_in_question="asthma",
        reason_for_second_opinion="",
        main_question="Is it asthma? Could it be pericarditis?",
        age=14,
    )
    answers = _text(_draft(teen), SectionKey.ANSWERS)
    assert "usually from about five" not in answers
    assert "a young child may show it" not in answers


def test_and_not_asthma_asked_before_another_sentence_is_asked() -> None:
    """A question that ends ("... and not asthma?") does not run on into the next ("What caused it?")."""
    woman = IntakeRecord(
        diagnosis_in_question="bronchiectasis",
        reason_for_second_opinion="My GP kept saying it was asthma and I have been on inhalers for years.",
        main_question=(
            "Is it really bronchiectasis and not asthma? What caused it - could it be an immune problem?"
        ),
        history="Asthma diagnosed at 40.",
        age=58,
        sex="female",
    )
    assert condition("asthma") in named_alternatives(woman)
    # "could asthma have caused it?" still names asthma as a cause, not as the question
    cause = woman.model_copy(update={"main_question": "Could my asthma have caused the bronchiectasis?"})
    assert condition("asthma") not in named_alternatives(cause)


def test_an_oxygen_fall_on_walking_and_a_new_calf_pain_with_breathlessness_now_call_for_today() -> None:
    """A read draft after COVID pneumonia (calf pain since yesterday, "94-95 sitting but goes to 91 when I
    walk", "I still get breathless going up the stairs") said only "if severe, call emergency services"."""
    after_covid = IntakeRecord(
        diagnosis_in_question="COVID pneumonia, recovering",
        reason_for_second_opinion=(
            "I was discharged a week ago. Now at home I still get breathless going up the stairs. Oxygen is "
            "94-95 sitting but goes to 91 when I walk around the house."
        ),
        main_question="Will my lungs be scarred?",
        symptoms=[
            Symptom(description="breathless on stairs", duration="2 weeks", onset="gradual"),
            Symptom(description="pain in left calf", duration="1 day", onset="sudden"),
        ],
        age=47,
        sex="male",
    )
    signs = same_day_signs(after_covid)
    assert any(s.startswith("an oxygen reading that falls to 91% on exertion") for s in signs)
    assert "a painful or swollen calf together with breathlessness or chest pain" in signs
    # a calf pain that has gone does not count; one "mostly gone" after a flight still does
    gone = after_covid.model_copy(
        update={"symptoms": [Symptom(description="sore left calf, resolved", duration="a week")]}
    )
    assert "a painful or swollen calf together with breathlessness or chest pain" not in same_day_signs(gone)
    mostly = after_covid.model_copy(
        update={
            "symptoms": [
                Symptom(description="sore left calf after flight, now mostly gone", duration="a week")
            ]
        }
    )
    assert "a painful or swollen calf together with breathlessness or chest pain" in same_day_signs(mostly)
