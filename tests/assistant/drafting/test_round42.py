"""What the new cases v1283-v1318 and the reading of v1247-v1282 showed: questions that doubt the diagnosis
without naming another ("is it only pneumonia?", "is this actually just anxiety?") left what the story points
to unasked, and 95 of 1,282 drafts said nothing of what happens next; same-day signs missed (a fever with
sickle cell disease or during chemotherapy, a breathing rate counted, a knock to the head on a blood thinner,
myasthenia or a spreading weakness reaching the swallowing, a grey colour, breathless just talking), new signs
after a visit read as the ones the visit weighed, a question about recovery read as a recovery, facts that
all but name an alternative (sickle cell disease, injecting drugs, immunotherapy), a swollen calf's clot and a
spreading weakness left out of the differential, medicines the drafts said they "do not cover", and a cancer
asked about as spread read as a lung cancer. Real tables; only the language model is the mock."""

from __future__ import annotations

import pytest

from assistant.drafting.conditions import conditions_in
from assistant.drafting.guardrails import recovered_now
from assistant.drafting.medicines import listed_medicine
from assistant.drafting.questions import UNASKED_NEXT, parse_sub_questions
from assistant.drafting.same_day import (
    CHEMO_FEVER_SIGN,
    GREY_SIGN,
    HEAD_INJURY_SIGN,
    SICKLE_FEVER_SIGN,
    TALKING_SIGN,
    WEAKNESS_SIGN,
    assessed_and_sent_home,
    same_day_signs,
)
from assistant.drafting.schemas import SectionKey
from assistant.intake import Symptom
from tests.assistant.drafting.mock_drafts import adult_pneumonia as _intake
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import factor_keys as _factors
from tests.assistant.drafting.mock_drafts import section_text as _section_text


def _symptoms(*items: tuple[str, str]) -> list[Symptom]:
    return [Symptom(description=d, duration=t, onset="") for d, t in items]


def _asked_in_draft(**fields: object) -> list[str]:
    """The alternatives the draft's answers take up, by their heads."""
    answers = _draft(_intake(**fields)).section(SectionKey.ANSWERS).sentences
    return [s.text for s in answers if s.text.startswith("On whether it could be")]


# --- what happens next, and a doubt answered with what the story points to ----------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Is it only pneumonia like the doctor say? The amoxicillin is enough?",
        "is this actually just anxiety?",
    ],
)
def test_every_draft_says_what_happens_next(question: str) -> None:
    intake = _intake(main_question=question)
    subs = parse_sub_questions(intake, has_images=False)
    assert [q.summary for q in subs if q.kind == "next_steps"] == [UNASKED_NEXT]
    answers = _section_text(_draft(intake), SectionKey.ANSWERS)
    assert f"On {UNASKED_NEXT}:" in answers


SICKLE_CHILD = {
    "diagnosis_in_question": "pneumonia, chest infection",
    "reason_for_second_opinion": (
        "She have sickle cell, the SS type. Yesterday fever 39.2 and cough and her chest hurt. Walk in "
        "centre did xray, say pneumonia, give amoxicillin and we go home. Today she breathe very fast, I "
        "count 50 in one minute."
    ),
    "main_question": "Is it only pneumonia like the doctor say? The amoxicillin is enough?",
    "symptoms": _symptoms(
        ("fever 39.2, still 38.8 with paracetamol", "2 days"),
        ("cough", "2 days"),
        ("pain in chest", "2 days"),
    ),
    "age": 3,
}


def test_a_doubt_is_answered_with_what_the_story_points_to() -> None:
    asked = _asked_in_draft(**SICKLE_CHILD)
    assert any("acute chest syndrome" in t for t in asked)


def test_a_doubt_that_names_another_condition_asks_nothing_more() -> None:
    asked = _asked_in_draft(
        **{**SICKLE_CHILD, "main_question": "Is it really pneumonia or could it be asthma?", "age": 9}
    )
    # the doubt adds nothing the story raises; only the urgent alternative that the same-day signs (a fever
    # with sickle cell disease, breathing at 50) bring is answered as well (round 43)
    assert "asthma" in asked[0]
    assert [t for t in asked[1:] if "acute chest syndrome" not in t] == []


