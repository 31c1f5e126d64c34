"""What the reading of v599-v634 found: a relative's illness, a test asked for or a drug name read as the
patient's own past condition (and the patient's own written of as a relative's when a son writes of "Dad"),
severe signs told together answered with "hospital today" where an ambulance is called, a snoring child's
sleep-time breathing sent to A&E, adult and under-5 text for school-age children, a 52 mm mass summarised as a
small nodule, propranolol and ramipril misdescribed, amoxicillin named as the usual choice to a man allergic
to penicillin, and questions asked in everyday words left unrecognised. Real tables; only the language model
is the mock."""

from __future__ import annotations

import pytest

from assistant.drafting.composer import compose_draft
from assistant.drafting.conditions import condition
from assistant.drafting.facts import _history_read, summary_sentences
from assistant.drafting.llm import MockLLM
from assistant.drafting.questions import parse_sub_questions
from assistant.drafting.reported import reported_sentence
from assistant.drafting.risk_factors import patient_marked
from assistant.drafting.same_day import needs_emergency, same_day_signs
from assistant.drafting.schemas import ImagingFindings, SectionKey
from assistant.drafting.setting import warning_sentence
from assistant.intake import IntakeRecord, Symptom
from tests.assistant.drafting.mock_drafts import asked as _asked
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import section_text as _text


def _history(history: str) -> tuple[list[str], list[str]]:
    own, family, _ = _history_read(history)
    return own, family


# --- the history: whose condition it is -------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "not_own", "theirs"),
    [
        # a comma inside brackets does not end the husband's clause
        (
            "Never smoked; husband smoked 40 a day for decades (died 2019, heart attack). Osteoporosis.",
            "a heart problem such as angina or a heart attack",
            "a heart problem such as angina or a heart attack",
        ),
        # what a post mortem found is the uncle's
        (
            "Family: my brother (his uncle) died suddenly aged 38, post mortem said hypertrophic "
            "cardiomyopathy.",
            "a disease of the heart muscle (cardiomyopathy)",
            "a disease of the heart muscle (cardiomyopathy)",
        ),
    ],
)
def test_a_relatives_condition_stays_the_relatives(history: str, not_own: str, theirs: str) -> None:
    own, family = _history(history)
    assert not_own not in own
    assert theirs in family


@pytest.mark.parametrize(
    ("history", "left_out"),
    [
        # a stroke treatment, not a clot in the lung
        ("Stroke 2 weeks ago, clot-busting drug not given as she came in too late.", "pulmonary embolism"),
        # a test nobody asked for is no TB
        ("Sputum tests were for 'culture' - I don't believe anyone has asked for TB tests.", "tuberculosis"),
        # a test still awaited, its result in quotes
        ("HIV test 'was taken, waiting'.", "HIV"),
        # the team asked whether she has asthma: no diagnosis
        ("They heard a wheeze in hospital and gave her the blue inhaler, asked if she has asthma.", "asthma"),
        # wheezing now is a symptom, not past asthma
        ("Wheezing both sides according to A&E.", "asthma"),
    ],
)
def test_a_test_a_treatment_or_a_question_is_no_past_condition(history: str, left_out: str) -> None:
    own, family = _history(history)
    assert not any(left_out in name for name in own + family)


def test_a_choke_is_no_past_condition_and_a_cousins_party_is_no_relatives_illness() -> None:
    """The choke is an event of the illness now (told in the symptoms and the facts); it was listed first as
    an inhaled object, then as "a choking episode" among past conditions, which read summaries faulted."""
    own, family = _history(
        "The cough started the day of his cousin's birthday party 3 weeks ago - he had a big coughing and "
        "choking fit while eating peanuts and crisps. Dad has asthma."
    )
    assert own == []
    assert family == ["asthma"]


def test_dad_is_the_patient_when_his_son_writes() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion="I'm writing for my dad, he's 78. He started with a bad cough.",
        main_question="Is it definitely pneumonia?",
        history=(
            "Written by his son. Dad has atrial fibrillation and a bit of heart failure. Lives with my mum."
        ),
        age=78,
        sex="male",
    )
    own, family, _ = _history_read(patient_marked(intake, intake.history))
    assert "heart failure with fluid on the lungs" in own and not family
    summary = " ".join(s.text for s in summary_sentences(intake))
    assert "Past conditions mentioned: a heart rhythm problem" in summary
    assert "family members" not in summary


