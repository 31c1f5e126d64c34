"""What the story raises without being asked, what a child's age rules out, and what small nodules,
Legionella and places abroad change in the answers (each found by reading drafts of the tuning
vignettes). Real tables and notes; only the language model is the mock."""

from __future__ import annotations

import pytest

from assistant.drafting.composer import compose_draft
from assistant.drafting.conditions import condition, correct_spelling
from assistant.drafting.llm import MockLLM
from assistant.drafting.medicines import listed_medicine, medicine_sentences
from assistant.drafting.schemas import DraftContent, ImagingFindings, SectionKey
from assistant.drafting.setting import outside_uk
from assistant.intake import IntakeRecord, Symptom


def _draft(intake: IntakeRecord) -> DraftContent:
    return compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))


def _text(draft: DraftContent, key: SectionKey | None = None) -> str:
    return " ".join(s.text for sec in draft.sections if key is None or sec.key is key for s in sec.sentences)


HOT_TUB = IntakeRecord(
    diagnosis_in_question="chest infection / pneumonia on the right side",
    reason_for_second_opinion=(
        "Dad is 80 and got back 10 days ago from a hotel in Spain; he was in the hot tub most evenings. "
        "Five days ago he got a temperature, a dry cough and the runs, and since last night he is confused."
    ),
    main_question="Is amoxicillin the right antibiotic? Could it be COVID even though the test was negative?",
    symptoms=[
        Symptom(description="fever", duration="5 days", onset="sudden"),
        Symptom(description="dry cough", duration="5 days"),
        Symptom(description="new confusion", duration="since last night", onset="sudden"),
    ],
    medications=["Amoxicillin 500 mg three times daily", "Apixaban 5 mg twice daily"],
    history="Atrial fibrillation. Lives in Dublin, Ireland.",
    age=80,
    sex="male",
)


def test_a_hot_tub_stay_raises_legionnaires_disease_and_says_amoxicillin_does_not_treat_it() -> None:
    # Legionnaires' disease is its own entry since the thirty-sixth round (it had been weighed only as an
    # atypical pneumonia)
    draft = _draft(HOT_TUB)
    assert "legionnaires" in draft.alternatives
    alternatives = _text(draft, SectionKey.ALTERNATIVES)
    assert "because the story includes a stay with a hot tub" in alternatives
    assert "urine test for Legionella" in alternatives
    # a kind of pneumonia: which germ to test for, not "the diagnosis worth looking at again"
    assert "points to Legionnaires' disease (a pneumonia caught from water systems or compost" in alternatives
    assert "than to pneumonia" not in alternatives
    answers = _text(draft, SectionKey.ANSWERS)
    assert "Amoxicillin 500 mg does not act on the germs of atypical pneumonia" in answers


def test_a_stay_without_a_hot_tub_or_spa_raises_nothing() -> None:
    plain = HOT_TUB.model_copy(
        update={"reason_for_second_opinion": "Dad is 80; five days ago he got a temperature and a dry cough."}
    )
    assert not {"atypical_pneumonia", "legionnaires"} & set(_draft(plain).alternatives)


def test_the_atypical_caution_needs_a_penicillin_alone() -> None:
    amoxicillin = [listed_medicine("amoxicillin 500 mg")]
    both = [listed_medicine("amoxicillin 500 mg"), listed_medicine("clarithromycin 500 mg")]
    said = " ".join(medicine_sentences(["amoxicillin 500 mg"], ["pneumonia"], "pneumonia")).lower()
    assert "atypical" not in said  # nobody raised it
    from assistant.drafting.medicines import atypical_caution

    assert atypical_caution(amoxicillin, ["pneumonia"], ["atypical_pneumonia"])
    assert not atypical_caution(both, ["pneumonia"], ["atypical_pneumonia"])


TODDLER = IntakeRecord(
    diagnosis_in_question="Pneumonia (right side), not improving",
    reason_for_second_opinion=(
        "He had a choking and coughing fit while eating peanuts 3 weeks ago, then the cough and wheeze "
        "started. Two antibiotics have not helped."
    ),
    main_question="Is it correct that it is pneumonia? Can it be asthma as the doctor is saying now?",
    symptoms=[Symptom(description="cough and wheeze", duration="3 weeks")],
    age=3,
    sex="male",
)


def test_a_toddlers_choke_raises_an_inhaled_object_not_aspiration() -> None:
    """Read drafts never named an inhaled nut for three toddlers, and sent one to a swallowing test."""
    draft = _draft(TODDLER)
    assert "foreign_body" in draft.alternatives
    assert "aspiration" not in draft.alternatives
    assert draft.priority == "urgent"
    assert "swallowing assessment" not in _text(draft)