# --- same-day signs -----------------------------------------------------------------------------------------


def test_a_fever_with_sickle_cell_disease_and_a_fast_breathing_rate_are_same_day_signs() -> None:
    intake = _intake(**SICKLE_CHILD)
    signs = same_day_signs(intake)
    assert SICKLE_FEVER_SIGN in signs
    assert "a breathing rate of about 50 a minute, fast for the age" in signs
    # breathing 50 a minute today, the day after the visit: new since it, not what it weighed
    assert not assessed_and_sent_home(intake, signs)


@pytest.mark.parametrize(
    ("rate", "age", "fast"), [(36, 3, False), (50, 3, True), (28, 40, True), (22, 40, False)]
)
def test_a_breathing_rate_is_judged_for_the_age(rate: int, age: int, fast: bool) -> None:
    intake = _intake(
        reason_for_second_opinion=f"He is breathing {rate} times a minute sitting still.", age=age
    )
    assert any(s.startswith("a breathing rate of") for s in same_day_signs(intake)) is fast


def test_a_fever_during_chemotherapy_is_a_same_day_sign_at_38() -> None:
    story = "She has leukaemia and is in the maintenance bit now, her next chemo is wednesday."
    meds = ["mercaptopurine tablets every night", "methotrexate weekly"]
    hot = _intake(
        reason_for_second_opinion=story,
        medications=meds,
        symptoms=_symptoms(("temperature 38.5, came down with Calpol", "1 day")),
        age=4,
    )
    assert CHEMO_FEVER_SIGN in same_day_signs(hot)
    warm = hot.model_copy(update={"symptoms": _symptoms(("temperature 37.8 one night", "1 day"))})
    assert CHEMO_FEVER_SIGN not in same_day_signs(warm)
    # immunotherapy alone is for the cancer team's own advice, not the low-white-cell sign
    immuno = _intake(
        reason_for_second_opinion="He has had 2 of his durvalumab drips.",
        symptoms=_symptoms(("fever 38.4", "2 days")),
        age=70,
    )
    assert CHEMO_FEVER_SIGN not in same_day_signs(immuno)


def test_a_knock_to_the_head_on_a_blood_thinner_then_vomiting_is_a_same_day_sign() -> None:
    story = (
        "He fell in the garden and bumped the back of his head. Since yesterday he's not himself, very "
        "sleepy, and he was sick this morning."
    )
    fell = _intake(reason_for_second_opinion=story, medications=["apixaban 5mg twice a day"], age=71)
    assert HEAD_INJURY_SIGN in same_day_signs(fell)
    denied = fell.model_copy(
        update={"reason_for_second_opinion": "Tripped on a rug. No head injury, no LOC. She was sick once."}
    )
    assert HEAD_INJURY_SIGN not in same_day_signs(denied)
    no_thinner = fell.model_copy(update={"medications": ["ramipril 10mg"]})
    assert HEAD_INJURY_SIGN not in same_day_signs(no_thinner)


def test_weakness_reaching_the_swallowing_is_a_same_day_sign() -> None:
    myasthenia = _intake(
        diagnosis_in_question="chest infection and maybe COPD",
        reason_for_second_opinion=(
            "I have myasthenia gravis 2 years. My voice is like in the nose and when I drink water it come "
            "out my nose."
        ),
        medications=["Mestinon (pyridostigmine) 60mg"],
        age=67,
    )
    assert WEAKNESS_SIGN in same_day_signs(myasthenia)
    spreading = _intake(
        diagnosis_in_question="anxiety",
        reason_for_second_opinion=(
            "After food poisoning my toes and fingers went pins and needles and then my legs got weak like "
            "jelly. Today water keeps going down the wrong way."
        ),
        age=15,
    )
    assert WEAKNESS_SIGN in same_day_signs(spreading)
    # the same weakness without the swallowing or breathing affected is no same-day sign by this rule
    legs_only = spreading.model_copy(
        update={"reason_for_second_opinion": "My toes went pins and needles and then my legs got weak."}
    )
    assert WEAKNESS_SIGN not in same_day_signs(legs_only)


