"""What the new cases v1319-v1354 and the reading of v1283-v1318 showed. Real tables; only the language model
is the mock."""

from __future__ import annotations

import pytest

from assistant.drafting.schemas import SectionKey
from assistant.intake import IntakeRecord, Symptom
from tests.assistant.drafting.mock_drafts import adult_pneumonia as _intake
from tests.assistant.drafting.mock_drafts import asked as _asked
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import section_text as _section_text

# --- a benign diagnosis asked about as a cancer, or as what it may become -------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Plaques is cancer?",
        "Are the plaques cancer?",
        "Later become mesothelioma?",
        "Will the plaques turn into mesothelioma?",
    ],
)
def test_a_benign_diagnosis_asked_as_a_cancer_is_the_risk_its_outlook_answers(question: str) -> None:
    asked = _asked("pleural plaques", question, 70)
    assert ("next_steps", "", "risk") in asked
    assert not [a for a in asked if a[0] == "could_it_be"]


def test_the_plaques_outlook_answers_whether_they_are_cancer() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="pleural plaques from asbestos",
        reason_for_second_opinion="",
        main_question="Plaques is cancer?",
        age=70,
    )
    assert "they do not turn into cancer" in _section_text(_draft(intake), SectionKey.ANSWERS)


@pytest.mark.parametrize(
    "question",
    [
        "Is it cancer?",  # no diagnosis's word: what it might be instead
        "Are the nodules cancer?",
    ],
)
def test_a_cancer_asked_of_no_benign_diagnosis_stays_an_alternative(question: str) -> None:
    assert [a for a in _asked("pleural plaques", question, 70) if a[0] == "could_it_be"]


# --- a vaccine named as the cause asks nothing about vaccines -------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Could the covid jab have caused it?",
        "He had the covid jab about a year ago, could it be from that?",
    ],
)
def test_a_vaccine_named_only_as_the_cause_is_no_vaccine_advice_question(question: str) -> None:
    assert not [a for a in _asked("pericarditis", question, 19) if a[0] == "treatment"]


def test_a_vaccine_asked_about_is_still_a_treatment_question() -> None:
    assert [a for a in _asked("pericarditis", "Should he have the covid booster?", 19) if a[0] == "treatment"]


# --- something going where it should not, asked about now -----------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Is it really just bad luck with bugs or is milk going into his lungs?",
        "Is it viruses, or is her food getting into her lungs?",
    ],
)
def test_food_or_milk_going_into_the_lungs_is_aspiration_asked(question: str) -> None:
    assert ("could_it_be", "aspiration", "") in _asked("pneumonia", question, 1)


# --- sport named by its event ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question", ["Can he play the trials in 3 weeks?", "Are the county trials safe for her?"]
)
def test_trials_in_a_sport_are_an_activity_question(question: str) -> None:
    assert ("next_steps", "", "activity") in _asked("pericarditis", question, 17)


def test_a_clinical_trial_is_no_sport() -> None:
    assert ("next_steps", "", "activity") not in _asked("lung cancer", "Should he join a clinical trial?", 60)


# --- a protective medicine stopped lately ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("listed", "said"),
    [
        ("enoxaparin 40mg once a day (stopped 10 days ago)", "the risk of a clot it guards against return"),
        ("Keppra (stopped myself last week)", "the risk of seizures return"),
    ],
)
def test_a_protective_medicine_stopped_lately_is_for_the_prescriber_to_hear(listed: str, said: str) -> None:
    text = _section_text(
        _draft(
            IntakeRecord(
                diagnosis_in_question="anaemia",
                reason_for_second_opinion="",
                main_question="Do I really need to go back on the injections or tablets?",
                medications=[listed],
                age=37,
            )
        ),
        SectionKey.ANSWERS,
    )
    assert "as stopped: if that was done without the prescriber's advice" in text
    assert said in text


@pytest.mark.parametrize(
    "listed",
    [
        "clopidogrel stopped 2016",
        "clopidogrel (stopped last year)",
        "enoxaparin injections (stopped at discharge)",
        "enoxaparin injections 40mg (stopped after 4 days)",
        "warfarin (finished 3 months course)",
        "apixaban - letter says stopped but still taking",
    ],
)
def test_a_stop_long_ago_a_finished_course_or_a_medicine_still_taken_is_not_flagged(listed: str) -> None:
    from assistant.drafting.medicines import listed_medicines, stopped_protection_caution

    assert stopped_protection_caution(listed_medicines(listed)) == ""


