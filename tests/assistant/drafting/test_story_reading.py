"""Facts of the story read as the reviewing clinician would read them.

Each case is a slip found by reading drafts: a relative's tumour of another organ, a pending test, a
sibling's "no temperature", a mycobacterium that is not TB. Real tables; no model.
"""

from __future__ import annotations

import pytest

from assistant.drafting.composer import compose_draft
from assistant.drafting.conditions import conditions_in
from assistant.drafting.facts import summary_sentences
from assistant.drafting.llm import MockLLM
from assistant.drafting.questions import parse_sub_questions
from assistant.drafting.risk_factors import found_factors
from assistant.drafting.schemas import ImagingFindings, SectionKey
from assistant.drafting.setting import localised, outside_uk
from assistant.intake import IntakeRecord, Symptom


def _keys(intake: IntakeRecord) -> set[str]:
    return {f.factor.key for f in found_factors(intake)}


@pytest.mark.parametrize("text", ["had a Wilms tumor", "had a Wilms' tumour", "a bone tumour"])
def test_a_tumour_named_for_another_organ_is_no_lung_cancer(text: str) -> None:
    assert conditions_in(text) == []


def test_a_tumour_said_alone_is_still_read_as_one() -> None:
    assert [c.key for c in conditions_in("had a tumour")] == ["lung_cancer"]


def test_a_pending_test_is_no_past_condition() -> None:
    intake = IntakeRecord(diagnosis_in_question="TB", history="HIV test pending.", age=34, sex="male")
    summary = " ".join(s.text for s in summary_sentences(intake))
    assert "HIV" not in summary
    positive = intake.model_copy(update={"history": "HIV positive on treatment."})
    assert "Past conditions mentioned: HIV infection." in " ".join(
        s.text for s in summary_sentences(positive)
    )


def test_no_fever_at_first_is_no_fact_against_pneumonia() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="pneumonia", reason_for_second_opinion="No fever at first, then 39.", age=3
    )
    assert "no_fever" not in _keys(intake)
    plain = intake.model_copy(update={"reason_for_second_opinion": "She has had no fever at all."})
    assert "no_fever" in _keys(plain)


def test_a_brothers_no_temperature_is_not_his_sisters() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion=(
            "My daughter Zosia has pneumonia. Her brother Kuba is 1. Now he is again wheezing and coughing "
            "since 3 days, no temperature."
        ),
        age=4,
        sex="female",
    )
    assert "no_fever" not in _keys(intake)


def test_a_mycobacterium_that_is_not_tb_is_no_tb_found() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="MAC lung disease",
        reason_for_second_opinion="Two sputum samples grew Mycobacterium avium complex.",
        age=72,
        sex="female",
    )
    assert "tb_confirmed" not in _keys(intake)
    tb = intake.model_copy(update={"reason_for_second_opinion": "The sputum test came back positive for TB."})
    assert "tb_confirmed" in _keys(tb)


def test_a_cough_with_running_and_laughing_is_not_called_symptoms_between_colds() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="asthma",
        reason_for_second_opinion="A cough, worse with running and laughing.",
        age=2,
    )
    assert _keys(intake) >= {"exercise_triggered"}
    assert "interval_symptoms" not in _keys(intake)


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("Is she breathing food and drink into her lungs?", "aspiration"),
        ("Is the breathlessness only from the fibrillation or is my heart failing?", "heart_failure"),
    ],
)
def test_lay_words_for_an_alternative_are_recognised(question: str, key: str) -> None:
    intake = IntakeRecord(diagnosis_in_question="atrial fibrillation", main_question=question, age=80)
    asked = [q.condition for q in parse_sub_questions(intake, has_images=False) if q.kind == "could_it_be"]
    assert key in asked


