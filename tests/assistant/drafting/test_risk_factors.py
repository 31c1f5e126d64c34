"""Facts in the story that bear on an alternative: found clause by clause, denials and other
people's facts left out, and said in the answer and the differential.

Real tables (conditions, risk factors, pairs), the project's own knowledge-pack notes as
sources; only the language model is the mock.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.drafting.composer import compose_draft
from assistant.drafting.conditions import condition
from assistant.drafting.llm import MockLLM
from assistant.drafting.risk_factors import found_factors, history_sentence, load_factors
from assistant.drafting.schemas import DraftContent, ImagingFindings, SectionKey
from assistant.intake import IntakeRecord, Symptom


def _keys(intake: IntakeRecord) -> set[str]:
    return {f.factor.key for f in found_factors(intake)}


def _draft(intake: IntakeRecord) -> DraftContent:
    return compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))


def test_clot_risks_in_a_teenagers_story_and_what_argues_against() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="costochondritis",
        main_question="Could it be a clot in my lung because of my pill?",
        reason_for_second_opinion=(
            "Urgent care checked my oxygen and it was fine. It really hurts when I press on it."
        ),
        medications=["Dianette for my skin"],
        history="Nobody in my family has had blood clots. I don't smoke.",
        age=15,
        sex="female",
    )
    keys = _keys(intake)
    assert {"combined_pill", "normal_oxygen", "chest_wall_tender"} <= keys
    # Denied ("nobody in my family", "I don't smoke") is not found.
    assert "smoking" not in keys
    assert not any(k.startswith("family_") for k in keys)
    text = history_sentence(intake, condition("pulmonary_embolism"))
    assert text.startswith(
        "In the history given, what makes a blood clot in the lung (pulmonary embolism) more likely: "
        "an oestrogen-containing contraceptive pill;"
    )
    assert (
        "what argues against it, without excluding it: a normal oxygen level and chest wall tenderness"
        in text
    )
    assert text.count("without excluding it") == 1


def test_a_relatives_illness_is_family_history_and_their_smoking_is_smoke_at_home() -> None:
    child = IntakeRecord(
        diagnosis_in_question="viral induced wheeze",
        reason_for_second_opinion=(
            "My daughter has eczema. Her dad smokes outside. My brother had asthma as a child and my "
            "father died of a heart attack at 50."
        ),
        age=4,
        sex="female",
    )
    keys = _keys(child)
    # "My daughter" is the patient: her eczema is hers.
    assert {"atopy", "smoke_at_home", "family_asthma", "family_heart_attack"} <= keys
    assert "smoking" not in keys
    said = history_sentence(child, condition("asthma"))
    assert "atopy (eczema, hay fever or other allergy)" in said and "a family history of asthma" in said
    assert "a smoker in the household" in said


@pytest.mark.parametrize(
    "story",
    [
        "I volunteered in a refugee camp last year and the organisers told us a few people there had TB.",
        "Someone at work has TB and we were all sent letters.",
        "Two pupils in my class had tuberculosis last spring.",
    ],
)
def test_other_peoples_tb_is_a_contact_not_the_patients_own_past_tb(story: str) -> None:
    keys = _keys(IntakeRecord(diagnosis_in_question="sarcoidosis", reason_for_second_opinion=story, age=29))
    assert "tb_contact" in keys
    assert "previous_tb" not in keys


def test_a_carer_writing_for_a_parent_gives_the_parents_facts() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="aspiration pneumonia",
        reason_for_second_opinion=(
            "My mother (86, vascular dementia) is on thickened drinks. "
            "My husband thinks she just caught a bug."
        ),
        age=86,
        sex="female",
    )
    assert "swallowing" in _keys(intake)
    assert "a swallowing difficulty" in history_sentence(intake, condition("aspiration"))


def test_absences_and_normal_results_are_their_own_facts() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="pleural effusion",
        reason_for_second_opinion=(
            "I did not have a fever. The letter says cytology negative for malignant cells."
        ),
        history="My husband worked 30 years in a shipyard and I washed his work clothes every week.",
        age=77,
        sex="female",
    )
    keys = _keys(intake)
    # Household exposure says more than "asbestos exposure", which it replaces.
    assert {"no_fever", "negative_cytology", "household_asbestos"} <= keys and "asbestos" not in keys
    meso = history_sentence(intake, condition("mesothelioma"))
    assert "more likely: household asbestos exposure (from washing work clothes)." in meso
    assert "does not rule it out" in meso  # the caveat a negative fluid test carries
    assert history_sentence(intake, condition("empyema")).endswith(
        "what argues against pus around the lung (empyema), without excluding it: no fever."
    )


@pytest.mark.parametrize(
    ("story", "absent"),
    [
        ("I have never smoked.", "smoking"),
        ("No smokers at home.", "smoke_at_home"),
        ("She is not on the pill any more.", "combined_pill"),
        ("No choking that we saw.", "choking_episode"),
        ("Nobody at home has had TB.", "tb_contact"),
    ],
)
def test_denied_facts_are_not_found(story: str, absent: str) -> None:
    intake = IntakeRecord(
        diagnosis_in_question="pneumonia", reason_for_second_opinion=story, age=16, sex="female"
    )
    assert absent not in _keys(intake)


def test_age_limits_keep_adult_facts_from_children() -> None:
    baby = IntakeRecord(
        diagnosis_in_question="bronchiolitis", reason_for_second_opinion="He is tall for his age.", age=1
    )
    assert "tall_slim" not in _keys(baby)


def test_the_answer_and_the_differential_carry_the_story() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="viral induced wheeze",
        main_question=(
            "Could she have breathed a bit of peanut into her lung even though the xray was normal?"
        ),
        reason_for_second_opinion=(
            "She was eating peanuts and had a massive coughing fit, went red and gagged. Since then she "
            "has a cough and a wheeze. She has no temp and no snotty nose."
        ),
        symptoms=[Symptom(description="cough and wheeze", duration="4 days", onset="sudden")],
        age=2,
        sex="female",
    )
    draft = _draft(intake)
    q = next(q for q in draft.sub_questions if q.kind == "could_it_be")
    assert q.condition == "foreign_body"
    answer = " ".join(s.text for s in draft.section(SectionKey.ANSWERS).sentences if s.question_ref == q.id)
    assert "more likely: a choking episode" in answer
    entry = " ".join(
        s.text for s in draft.section(SectionKey.ALTERNATIVES).sentences if s.condition_ref == "foreign_body"
    )
    assert (
        "From the history, what makes an inhaled object stuck in an airway (inhaled foreign body) more likely"
        in entry
    )


def test_the_table_refuses_unknown_condition_keys_and_fields(tmp_path: Path) -> None:
    bad = tmp_path / "factors.yaml"
    bad.write_text("- key: x\n  name: x\n  find: x\n  raises: [no_such_condition]\n")
    with pytest.raises(ValueError, match="unknown condition keys"):
        load_factors(bad)
    bad.write_text("- key: x\n  name: x\n  find: x\n  raises: [pneumonia]\n  colour: red\n")
    with pytest.raises(ValueError, match="unknown fields"):
        load_factors(bad)
    bad.write_text("- key: x\n  name: x\n  find: x\n")
    with pytest.raises(ValueError, match="bears on no condition"):
        load_factors(bad)


@pytest.mark.parametrize(
    ("age", "key", "said"),
    [
        (15, "heart_attack", "being a child (these conditions are very rare in children)"),
        (24, "heart_attack", "young age (these conditions are rare before 30)"),
        (35, "lung_cancer", "age under 40 (these conditions are uncommon before 40)"),
    ],
)
def test_age_argues_against_conditions_of_later_life(age: int, key: str, said: str) -> None:
    intake = IntakeRecord(diagnosis_in_question="costochondritis", age=age)
    assert f"what argues against {condition(key).name}, without excluding it: {said}." in history_sentence(
        intake, condition(key)
    )
    older = IntakeRecord(diagnosis_in_question="costochondritis", age=70)
    assert history_sentence(older, condition(key)) == ""


def test_a_parents_she_is_the_child_unless_the_parent_just_named_their_own_relative() -> None:
    ate = IntakeRecord(
        diagnosis_in_question="viral induced wheeze",
        reason_for_second_opinion=(
            "I am father of Zofia. At birthday party of her cousin, she eat popcorn and she cough very "
            "strong and go red, after 2 days the wheezing begin."
        ),
        age=4,
        sex="female",
    )
    assert "choking_episode" in _keys(ate)
    grandmother = IntakeRecord(
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion=(
            "My mother (her grandmother) who live with us she had tuberculosis last year and take treatment."
        ),
        age=6,
        sex="female",
    )
    keys = _keys(grandmother)
    assert "previous_tb" not in keys  # the grandmother's TB, not the child's
    assert "tb_contact" in keys


@pytest.mark.parametrize(
    ("story", "age", "sex"),
    [
        ("He was born at 26 weeks.", 1, "male"),
        ("She was a prem baby and gets a wheeze with every cold.", 2, "female"),
        ("My son was born 8 weeks early.", 3, "male"),
        ("She was in NICU for six weeks.", 1, "female"),
        ("He spent a month in special care.", 1, "male"),
        ("He needed a ventilator as a newborn.", 2, "male"),
        ("She needed oxygen when she was born.", 2, "female"),
        ("Ex-28 weeker with recurrent wheeze.", 1, "male"),
        ("I was born at 27 weeks and my mum says I was on a ventilator for weeks.", 16, "male"),
    ],
)
def test_being_born_early_is_found(story: str, age: int, sex: str) -> None:
    intake = IntakeRecord(
        diagnosis_in_question="viral induced wheeze", reason_for_second_opinion=story, age=age, sex=sex
    )
    assert "premature_birth" in _keys(intake)


@pytest.mark.parametrize(
    "story",
    [
        "Her brother was born at 28 weeks.",  # a sibling born early is not the patient
        "His sibling was in NICU.",
        "She was not premature.",
        "She was born at 38 weeks.",  # term: 37 weeks and over
        "He was born 2 weeks early.",
        "No NICU stay.",
        "She didn't need oxygen at birth.",
        "When she was born she needed no oxygen.",
        "I work as a nurse in NICU.",  # the parent's job
        "I was born at 30 weeks myself.",  # the parent's own birth
        "I went into premature labour with him.",
        "I get premature beats on my heart monitor.",
        "He needed oxygen in hospital with bronchiolitis last winter.",
        "Could prematurity cause this?",  # a question, not a fact of the story
    ],
)
def test_being_born_early_is_not_found_when_denied_someone_elses_or_another_sense(story: str) -> None:
    intake = IntakeRecord(
        diagnosis_in_question="viral induced wheeze", reason_for_second_opinion=story, age=2, sex="female"
    )
    assert "premature_birth" not in _keys(intake)


def test_being_born_early_bears_on_bpd_wheeze_with_colds_and_bronchiolitis() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="asthma",
        main_question="Could it be BPD because he was born at 29 weeks?",
        reason_for_second_opinion="He spent seven weeks in NICU on CPAP. His sister was full term.",
        age=1,
        sex="male",
    )
    said = "being born early (premature) or a stay on a neonatal unit"
    for key in ("bronchopulmonary_dysplasia", "viral_wheeze"):
        assert f"{condition(key).name} more likely: {said}." in history_sentence(intake, condition(key))
    # bronchiolitis is made more severe by it, not more likely
    assert f"more severe, rather than more likely: {said}." in history_sentence(
        intake, condition("bronchiolitis")
    )
    assert said not in history_sentence(intake, condition("asthma"))
    # A question that gives the reason as the child's own fact counts; a bare "could prematurity
    # cause this?" does not (see above).
    asked = IntakeRecord(
        diagnosis_in_question="asthma",
        main_question="Could it be BPD because he was born at 29 weeks?",
        age=1,
        sex="male",
    )
    assert "premature_birth" in _keys(asked)


@pytest.mark.parametrize(
    ("reason", "key"),
    [
        # chemotherapy not yet started weakens nothing
        ("I'd like to know if that's possible before I let them start chemo.", "immunosuppression"),
        # a relative's guess that it is TB is no contact with TB
        (
            "My brother in law said the biopsy could be wrong and its probably an infection or TB.",
            "tb_contact",
        ),
    ],
)
def test_planned_treatment_and_a_guess_are_not_risk_factors(reason: str, key: str) -> None:
    intake = IntakeRecord(diagnosis_in_question="lung cancer", reason_for_second_opinion=reason, age=70)
    assert key not in {f.factor.key for f in found_factors(intake)}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("The x-ray in A&E yesterday was normal.", True),
        # a screening film before the illness says nothing about the lungs now
        ("I had xray for my visa which was clear.", False),
        ("Pre-employment chest x-ray was normal.", False),
    ],
)
def test_an_old_screening_film_is_no_normal_xray_now(text: str, found: bool) -> None:
    intake = IntakeRecord(diagnosis_in_question="tuberculosis", reason_for_second_opinion=text, age=30)
    assert ("normal_xray" in {f.factor.key for f in found_factors(intake)}) is found


def test_a_pneumothorax_with_copd_is_said_to_be_secondary() -> None:
    """A 68-year-old with COPD sent home with a collapsed lung was told small ones are often watched."""
    intake = IntakeRecord(
        diagnosis_in_question="small pneumothorax, sent home",
        history="COPD for 10 years, smoked 40 years.",
        symptoms=[Symptom(description="still more breathless than usual", duration="2 days")],
        age=68,
    )
    text = history_sentence(intake, condition("pneumothorax"), entry=True)
    assert "a known lung disease such as COPD" in text
    assert "With that background: in someone with COPD" in text and "reassessed the same day" in text
    healthy = IntakeRecord(diagnosis_in_question="small pneumothorax", history="No lung problems.", age=19)
    assert "secondary pneumothorax" not in history_sentence(healthy, condition("pneumothorax"), entry=True)


@pytest.mark.parametrize(
    ("history", "found"), [("Father was a miner.", False), ("I was a miner for 20 years.", True)]
)
def test_a_fathers_mining_is_not_the_patients_dust(history: str, found: bool) -> None:
    intake = IntakeRecord(diagnosis_in_question="COPD", history=history, age=68)
    assert ("mineral_dust" in {f.factor.key for f in found_factors(intake)}) is found


def test_being_born_early_and_smoke_at_home_make_bronchiolitis_more_severe_not_more_likely() -> None:
    """Read drafts said prematurity and smoking at home made a baby's bronchiolitis "more likely"."""
    intake = IntakeRecord(
        diagnosis_in_question="bronchiolitis",
        history="Born at 35 weeks, 2 weeks on the neonatal unit. Dad smokes in the house.",
        age=0,
        sex="female",
    )
    text = history_sentence(intake, condition("bronchiolitis"))
    name = condition("bronchiolitis").name
    assert f"what can make {name} more severe, rather than more likely:" in text
    assert f"what makes {name} more likely" not in text