def test_the_points_more_sentence_does_not_list_the_history_line_again() -> None:
    alternatives = [
        s.text for s in _draft(TODDLER).section(SectionKey.ALTERNATIVES).sentences if s.condition_ref
    ]
    history = next(t for t in alternatives if t.startswith("From the history, what makes an inhaled object"))
    lean = next(
        t for t in alternatives if t.startswith("Taken together, the story points more to an inhaled")
    )
    assert "a choking episode" in history
    assert "a choking episode" not in lean and "with the history above" in lean


BABY = IntakeRecord(
    diagnosis_in_question="Bronchiolitis",
    reason_for_second_opinion="Her dad and grandad have asthma. Grandad smokes in the garden.",
    main_question="Could it be asthma like her dad? Does she need an inhaler?",
    symptoms=[Symptom(description="runny nose, cough and wheeze", duration="5 days")],
    age=0,
    sex="female",
)


def test_asthma_asked_about_for_a_baby_is_said_not_to_be_diagnosed_at_that_age() -> None:
    draft = _draft(BABY)
    answers = _text(draft, SectionKey.ANSWERS)
    assert "Asthma is not diagnosed in a baby under a year old" in answers
    assert "real weight" not in _text(draft)
    assert "trial of a preventer inhaler" not in answers
    assert "what makes asthma more likely" not in _text(draft, SectionKey.ALTERNATIVES)
    # the inhaler note names no adult illness for a child
    assert "COPD" not in answers and "heart failure or blood clots" not in answers


def test_asthma_not_asked_about_for_a_baby_is_no_alternative() -> None:
    quiet = BABY.model_copy(update={"main_question": "Does she need an inhaler?"})
    assert "asthma" not in _draft(quiet).alternatives


def test_work_related_asthma_is_no_alternative_for_a_toddler() -> None:
    dusty = TODDLER.model_copy(
        update={
            "diagnosis_in_question": "asthma",
            "main_question": "Could the construction dust near our flat be causing it?",
            "reason_for_second_opinion": "The doctor said asthma. There is building work next door.",
        }
    )
    assert "occupational_asthma" not in _draft(dusty).alternatives
    assert condition("occupational_asthma").too_young(3) and not condition("occupational_asthma").too_young(
        30
    )


@pytest.mark.parametrize(
    ("nodule", "pet_used"),
    [("Incidental 6 mm lung nodule", False), ("lung nodule of 7mm", False), ("lung nodule, 14 mm", True)],
)
def test_pet_and_biopsy_are_not_the_next_tests_for_a_nodule_under_8_mm(nodule: str, pet_used: bool) -> None:
    intake = IntakeRecord(
        diagnosis_in_question=nodule,
        reason_for_second_opinion="Found on a CT for a kidney stone. I have never smoked.",
        main_question="Should I insist on a PET scan or a biopsy? Could it be cancer when I never smoked?",
        age=68,
        sex="female",
    )
    answers = _text(_draft(intake), SectionKey.ANSWERS)
    assert ("a PET-CT scan and a biopsy are not usually used" in answers) is not pet_used
    assert ("when a scan shows a mass" in answers) is pet_used


@pytest.mark.parametrize(
    ("history", "abroad"),
    [
        ("Long-haul flight London-Dubai-Perth 10 days ago. Lives in Perth, Western Australia.", True),
        ("Moved from Lagos ten years ago. Lives in London.", False),
        ("Holiday in Florida last month. Lives in Leeds, England.", False),
        ("Works in an office in Toronto.", True),
    ],
)
def test_where_the_patient_lives_decides_the_words_for_emergency_care(history: str, abroad: bool) -> None:
    intake = IntakeRecord(diagnosis_in_question="pulmonary embolism", history=history, age=29, sex="female")
    assert outside_uk(intake) is abroad


@pytest.mark.parametrize(
    "text",
    ["Cooking with gas", "Lives in Stoke-on-Trent", "new confusion", "had a flu injection", "had malaria"],
)
def test_everyday_words_are_not_corrected_into_conditions(text: str) -> None:
    assert correct_spelling(text) == text


def test_saline_nose_drops_are_covered_not_left_out() -> None:
    said = " ".join(medicine_sentences(["Saline nose drops"], ["bronchiolitis"], "bronchiolitis"))
    assert "does not cover" not in said
    assert "salt-water (saline) nose drops" in said


@pytest.mark.parametrize(
    ("story", "sign"),
    [
        ("She sleeps in her chair now, her ankles are swollen up to the knees.", True),
        ("He wakes up gasping at night and has put on 4 kg in two weeks.", True),
        ("Her ankles are a bit swollen in the evenings.", False),
    ],
)
def test_breathless_lying_flat_with_swollen_legs_is_seen_the_same_day(story: str, sign: bool) -> None:
    """Read drafts filed older people who slept in a chair with swollen legs as routine."""
    from assistant.drafting.same_day import same_day_signs

    intake = IntakeRecord(
        diagnosis_in_question="COPD flare-up",
        reason_for_second_opinion=story,
        main_question="Is it really COPD?",
        symptoms=[Symptom(description="breathlessness", duration="2 weeks")],
        age=78,
        sex="female",
    )
    assert any("fluid building up" in s for s in same_day_signs(intake)) is sign
    assert (_draft(intake).priority == "urgent") is sign