# --- emergency now, not the same day --------------------------------------------------------------------


def _signs(**fields: object) -> list[str]:
    from assistant.drafting.same_day import same_day_signs

    return same_day_signs(_intake(**fields))


@pytest.mark.parametrize(
    "told",
    [
        "Last night I coughed up pinky frothy spit.",
        "She is coughing up frothy pink phlegm and can't lie flat.",
    ],
)
def test_pink_frothy_phlegm_is_an_emergency(told: str) -> None:
    from assistant.drafting.same_day import FROTH_SIGN, needs_emergency

    signs = _signs(reason_for_second_opinion=told, age=27)
    assert FROTH_SIGN in signs
    assert needs_emergency(signs)


def test_pink_phlegm_asked_about_or_plain_white_froth_is_no_sign() -> None:
    from assistant.drafting.same_day import FROTH_SIGN

    assert FROTH_SIGN not in _signs(reason_for_second_opinion="Is pink frothy spit a bad sign?")
    assert FROTH_SIGN not in _signs(
        reason_for_second_opinion="He coughs up white frothy phlegm most mornings."
    )


def test_confusion_and_little_urine_with_an_infection_call_an_ambulance() -> None:
    from assistant.drafting.same_day import URINE_SIGN, needs_emergency

    signs = _signs(
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion="Fever since Wednesday. Today he's muddled. Hardly weeing.",
        age=68,
    )
    assert URINE_SIGN in signs
    assert needs_emergency(signs)
    answers = _section_text(
        _draft(
            _intake(
                diagnosis_in_question="pneumonia",
                reason_for_second_opinion="Fever since Wednesday. Today he's muddled. Hardly weeing.",
                age=68,
            )
        ),
        SectionKey.ANSWERS,
    )
    assert "call emergency services now" in answers


@pytest.mark.parametrize(
    "told",
    [
        "No urine infection this time.",
        "Has he had no wee? I don't know.",
        "She had a fever, now weeing normally.",
    ],
)
def test_urine_words_that_say_no_low_output_are_no_sign(told: str) -> None:
    from assistant.drafting.same_day import URINE_SIGN

    assert URINE_SIGN not in _signs(diagnosis_in_question="pneumonia", reason_for_second_opinion=told, age=60)


def test_stridor_at_rest_with_recession_is_an_emergency_told_as_a_narrowing_airway() -> None:
    from assistant.drafting.same_day import RECESSION_SIGN, STRIDOR_SIGN, needs_emergency

    assert needs_emergency([STRIDOR_SIGN, RECESSION_SIGN])
    assert not needs_emergency([STRIDOR_SIGN])
    text = _section_text(
        _draft(
            _intake(
                diagnosis_in_question="smoke inhalation",
                reason_for_second_opinion=(
                    "Today she's making a squeaky whistly noise when she breathes in even when she's "
                    "asleep, and her tummy sucks in under her ribs."
                ),
                age=0,
            )
        ),
        SectionKey.ANSWERS,
    )
    assert "call emergency services now" in text
    assert "narrowing airway" in text


@pytest.mark.parametrize(
    ("meds", "told", "sign"),
    [
        (
            ["methadone 80mg daily", "clarithromycin 500mg twice a day"],
            "Yesterday he fainted on the toilet.",
            True,
        ),
        (["methadone 80mg", "levofloxacin"], "Her heart keeps fluttering since Tuesday.", True),
        (["methadone 80mg", "clarithromycin (finished)"], "Yesterday he fainted on the toilet.", False),
        (["clarithromycin 500mg twice a day"], "Yesterday he fainted on the toilet.", False),
        (["methadone 80mg", "clarithromycin"], "He nearly fainted when he stood up? No.", False),
    ],
)
def test_a_faint_on_two_qt_medicines_needs_an_ecg_today(meds: list[str], told: str, sign: bool) -> None:
    from assistant.drafting.same_day import HOSPITAL_SIGNS, QT_SIGN

    signs = _signs(
        diagnosis_in_question="aspiration pneumonia", reason_for_second_opinion=told, medications=meds
    )
    assert (QT_SIGN in signs) is sign
    assert QT_SIGN in HOSPITAL_SIGNS