# --- severe signs together ---


def _sepsis_story() -> IntakeRecord:
    return IntakeRecord(
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion=(
            "I'm writing for my dad, he's 78. He has been on doxycycline 4 days and is worse. Since last "
            "night "
            "he's muddled. My mum's finger oxygen thing says 89 and his blood pressure on her machine was 92 "
            "over 54 this morning when it's normally 130s."
        ),
        main_question="Is the doxycycline strong enough?",
        symptoms=[
            Symptom(description="cough with green phlegm and fever", duration="6 days"),
            Symptom(description="confused, muddled, sleepy", duration="since last night"),
        ],
        age=78,
        sex="male",
    )


def test_low_oxygen_low_blood_pressure_and_new_confusion_together_call_for_an_ambulance() -> None:
    """NICE NG51: new confusion, a low blood pressure and a low oxygen reading are high-risk signs of
    sepsis; a read draft said only that the man "should be assessed in hospital today"."""
    signs = same_day_signs(_sepsis_story())
    assert "a low blood pressure (about 92 over 54)" in signs
    assert any(s.startswith("an oxygen reading of 89%") for s in signs)
    assert needs_emergency(signs)
    answers = _text(_draft(_sepsis_story()), SectionKey.ANSWERS)
    assert "need emergency care" in answers and "call emergency services now" in answers
    assert "severe illness, such as sepsis" in answers
    assert "assessed in hospital today" not in answers


def test_one_sign_alone_is_still_hospital_today_and_an_oxygen_fall_on_the_stairs_is_said_as_such() -> None:
    one = IntakeRecord(
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion="He is on antibiotics.",
        main_question="Is it pneumonia?",
        symptoms=[Symptom(description="confused and sleepy, with a fever", duration="1 day")],
        age=80,
    )
    assert not needs_emergency(same_day_signs(one))
    stairs = IntakeRecord(
        diagnosis_in_question="long covid",
        reason_for_second_opinion=(
            "My finger oxygen monitor drops to 90-91% when I go up two flights. At rest it's 96%."
        ),
        main_question="What tests should I push for?",
        age=52,
    )
    assert same_day_signs(stairs) == [
        "an oxygen reading that falls to 90% on exertion, below the usual range of about 95% or more"
    ]


def test_blue_lips_in_an_adult_and_a_childs_grunting_are_emergencies() -> None:
    lips = IntakeRecord(
        diagnosis_in_question="urine infection",
        reason_for_second_opinion="She seems to be breathing quickly and her lips look a bit blue.",
        main_question="Should she be going into hospital?",
        age=84,
    )
    assert "blue or grey lips" in same_day_signs(lips)
    child = IntakeRecord(
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion="Day 4 of amoxicillin and still 39.6.",
        main_question="Hospital today or keep waiting?",
        symptoms=[Symptom(description="fast breathing, grunting sometimes when asleep", duration="5 days")],
        age=5,
    )
    assert needs_emergency(same_day_signs(child))
    assert ("next_steps", "", "urgent") in _asked("pneumonia", "Should we keep waiting or go in?", 5)


def test_a_snoring_childs_tummy_sucking_in_during_sleep_is_not_sent_to_a_and_e() -> None:
    isla = IntakeRecord(
        diagnosis_in_question="enlarged tonsils",
        reason_for_second_opinion=(
            "Our daughter (4) snores every night. You can see she stops breathing for a few seconds then "
            "gasps "
            "and her tummy sort of sucks in, and she sleeps with her head tipped right back."
        ),
        main_question="Could this be sleep apnoea?",
        age=4,
    )
    assert same_day_signs(isla) == []
    awake = IntakeRecord(
        diagnosis_in_question="bronchiolitis",
        reason_for_second_opinion="",
        main_question="",
        symptoms=[Symptom(description="fast breathing with tummy sucking in under ribs", duration="2 days")],
        age=0,
    )
    assert same_day_signs(awake) == ["the chest or tummy drawing in with each breath"]