class TestOutsideTheUk:
    """A&E, the GP and England's two-week pathway, in the words used where the patient lives."""

    def test_a_us_family_is_sent_to_the_emergency_department(self) -> None:
        intake = IntakeRecord(
            diagnosis_in_question="bronchiolitis",
            reason_for_second_opinion="We live in Houston. She stopped breathing for seconds and went blue.",
            symptoms=[Symptom(description="pauses in breathing", duration="1 day")],
            age=0,
            sex="female",
        )
        assert outside_uk(intake)
        draft = compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
        text = draft.section(SectionKey.ANSWERS).text
        assert "emergency department" in text
        assert "A&E" not in text

    def test_a_london_story_keeps_a_and_e_and_moving_from_lagos_to_london_is_the_uk(self) -> None:
        intake = IntakeRecord(
            diagnosis_in_question="pneumonia",
            reason_for_second_opinion="I moved from Lagos to London.",
            age=40,
        )
        assert not outside_uk(intake)

    def test_the_wording_is_localised_and_englands_pathway_is_not_named_as_theirs(self) -> None:
        text = (
            "most health services use an urgent suspected-cancer referral (in England, a specialist "
            "appointment within about two weeks) rather than a routine wait; ask the GP. Go to A&E at once."
        )
        said = localised(text)
        assert "England" not in said
        assert "ask the family doctor" in said
        assert "Go to the emergency department at once." in said

    def test_uk_referral_thresholds_are_not_told_to_patients_elsewhere(self) -> None:
        """A family in Ohio was given "in UK guidance an NT-proBNP above 2,000 ng/L means ... two weeks"."""
        from assistant.drafting.conditions import condition

        said = localised(f"For heart failure, {condition('heart_failure').test}.")
        assert "UK guidance" not in said and "NT-proBNP above 2,000" not in said
        assert said.endswith("kidney and blood-count tests.")
        swallow = localised(f"{condition('oesophageal_cancer').test}.")
        assert "UK guidance" not in swallow and "settles it" in swallow


def test_latent_tb_at_work_is_said_plainly_and_the_clinician_confirms_it() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="latent TB",
        main_question="Can I keep working on the ward?",
        reason_for_second_opinion="I am a nurse. My QuantiFERON was positive and my X-ray is clear.",
        age=31,
        sex="female",
    )
    draft = compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
    text = draft.section(SectionKey.ANSWERS).text
    assert "latent TB cannot be passed on, so it needs no time off and no change at work" in text
    assert "depends on the final diagnosis" not in text
    assert "the treating clinician's advice at the next review confirms how it applies" in text


class TestAYoungChildsSigns:
    """Under 5, the differential uses a young child's signs where the table gives them."""

    def test_reflux_in_a_baby_is_milk_brought_up_not_a_burning_pain(self) -> None:
        from assistant.drafting.conditions import condition

        reflux = condition("reflux")
        assert "milk brought up" in reflux.supports_for(0)
        assert "burning pain behind the breastbone" in reflux.supports_for(30)
        assert "coughing, choking or going blue during feeds" in reflux.against_for(0)

    def test_a_toddlers_lower_lobe_shadow_does_not_argue_against_tb(self) -> None:
        intake = IntakeRecord(
            diagnosis_in_question="pneumonia",
            main_question="Could it be TB? Grandpa had TB last year.",
            age=2,
            sex="female",
        )
        draft = compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
        entry = " ".join(
            s.text
            for s in draft.section(SectionKey.ALTERNATIVES).sentences
            if s.condition_ref == "tuberculosis"
        )
        assert "an adult with TB at home or close by" in entry
        assert "upper-lobe shadows" not in entry


def test_a_chest_ache_that_comes_and_goes_is_no_variable_airway_symptom() -> None:
    ache = IntakeRecord(
        diagnosis_in_question="COPD", symptoms=[Symptom(description="chest ache, comes and goes")]
    )
    assert "variable_symptoms" not in _keys(ache)
    wheeze = IntakeRecord(
        diagnosis_in_question="COPD", symptoms=[Symptom(description="wheeze comes and goes")]
    )
    assert "variable_symptoms" in _keys(wheeze)