@pytest.mark.parametrize(
    ("meds", "keys", "said"),
    [
        (["blue inhaler (salbutamol) 2 puff, 6-8 times every day"], ["asthma"], True),
        (["ventolin 4 times a day"], ["occupational_asthma"], True),
        (["salbutamol 2 puffs when needed"], ["asthma"], False),  # not told as daily
        (["ventolin most days", "clenil 100"], ["asthma"], False),  # a preventer is listed
        (["ventolin most days"], ["copd"], False),  # not asthma
    ],
)
def test_a_daily_reliever_without_a_preventer_in_asthma_is_uncontrolled(
    meds: list[str], keys: list[str], said: bool
) -> None:
    from assistant.drafting.medicines import listed_medicines, reliever_only_caution

    text = reliever_only_caution([m for t in meds for m in listed_medicines(t)], keys)
    assert bool(text) is said
    if said:
        assert "asthma is not controlled" in text and "inhaled steroid" in text


# --- medicines a known condition makes matter -----------------------------------------------------------


@pytest.mark.parametrize(
    ("meds", "keys", "told", "said"),
    [
        (
            ["ciprofloxacin 500mg twice a day"],
            [],
            "myasthenia gravis since 2019",
            "can make myasthenia weaker",
        ),
        (["clarithromycin (finished)"], [], "myasthenia gravis", ""),  # no longer taken
        (["ciprofloxacin"], [], "kidney infection", ""),  # no myasthenia
        (["zopiclone 7.5mg at night"], ["neuromuscular_weakness"], "", "sleeping tablets and sedatives"),
        (["zopiclone 7.5mg at night"], ["pneumonia"], "", ""),
        (["Microgynon 30 (combined pill)"], ["lam"], "", "can make LAM worse"),
        (["Microgynon 30 (combined pill)"], ["pneumothorax"], "", ""),
    ],
)
def test_a_medicine_a_known_condition_makes_matter(
    meds: list[str], keys: list[str], told: str, said: str
) -> None:
    from assistant.drafting.medicines import condition_cautions, listed_medicines

    text = " ".join(condition_cautions([m for t in meds for m in listed_medicines(t)], keys, told))
    assert (said in text) if said else text == ""


def test_a_weakness_reaching_the_breathing_calls_an_ambulance() -> None:
    from assistant.drafting.same_day import WEAKNESS_SIGN, needs_emergency

    assert needs_emergency([WEAKNESS_SIGN])


# --- same-day signs come before the usual advice --------------------------------------------------------


_LEUKAEMIA = {
    "diagnosis_in_question": "viral chest infection",
    "reason_for_second_opinion": "She has had a temperature of 38.5 since last night.",
    "history": "4-year-old with leukaemia, currently in maintenance chemotherapy (mercaptopurine).",
    "main_question": "Can she go to nursery?",
    "symptoms": [{"description": "fever 38.5", "duration": "1 day", "onset": "sudden"}],
    "age": 4,
}


def test_a_child_in_maintenance_chemotherapy_with_a_fever_has_the_oncology_line_told() -> None:
    text = _section_text(_draft(IntakeRecord.model_validate(_LEUKAEMIA)), SectionKey.ANSWERS)
    assert "the chemotherapy team's 24-hour helpline (acute oncology) told at once" in text


def test_an_activity_waits_for_the_same_day_assessment() -> None:
    text = _section_text(_draft(IntakeRecord.model_validate(_LEUKAEMIA)), SectionKey.ANSWERS)
    assert "nursery waits until after it" in text
    well = IntakeRecord.model_validate(
        {**_LEUKAEMIA, "history": "", "reason_for_second_opinion": "", "symptoms": []}
    )
    assert "waits until after it" not in _section_text(_draft(well), SectionKey.ANSWERS)


# --- an urgent alternative the story raises beside same-day signs is answered ---------------------------