def test_a_grey_colour_and_breathless_talking_are_same_day_signs() -> None:
    grey = _intake(symptoms=_symptoms(("grey colour (wife)", "since yesterday")), age=72)
    assert GREY_SIGN in same_day_signs(grey)
    patch = _intake(reason_for_second_opinion="The xray showed a grey patch at the bottom.", age=72)
    assert GREY_SIGN not in same_day_signs(patch)
    # the sight greying in a near faint, and a colour that came and went, are not a grey colour now
    vision = _intake(symptoms=_symptoms(("chest tight while sprinting, vision went grey", "1 day")), age=14)
    assert GREY_SIGN not in same_day_signs(vision)
    settled = _intake(
        symptoms=_symptoms(("had to stop mid-race, looked grey, settled after rest", "1 month")), age=9
    )
    assert GREY_SIGN not in same_day_signs(settled)
    talking = _intake(
        symptoms=_symptoms(
            ("out of breath on stairs, tonight breathless just talking on the phone", "2 weeks")
        ),
        main_question="Will my lungs go back to normal? Do I need to go back?",
        age=17,
    )
    assert not recovered_now(talking)
    assert TALKING_SIGN in same_day_signs(talking)


# --- alternatives a fact all but names ----------------------------------------------------------------------


def test_sickle_cell_disease_injecting_and_immunotherapy_are_read_as_facts() -> None:
    assert "sickle_cell" in _factors(
        reason_for_second_opinion="My son has sickle cell disease (HbSS).", age=4
    )
    assert "sickle_cell" not in _factors(reason_for_second_opinion="I have sickle cell trait, a carrier.")
    assert "injecting_drugs" in _factors(reason_for_second_opinion="He injects heroin and crack.")
    assert "injecting_drugs" not in _factors(reason_for_second_opinion="He has never injected anything.")
    assert "lung_toxic_drug" in _factors(medications=["ipilimumab + nivolumab every 3 weeks"])


def _raised(**fields: object) -> str:
    """The alternatives section's lead sentences: what is discussed, and why."""
    sentences = _draft(_intake(**fields)).section(SectionKey.ALTERNATIVES).sentences
    return " ".join(s.text for s in sentences if " is discussed because " in s.text)


def test_a_swollen_calf_with_breathlessness_raises_a_clot() -> None:
    raised = _raised(
        diagnosis_in_question="anaemia and anxiety",
        symptoms=_symptoms(("breathless and tight chest", "3 days"), ("swollen painful left calf", "4 days")),
        age=37,
    )
    assert (
        "A blood clot in the lung (pulmonary embolism) is discussed because a painful or swollen calf"
        in raised
    )


def test_a_spreading_weakness_raises_a_nerve_cause_but_group_b_strep_does_not() -> None:
    raised = _raised(
        diagnosis_in_question="anxiety",
        reason_for_second_opinion="My toes went pins and needles and then my legs got weak like jelly.",
        age=15,
    )
    assert "Guillain-Barre syndrome" in raised
    strep = _raised(
        diagnosis_in_question="transient tachypnoea of the newborn",
        reason_for_second_opinion="My swab showed GBS at 35 weeks. Her legs seem weak to me.",
        age=0,
    )
    assert "Guillain-Barre" not in strep


# --- medicines and a cancer asked about as spread -----------------------------------------------------------


@pytest.mark.parametrize(
    ("listed", "group"),
    [
        ("methadone 60ml daily (supervised)", "opioid_substitute"),
        ("GTN spray", "nitrate"),
        ("hydroxyurea (hydroxycarbamide) liquid every day", "sickle_cell_medicine"),
        ("Mestinon (pyridostigmine) 60mg", "myasthenia_medicine"),
        ("sevelamer with meals", "kidney_care"),
        ("EPO injection at dialysis", "kidney_care"),
        ("alendronic acid weekly", "bone_medicine"),
        ("riluzole 50mg", "mnd_medicine"),
        ("baclofen 10mg", "muscle_relaxant"),
        ("hydroxychloroquine 200mg", "hydroxychloroquine"),
        ("vaginal oestrogen cream", "hormone_replacement"),
        ("labetalol 200mg", "beta_blocker"),
        ("nasal steroid spray", "nasal_steroid"),
    ],
)
def test_medicines_the_drafts_did_not_cover(listed: str, group: str) -> None:
    found = listed_medicine(listed).group
    assert found is not None and found.key == group