# --- the age of the text ---


def test_a_school_age_childs_asthma_test_and_warning_signs_are_their_own() -> None:
    asthma = condition("asthma")
    assert asthma.test_for(child=True, age=8).startswith("spirometry with reversibility")
    assert asthma.test_for(child=True, age=3).startswith("a trial of a preventer inhaler")
    assert "smoking history" not in asthma.against_for(14)
    assert "smoking history" in asthma.against_for(40)
    eight = IntakeRecord(
        diagnosis_in_question="asthma", reason_for_second_opinion="", main_question="?", age=8
    )
    warning = warning_sentence(eight, young_child=True)
    assert "reliever inhaler" in warning and "nappies" not in warning and "feeds" not in warning
    assert "fainting" in warning_sentence(eight.model_copy(update={"age": 14}), young_child=False)


def test_vaccination_is_not_said_to_argue_against_whooping_cough_in_a_teenager_or_adult() -> None:
    cough = condition("whooping_cough")
    assert "fully vaccinated child" not in cough.against_for(14)
    assert "fades" in cough.against_for(23)
    assert "mother had the whooping cough vaccine" in cough.against_for(0)


def test_a_babys_pneumonia_is_described_with_a_babys_signs() -> None:
    pneumonia = condition("pneumonia")
    assert "phlegm" not in pneumonia.supports_for(0) and "grunting" in pneumonia.supports_for(0)
    assert "mass" not in pneumonia.against_for(0)


# --- what the report said ---


def test_a_reported_52_mm_lesion_is_a_mass_not_a_small_nodule() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="lung nodule found by accident on CT",
        reason_for_second_opinion="",
        main_question="Is it OK to wait a year?",
        prior_imaging=(
            "CT chest in March: 'No acute rib fracture. 52 x 41 mm spiculated soft tissue mass in the left "
            "lower "
            "lobe, suspicious for primary lung malignancy.'"
        ),
    )
    said = reported_sentence(intake)
    assert "a mass" in said and "small round shadow" not in said
    fluid = intake.model_copy(
        update={"prior_imaging": "A&E chest x-ray: told 'fluid on the right side with some shadowing'."}
    )
    assert "fluid around the lung" in reported_sentence(fluid)


# --- medicines ---


def test_a_penicillin_allergy_is_said_beside_a_penicillin_named_as_the_usual_choice() -> None:
    from assistant.drafting.answers import penicillin_allergy_note

    allergic = IntakeRecord(
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion="",
        main_question="?",
        allergies=["penicillin (swelling of lips)"],
    )
    usual = ["For pneumonia treated at home, guidelines usually start with a penicillin such as amoxicillin."]
    assert "avoided for this patient" in penicillin_allergy_note(allergic, usual)
    assert penicillin_allergy_note(allergic.model_copy(update={"allergies": ["none known"]}), usual) == ""
    assert penicillin_allergy_note(allergic, ["Doxycycline is an alternative."]) == ""


# --- questions in everyday words ---


@pytest.mark.parametrize(
    ("diagnosis", "question", "age", "asked"),
    [
        (
            "fluid on the lung from her heart",
            "Could the fluid be infected or could it be cancer?",
            81,
            "empyema",
        ),
        ("COPD", "Could it be that genetic alpha thing my cousin mentioned?", 46, "alpha1_antitrypsin"),
        (
            "UTI causing confusion",
            "Is it really a water infection making her confused, or could it be her chest?",
            84,
            "pneumonia",
        ),
    ],
)
def test_an_alternative_asked_in_everyday_words_is_recognised(
    diagnosis: str, question: str, age: int, asked: str
) -> None:
    assert ("could_it_be", asked, "") in _asked(diagnosis, question, age)