def test_a_question_whether_it_could_be_tb_is_no_tb_contact() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="lung mass",
        main_question="Could this be a pneumonia that did not heal, or TB, or a fungus from the pigeons?",
        age=53,
    )
    assert "tb_contact" not in _keys(intake)


def _conditions_said(intake: IntakeRecord) -> list[str]:
    return [s.text for s in summary_sentences(intake) if "conditions mentioned" in s.text.lower()]


def test_a_condition_in_the_middle_of_a_denied_list_is_denied() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="pneumothorax",
        history="No known family history of pneumothorax, Marfan syndrome or aortic disease.",
        age=24,
        sex="male",
    )
    assert not any("Marfan" in s for s in _conditions_said(intake))


def test_the_illness_now_is_no_past_condition_unless_the_history_dates_it() -> None:
    first = IntakeRecord(diagnosis_in_question="pneumothorax", history="First pneumothorax.", age=24)
    assert _conditions_said(first) == []
    tb = IntakeRecord(diagnosis_in_question="TB again", history="TB as a teenager, treated.", age=69)
    assert _conditions_said(tb) == ["Past conditions mentioned: tuberculosis (TB)."]


def test_an_outbreak_around_the_patient_is_a_contacts_illness_not_a_past_one() -> None:
    baby = IntakeRecord(
        diagnosis_in_question="reflux",
        history="Brother aged 6 with 2-month cough, school pertussis alert.",
        age=0,
        sex="female",
    )
    assert _conditions_said(baby) == [
        "Conditions mentioned in family members or close contacts: whooping cough (pertussis)."
    ]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("fast grunty breathing", ["fast breathing", "grunting"]),
        ("breathing kind of fast and grunty", ["fast breathing", "grunting"]),
        ("chest sucking in under the ribs", ["the chest drawing in with breaths"]),
    ],
)
def test_grunting_is_its_own_sign_of_hard_breathing(text: str, names: list[str]) -> None:
    from assistant.drafting.questions import asserted_symptom_names

    assert sorted(asserted_symptom_names(text)) == sorted(names)


@pytest.mark.parametrize(
    ("history", "family"),
    [
        ("My uncle has asthma.", set()),
        ("My mum has asthma.", {"family_asthma"}),
        ("My cousin died of lung cancer.", set()),
        ("My brother died of lung cancer.", {"family_lung_cancer"}),
        ("My uncle had cystic fibrosis.", {"family_cystic_fibrosis"}),
    ],
)
def test_a_family_history_of_a_common_condition_is_a_close_relatives(history: str, family: set[str]) -> None:
    intake = IntakeRecord(diagnosis_in_question="a cough", history=history, age=30)
    assert {k for k in _keys(intake) if k.startswith("family_")} == family


def test_a_babys_first_vaccines_are_no_protection_against_whooping_cough_yet() -> None:
    baby = IntakeRecord(diagnosis_in_question="a cold", history="Vaccinations up to date.", age=0)
    assert "vaccines_up_to_date" not in _keys(baby)
    toddler = baby.model_copy(update={"age": 3})
    assert "vaccines_up_to_date" in _keys(toddler)


def test_painful_swollen_ankles_are_joint_pain_not_the_fluid_of_heart_failure() -> None:
    from assistant.drafting.questions import asserted_symptom_names

    assert asserted_symptom_names("painful swollen ankles both sides") == ["joint pain"]
    assert asserted_symptom_names("swollen ankles") == ["leg swelling"]
    arthritis = IntakeRecord(
        diagnosis_in_question="sarcoidosis", symptoms=[Symptom(description="painful swollen ankles")]
    )
    assert "swollen_ankles" not in _keys(arthritis)
    fluid = IntakeRecord(
        diagnosis_in_question="asthma", symptoms=[Symptom(description="swollen ankles, sore throat")]
    )
    assert "swollen_ankles" in _keys(fluid)