def test_fluid_already_treated_and_improving_is_left_to_the_team_treating_it() -> None:
    from assistant.drafting.same_day import same_day_signs

    intake = IntakeRecord(
        diagnosis_in_question="heart failure with water on the lungs",
        reason_for_second_opinion="He came home on furosemide. He is better, his legs are going down.",
        main_question="Could it be cancer?",
        symptoms=[
            Symptom(description="needs 3 pillows to sleep, swollen legs going down", duration="2 weeks")
        ],
        age=77,
        sex="male",
    )
    assert not any("fluid building up" in s for s in same_day_signs(intake))


def test_vitamin_d_with_sarcoidosis_is_cautioned() -> None:
    said = " ".join(medicine_sentences(["Vitamin D3 3000 IU", "naproxen"], ["sarcoidosis"], "sarcoidosis"))
    assert "can push the blood calcium too high" in said
    assert "calcium too high" not in " ".join(
        medicine_sentences(["Vitamin D3 3000 IU"], ["asthma"], "asthma")
    )


def test_lofgren_syndrome_is_said_to_need_no_biopsy() -> None:
    assert (
        "Löfgren syndrome" in condition("sarcoidosis").test
        and "without a biopsy" in condition("sarcoidosis").test
    )


@pytest.mark.parametrize(
    ("symptom", "sign"),
    [
        ("vomiting after taking TB pills, sore right side of stomach", True),
        ("eyes a little bit yellow since yesterday", True),
        ("cough with yellow phlegm", False),
        ("constant dull ache in the right side of the chest", False),
    ],
)
def test_a_liver_reaction_on_tb_medicines_is_seen_the_same_day(symptom: str, sign: bool) -> None:
    from assistant.drafting.same_day import LIVER_SIGN, same_day_signs

    intake = IntakeRecord(
        diagnosis_in_question="TB of the lungs",
        main_question="Should he stop the TB tablets?",
        medications=["Rifafour (TB tablets), 2 weeks"],
        symptoms=[Symptom(description=symptom, duration="3 days")],
        age=48,
        sex="male",
    )
    assert (LIVER_SIGN in same_day_signs(intake)) is sign


def test_a_uk_only_passage_is_not_quoted_to_a_patient_abroad() -> None:
    from assistant.drafting.composer import _UK_ONLY

    assert _UK_ONLY.search(
        "In the UK, asbestosis from work can bring Industrial Injuries Disablement Benefit."
    )
    assert _UK_ONLY.search("NICE suggests a 5-day course.")
    assert not _UK_ONLY.search("A nice, simple test.")


def test_a_babys_pauses_in_breathing_get_one_plain_emergency_answer() -> None:
    """Read drafts put "if they are severe, sudden or getting worse" before "call emergency services now",
    and never told a mother who asked that the pauses are not normal."""
    baby = IntakeRecord(
        diagnosis_in_question="Bronchiolitis",
        reason_for_second_opinion="Twice tonight she stopped breathing for about 10 seconds and went grey.",
        main_question="Is the stopping breathing normal or should I take her in?",
        symptoms=[
            Symptom(description="pauses in breathing during sleep with grey colour", duration="tonight"),
            Symptom(description="fast breathing", duration="2 days"),
        ],
        age=0,
        sex="female",
    )
    answers = _text(_draft(baby), SectionKey.ANSWERS)
    assert "if they are severe, sudden or getting worse" not in answers
    assert "On the signs described that need emergency care now:" in answers
    assert "are not part of the usual course of a cold or bronchiolitis" in answers


def test_a_cough_syrup_for_a_child_under_6_is_not_recommended() -> None:
    syrup = ["Cough syrup (ambroxol) from chemist"]
    assert "not recommended for children under 6" in " ".join(
        medicine_sentences(syrup, ["pneumonia"], "pneumonia", age=3)
    )
    assert "not recommended" not in " ".join(medicine_sentences(syrup, ["pneumonia"], "pneumonia", age=30))


def test_the_answer_on_the_diagnosis_names_an_urgent_alternative_the_story_raised() -> None:
    """A read draft answered "is it pneumonia?" for a toddler who had choked on peanuts without the inhaled
    object it discussed further down."""
    answers = _text(_draft(TODDLER), SectionKey.ANSWERS)
    assert (
        "an inhaled object stuck in an airway (inhaled foreign body)"
        in answers.split("On whether it could")[0]
    )


def test_the_answer_on_a_pneumonia_says_which_germ_the_story_points_to_not_a_wrong_diagnosis() -> None:
    answers = _text(_draft(HOT_TUB), SectionKey.ANSWERS)
    assert "the story points to Legionnaires' disease" in answers
    assert "points more to Legionnaires' disease" not in answers