@pytest.mark.parametrize(
    ("diagnosis", "question", "age", "kind", "topic"),
    [
        ("enlarged tonsils", "Would taking her tonsils out fix it?", 4, "treatment", ""),
        ("bronchiolitis", "Can I wait till the GP tomorrow?", 0, "next_steps", "urgent"),
        ("walking pneumonia", "How long till the cough goes?", 23, "next_steps", "recovery"),
        ("whooping cough", "How long does she stay off school?", 14, "next_steps", "activity"),
        ("pleural plaques", "What happens at the MDT?", 76, "next_steps", ""),
    ],
)
def test_a_next_step_or_treatment_asked_in_everyday_words_is_recognised(
    diagnosis: str, question: str, age: int, kind: str, topic: str
) -> None:
    assert any(k == kind and t == topic for k, _, t in _asked(diagnosis, question, age))


def test_staying_off_school_is_not_read_as_how_long_the_illness_lasts() -> None:
    asked = _asked("whooping cough", "How long does she stay off school?", 14)
    assert not any(t == "recovery" for _, _, t in asked)


def test_a_draft_without_images_cites_no_study_of_imaging_models_under_agreement() -> None:
    """A read draft for a boy with years of wet cough, no images uploaded, cited a study of a pneumonia
    model's performance at other hospitals under "Agreement or disagreement"."""
    from tests.assistant.drafting.pack_notes import pack_note

    intake = IntakeRecord(
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion="He keeps getting chest infections.",
        main_question="Is it really just chest infections? What tests should he have?",
        age=8,
    )
    draft = compose_draft(
        intake, ImagingFindings(), [pack_note(1, "ai-chest-xray-models")], MockLLM(responses=[""])
    )
    agreement = draft.section(SectionKey.AGREEMENT).sentences
    assert not any(s.citations for s in agreement), [s.text for s in agreement]


def _effusion(age: int, fever: bool = True) -> IntakeRecord:
    symptoms = [Symptom(description="sharp pain right side when breathing in", duration="5 days")]
    if fever:
        symptoms.append(
            Symptom(description="evening temperatures and sweats", duration="3 weeks, still going")
        )
    return IntakeRecord(
        diagnosis_in_question="fluid on the lung (pleural effusion) - they said from her heart",
        reason_for_second_opinion=(
            "She got a chest infection, the GP gave amoxicillin and then clarithromycin when it didnt shift."
        ),
        main_question="Is this really from her heart?",
        symptoms=symptoms,
        age=age,
        sex="female",
    )


def test_fluid_with_a_fever_after_antibiotics_raises_an_infected_effusion_and_is_urgent() -> None:
    """A read draft for an 81-year-old, feverish after two antibiotics, with fluid on her lung put down to
    her heart, named no infected fluid and sat in the routine queue."""
    draft = _draft(_effusion(81))
    assert "empyema" in draft.alternatives
    assert draft.priority == "urgent"
    assert "pleural tap" in _text(draft, SectionKey.ALTERNATIVES)
    calm = _draft(_effusion(81, fever=False))
    assert "empyema" not in calm.alternatives and calm.priority == "routine"


@pytest.mark.parametrize(
    ("diagnosis", "question", "age", "summary"),
    [
        (
            "whooping cough",
            "Is there any point to the antibiotic now? Does my baby need anything?",
            14,
            "whether the patient's baby brother or sister is at risk and needs a test",
        ),
        (
            "TB",
            "My wife and 2 kids need test?",
            34,
            "whether the patient's wife and kids are at risk and need a test",
        ),
    ],
)
def test_every_contact_asked_about_is_named(diagnosis: str, question: str, age: int, summary: str) -> None:
    intake = IntakeRecord(
        diagnosis_in_question=diagnosis, reason_for_second_opinion="", main_question=question, age=age
    )
    assert summary in [q.summary for q in parse_sub_questions(intake, has_images=False)]
    # a baby asked about as the patient is no contact
    baby = intake.model_copy(update={"main_question": "Does my baby need antibiotics?", "age": 0})
    assert not any(q.topic == "contacts" for q in parse_sub_questions(baby, has_images=False))