def test_an_urgent_alternative_the_story_raises_beside_same_day_signs_is_answered_unasked() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="panic attacks",
        reason_for_second_opinion=(
            "Since the flight back from Bangkok my heart is 115 sitting down, I get a sharp pain on the "
            "right when I breathe in and my left calf is tight and swollen."
        ),
        main_question="Should I go up to 150mg sertraline?",
        medications=["sertraline 100mg", "Microgynon 30"],
        symptoms=[
            Symptom(description="left calf tight and swollen", duration="5 days", onset="gradual"),
            Symptom(description="breathless on the stairs", duration="5 days", onset="sudden"),
        ],
        age=38,
        sex="female",
    )
    assert "On whether it could be a blood clot in the lung (pulmonary embolism) instead:" in _section_text(
        _draft(intake), SectionKey.ANSWERS
    )


def test_no_urgent_alternative_is_added_without_same_day_signs() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="panic attacks",
        reason_for_second_opinion="I get panicky on the bus and my heart races for ten minutes.",
        main_question="Should I go up to 150mg sertraline?",
        age=38,
    )
    assert "On whether it could be" not in _section_text(_draft(intake), SectionKey.ANSWERS)


@pytest.mark.parametrize(
    ("told", "sign"),
    [
        (
            "On Friday the transport not come so I miss my dialysis. Now I am weak and my heart is jumping.",
            True,
        ),
        ("He skipped dialysis on Wednesday and has been feeling sick all day.", True),
        ("I never miss dialysis. I feel weak after each session.", False),
        ("She missed her dialysis last month. Today she is well.", False),
    ],
)
def test_a_missed_dialysis_with_weakness_or_a_jumping_heart_is_an_emergency(told: str, sign: bool) -> None:
    from assistant.drafting.same_day import DIALYSIS_SIGN, needs_emergency

    signs = _signs(diagnosis_in_question="pneumonia", reason_for_second_opinion=told, age=67)
    assert (DIALYSIS_SIGN in signs) is sign
    if sign:
        assert needs_emergency(signs)


def test_a_knock_to_the_head_on_a_blood_thinner_with_drowsiness_calls_an_ambulance() -> None:
    from assistant.drafting.same_day import HEAD_INJURY_SIGN, needs_emergency

    assert needs_emergency([HEAD_INJURY_SIGN])


# --- a place or a pastime asked about as the cause ---------------------------------------------------------


def test_something_on_the_farm_asked_as_the_cause_reads_what_the_story_says_is_breathed_in_there() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion="It's always a few hours after shaking out mouldy bales for the cattle.",
        main_question="Why do I keep getting pneumonia? Is it something on the farm?",
        age=53,
    )
    from assistant.drafting.questions import exposure_alternatives

    assert [c.key for c in exposure_alternatives(intake)] == ["hypersensitivity_pneumonitis"]
    bare = intake.model_copy(update={"reason_for_second_opinion": "I milk the cows twice a day."})
    assert exposure_alternatives(bare) == []


def test_giving_up_the_birds_asks_whether_they_are_to_blame() -> None:
    assert ("could_it_be", "hypersensitivity_pneumonitis", "") in _asked(
        "pneumonia", "Will I have to give up the pigeons?", 53
    )


@pytest.mark.parametrize("question", ["am i just anxious?", "Is he just stressed?"])
def test_a_doubt_asked_of_the_person_as_anxiety_is_a_panic_or_anxiety_asked(question: str) -> None:
    assert ("could_it_be", "panic_attack", "") in _asked("asthma", question, 15)


def test_anxiety_about_a_test_is_no_such_question() -> None:
    assert not [
        a for a in _asked("asthma", "I am anxious about the scan. Is it asthma?", 15) if a[0] == "could_it_be"
    ]


def test_milk_going_the_wrong_way_without_an_article_is_aspiration() -> None:
    assert ("could_it_be", "aspiration", "") in _asked(
        "bronchiolitis", "Can it be milk going wrong way into lungs?", 1
    )


def test_a_fever_after_a_stay_where_malaria_is_common_raises_malaria_and_it_is_answered() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="chest infection",
        reason_for_second_opinion=(
            "We came back from Lagos 10 days ago. He didn't take malaria tablets. He has a fever of 39 and "
            "is very sleepy today."
        ),
        main_question="Is amoxicillin the wrong antibiotic?",
        symptoms=[Symptom(description="fever 39", duration="3 days", onset="sudden")],
        age=3,
    )
    assert "On whether it could be malaria instead:" in _section_text(_draft(intake), SectionKey.ANSWERS)