def test_a_depot_injection_is_not_a_kidney_medicine() -> None:
    found = listed_medicine("depo injection").group
    assert found is None or found.key != "kidney_care"


@pytest.mark.parametrize(
    "question",
    [
        "Has the cancer spread to his lungs?",
        "is the cancer in his lungs now?",
        # after a breast cancer, a cancer in the lung now is its spread (read as a lung cancer until now)
        "My breast cancer was treated. Could the cancer be in my lung now?",
    ],
)
def test_a_cancer_asked_about_as_spread_is_a_spread(question: str) -> None:
    assert [c.key for c in conditions_in(question)] == ["metastasis"]


def test_the_medicines_answer_names_methadone_and_clarithromycin() -> None:
    intake = _intake(
        medications=["methadone 80ml daily", "clarithromycin 500mg"],
        main_question="Are these the right antibiotics?",
        age=32,
    )
    text = _section_text(_draft(intake), SectionKey.ANSWERS)
    assert "methadone 80ml is an opioid substitute" in text and "such as clarithromycin" in text


def test_a_month_long_wet_cough_in_a_child_raises_a_lingering_bacterial_bronchitis() -> None:
    wet = _raised(
        diagnosis_in_question="asthma",
        symptoms=_symptoms(("wet rattly cough every day, worse in the morning", "5 months")),
        age=4,
    )
    assert "Protracted bacterial bronchitis" in wet
    episodes = _raised(
        diagnosis_in_question="asthma",
        symptoms=_symptoms(("repeated chest infections with fever and wet cough", "12 months")),
        age=4,
    )
    assert "Protracted bacterial bronchitis" not in episodes
    known = _raised(
        diagnosis_in_question="bronchiectasis",
        symptoms=_symptoms(("wet rattly cough every day", "5 months")),
        age=4,
    )
    assert "Protracted bacterial bronchitis" not in known


def test_could_it_be_my_heart_after_a_caesarean_is_the_heart_muscle() -> None:
    intake = _intake(
        diagnosis_in_question="chest infection and postnatal anxiety",
        reason_for_second_opinion=(
            "6 weeks after a caesarean for pre-eclampsia I can't lie flat, my ankles are swollen and I'm "
            "breathless."
        ),
        main_question="Could it be my heart?",
        age=33,
        sex="female",
    )
    asked = [q.condition for q in parse_sub_questions(intake, has_images=False) if q.kind == "could_it_be"]
    assert asked == ["cardiomyopathy"]


def test_recession_told_after_the_visit_is_new_and_asleep_is_no_snore() -> None:
    """A 2-year-old seen in A&E on Saturday, with the skin sucking in under her ribs "last night" as she
    slept and few wet nappies: signs since that visit, not ones it weighed; no snoring was told."""
    intake = _intake(
        diagnosis_in_question="pneumonia or a viral chest infection",
        reason_for_second_opinion=(
            "I took her to A&E on Saturday night and they sent us home with amoxicillin. She is still "
            "coughing and not really eating. Last night I noticed the skin sucking in under her ribs when "
            "she was asleep."
        ),
        symptoms=_symptoms(("breathing fast, skin sucking in under the ribs when asleep", "2-3 days")),
        age=2,
    )
    signs = same_day_signs(intake)
    assert "the chest or tummy drawing in with each breath" in signs
    assert not assessed_and_sent_home(intake, signs)
    snoring = intake.model_copy(
        update={
            "symptoms": _symptoms(("loud snoring, tummy sucking in when asleep", "6 months")),
            "reason_for_second_opinion": "He snores every night.",
        }
    )
    assert "the chest or tummy drawing in with each breath" not in same_day_signs(snoring)


def test_what_the_story_raises_is_looked_up_too() -> None:
    """A read opinion weighed acute chest syndrome without its own note among the sources: retrieval asked
    only about the alternatives the patient named."""
    from assistant.drafting.schemas import ImagingFindings
    from assistant.jobs.draft_job import build_queries

    queries = build_queries(_intake(**SICKLE_CHILD), ImagingFindings())
    assert any(q.startswith("acute chest syndrome") for q in queries)
    assert queries[-1] == "limitations of AI models for chest imaging"