def test_an_antibiotic_working_is_no_question_about_work() -> None:
    asked = _asked(
        "pneumonia", "Should we keep waiting for the antibiotics to work or take him back in today?", 78
    )
    assert not any(t == "activity" for _, _, t in asked)
    assert ("next_steps", "", "urgent") in asked
    assert ("next_steps", "", "activity") in _asked("pneumonia", "When can I go back to work?", 40)


def test_the_answer_on_going_to_hospital_repeats_the_emergency_not_a_review_today() -> None:
    """Under an opening that said to call emergency services, "should she be going into hospital?" was
    answered "the signs ... need a doctor's review today"."""
    intake = _sepsis_story().model_copy(update={"main_question": "Should he be going into hospital?"})
    answers = _text(_draft(intake), SectionKey.ANSWERS)
    assert "Yes, now: the signs described at the start of these answers need emergency care" in answers
    assert "need a doctor's review today" not in answers


def test_the_family_as_a_source_and_grunting_now_better_are_read_as_such() -> None:
    own, family = _history("Hypertension, chronic kidney disease (mild-moderate, per family). Ex-smoker.")
    assert own == ["kidney disease"] and not family
    better = IntakeRecord(
        diagnosis_in_question="round pneumonia",
        reason_for_second_opinion="",
        main_question="Could it be a tumour?",
        symptoms=[Symptom(description="fast grunty breathing, now a bit better", duration="4 days")],
        age=5,
    )
    assert same_day_signs(better) == []


def test_a_condition_that_can_affect_swallowing_is_named_and_a_stroke_scare_is_not_one() -> None:
    """Readers took "a swallowing difficulty or a condition that affects swallowing" for an invented
    swallowing problem; for one 84-year-old its only source was "a stroke scare 5 years ago, no lasting
    problems"."""
    from assistant.drafting.risk_factors import found_factors

    def names(history: str) -> list[str]:
        intake = IntakeRecord(
            diagnosis_in_question="pneumonia",
            reason_for_second_opinion="",
            main_question="?",
            history=history,
        )
        return [f.name for f in found_factors(intake) if "swallow" in f.name]

    assert names("Had a stroke scare 5 years ago, no lasting problems.") == []
    assert names("Parkinsons for 10 years.") == ["Parkinson's disease, which can affect swallowing"]
    assert sorted(names("On thickened fluids since her stroke.")) == [
        "a stroke, which can affect swallowing",
        "a swallowing difficulty",
    ]
    assert names("Drinks alcohol socially.") == []


def test_a_friends_son_told_of_in_passing_is_no_family_history() -> None:
    from assistant.drafting.risk_factors import found_factors

    intake = IntakeRecord(
        diagnosis_in_question="whooping cough",
        reason_for_second_opinion=(
            "A friend said it might be asthma because her son had a 'cough variant asthma'. I also have a 5 "
            "week old baby at home."
        ),
        main_question="Could it be asthma instead?",
        age=14,
        sex="female",
    )
    assert "family_asthma" not in {f.factor.key for f in found_factors(intake)}
    own = intake.model_copy(update={"reason_for_second_opinion": "Her brother has asthma."})
    assert "family_asthma" in {f.factor.key for f in found_factors(own)}


def test_my_pill_after_a_clot_and_smoking_weed_after_a_collapsed_lung_are_answered() -> None:
    """ "Can I keep taking my pill?" after a clot was never recognised; "do I need to stop smoking weed?"
    after a collapsed lung was answered about tobacco alone."""
    assert any(
        k == "treatment" for k, _, _ in _asked("blood clot in the lung", "Can I keep taking my pill?", 33)
    )
    weed = IntakeRecord(
        diagnosis_in_question="collapsed lung (pneumothorax)",
        reason_for_second_opinion="",
        main_question="Will it happen again? Do I need to stop smoking weed?",
        age=24,
        sex="male",
    )
    answers = _text(_draft(weed), SectionKey.ANSWERS)
    assert "Smoking cannabis" in answers and "lowers the chance of another collapse" in answers
    aches = weed.model_copy(update={"main_question": "Should I stop smoking? My joints ache."})
    assert "Smoking cannabis" not in _text(_draft(aches), SectionKey.ANSWERS)
