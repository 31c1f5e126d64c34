"""What the new cases v1031-v1066 showed once scored: next-step and treatment questions in forms the parser
did not know, a medicine asked about only as a cause read as a treatment question, "pneumonitis" from
immunotherapy read as pneumonia, an old TB scar read as active TB, a bare "cancer" that meant a lymphoma or
a medicine read as a lung cancer, and conditions the table lacked (a central-line infection, a nipple
shadow). Real tables; only the language model is the mock."""

from __future__ import annotations

import pytest

from assistant.drafting.composer import compose_draft
from assistant.drafting.conditions import condition, conditions_in
from assistant.drafting.facts import _history_read
from assistant.drafting.llm import MockLLM
from assistant.drafting.medicines import listed_medicine
from assistant.drafting.questions import exposure_alternatives, parse_sub_questions
from assistant.drafting.risk_factors import found_factors
from assistant.drafting.schemas import ImagingFindings, SectionKey
from assistant.drafting.setting import care_setting
from assistant.drafting.topic_answers import fast_track_sentence
from assistant.drafting.topics import topic as topic_of
from assistant.intake import IntakeRecord
from tests.assistant.drafting.mock_drafts import adult_pneumonia as _intake
from tests.assistant.drafting.mock_drafts import asked as _asked
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import factor_keys
from tests.assistant.drafting.mock_drafts import section_text as _section_text
from tests.assistant.drafting.pack_notes import pack_note


def _keys(text: str) -> list[str]:
    return [c.key for c in conditions_in(text)]


def _summaries(diagnosis: str, question: str, age: int = 50, reason: str = "") -> dict[str, str]:
    intake = IntakeRecord(
        diagnosis_in_question=diagnosis, reason_for_second_opinion=reason, main_question=question, age=age
    )
    return {q.kind: q.summary for q in parse_sub_questions(intake, has_images=False)}


# --- question forms -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question", ["What should be done now?", "what needs to be done next", "What's the plan now?"]
)
def test_what_should_be_done_is_a_next_step_question(question: str) -> None:
    assert ("next_steps", "", "") in _asked("COPD", f"Is this still his COPD? {question}", age=81)


def test_what_can_be_done_about_a_symptom_is_no_next_step_question() -> None:
    assert "next_steps" not in {k for k, _, _ in _asked("COPD", "What can be done about the cough?")}


def test_whether_a_biologic_is_right_for_me_asks_about_treatment() -> None:
    summaries = _summaries(
        "severe asthma", "Would the biologic injection be right for me, and is it safe before this is sorted?"
    )
    assert summaries["treatment"] == "whether the patient needs a biologic injection"


@pytest.mark.parametrize("question", ["Would the X-ray be right for me?", "Is the gym safe for him?"])
def test_a_test_or_an_activity_right_for_me_is_no_treatment_question(question: str) -> None:
    assert "treatment" not in _summaries("asthma", question)


def test_a_medicine_asked_about_only_as_the_cause_is_no_treatment_question() -> None:
    summaries = _summaries(
        "acute chest syndrome",
        "Did the morphine cause it? Should she take hydroxyurea and is it safe for a child?",
        age=9,
        reason="Before the morphine she was fine, so is it the morphine that make her not breathe well?",
    )
    assert summaries["treatment"] == "whether the patient needs hydroxycarbamide (hydroxyurea)"


def test_a_medicine_asked_about_as_a_cause_and_to_stop_stays_a_treatment_question() -> None:
    summaries = _summaries("asthma", "Could my inhaler have caused the thrush, and should I stop it?")
    assert "inhaler" in summaries["treatment"]


def test_hydroxycarbamide_is_explained_for_a_child_with_sickle_cell() -> None:
    content = _draft(
        IntakeRecord(
            diagnosis_in_question="acute chest syndrome",
            main_question="Should she take hydroxyurea and is it safe for a child? I read it is a cancer "
            "medicine.",
            age=9,
            sex="female",
        )
    )
    text = _section_text(content, SectionKey.ANSWERS)
    assert "from 9 months of age" in text and "regular blood tests" in text


def test_the_bcg_vaccine_asked_as_the_cause_of_a_positive_test_is_the_question() -> None:
    summaries = _summaries(
        "latent TB",
        "The positive test is because of BCG vaccine or real TB? Is necessary 3 month medicine and is it "
        "safe for child?",
        age=9,
    )
    assert summaries["treatment"] == (
        "whether the current treatment is the right one, and whether the BCG vaccine affects the TB test"
    )


def test_a_vaccine_asked_about_is_still_a_vaccine_question() -> None:
    assert _summaries("pneumonia", "Should he have the flu jab this year?", age=70)["treatment"] == (
        "which vaccines are advised"
    )


def test_a_camera_test_is_a_bronchoscopy() -> None:
    summaries = _summaries("pneumonia", "Does he need a camera test or another x-ray?", age=3)
    assert summaries["next_steps"] == (
        "whether a bronchoscopy (a camera test of the airways) and a chest X-ray are needed now"
    )
    assert (
        "bronchoscopy"
        not in _summaries("reflux", "Does she need a camera test of her stomach?")["next_steps"]
    )


def test_a_test_asked_about_is_answered_from_the_test_not_the_review_after_it() -> None:
    content = _draft(
        IntakeRecord(
            diagnosis_in_question="pneumonia",
            reason_for_second_opinion="He choked on a coin last week and has coughed since.",
            main_question="Could the coin be stuck in his lung? Does he need a camera test?",
            age=3,
        )
    )
    text = _section_text(content, SectionKey.ANSWERS)
    assert (
        "is part of the usual tests for an inhaled object stuck in an airway (inhaled foreign body): a "
        "rigid bronchoscopy" in text
    )
    assert "a choking episode and a choking episode" not in text


# --- conditions ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "pneumonitis caused by the immunotherapy (pembrolizumab)",
        "pneumonitis from the durvalumab",
        "durvalumab pneumonitis",
    ],
)
def test_pneumonitis_from_a_medicine_is_drug_induced_not_pneumonia(text: str) -> None:
    assert _keys(text) == ["drug_induced_lung"]


@pytest.mark.parametrize(
    "text", ["old TB scar in right lung", "old healed TB", "healed TB changes at the right apex"]
)
def test_an_old_tb_scar_is_an_old_scar_not_active_tb(text: str) -> None:
    assert _keys(text) == ["old_scar"]


@pytest.mark.parametrize("text", ["reactivation of old TB", "my old TB has come back", "I had TB in 2010"])
def test_tb_woken_again_or_told_as_history_is_still_tb(text: str) -> None:
    assert "tuberculosis" in _keys(text)


def test_active_tb_asked_after_an_old_scar_is_an_alternative() -> None:
    asked = _asked(
        "old TB scar in right lung, visa on hold until sputum culture",
        "Is this only old healed TB or can it be active TB?",
        age=34,
    )
    assert ("could_it_be", "tuberculosis", "") in asked
    assert asked[0] == ("diagnosis_right", "", "")


@pytest.mark.parametrize(
    "text", ["inhaled coin", "Could the line itself be infected?", "a port-a-cath infection", "nipple shadow"]
)
def test_new_conditions_are_named(text: str) -> None:
    expected = {"inhaled coin": "foreign_body", "nipple shadow": "nipple_shadow"}.get(text, "line_infection")
    assert _keys(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "i looked up swollen lymph nodes in the chest and it said lymphoma which is cancer",
        "I read it is a cancer medicine",
        "got hodgkins in april, doing ABVD. i just want to know if its actually the cancer back in my chest",
    ],
)
def test_a_bare_cancer_meaning_a_lymphoma_or_a_medicine_is_no_lung_cancer(text: str) -> None:
    assert "lung_cancer" not in _keys(text)


@pytest.mark.parametrize(
    "text",
    [
        "could it be cancer?",
        "Is it the cancer drugs or lung cancer?",
    ],
)
def test_a_cancer_asked_about_is_still_a_lung_cancer(text: str) -> None:
    assert "lung_cancer" in _keys(text)


# --- medicines ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("said", ["infliximab 5mg/kg every 8 weeks", "Humira pen", "etanercept 50 mg weekly"])
def test_an_anti_tnf_medicine_is_named_as_one(said: str) -> None:
    med = listed_medicine(said)
    assert med.group is not None and med.group.key == "anti_tnf"


def test_an_anti_tnf_medicine_raises_tb() -> None:
    found = {f.factor.key: f for f in found_factors(_intake(medications=["infliximab 5mg/kg every 8 weeks"]))}
    assert found["anti_tnf"].name == "an anti-TNF medicine (infliximab) that can wake up dormant TB"
    assert "tuberculosis" in found["anti_tnf"].factor.raises


def test_an_anti_tnf_medicine_only_planned_raises_nothing() -> None:
    intake = _intake(reason_for_second_opinion="They want to start adalimumab next month for my Crohn's.")
    assert "anti_tnf" not in {f.factor.key for f in found_factors(intake)}


# --- what the reading of v995-v1030 found -------------------------------------------------------------------


@pytest.mark.parametrize(
    "reason",
    [
        "Covid pneumonia in March, 9 days in hospital. The lady in the next bed to me on the ward has got "
        "lung scarring and goes to a special clinic.",
        "Born at 27 weeks, then CPAP; mild chronic lung disease of prematurity, off oxygen before discharge.",
    ],
)
def test_someone_else_on_the_ward_or_a_past_discharge_is_no_inpatient_now(reason: str) -> None:
    assert care_setting(_intake(reason_for_second_opinion=reason)) == ""


def test_an_inpatient_on_the_ward_is_still_one() -> None:
    intake = _intake(
        reason_for_second_opinion="Mum is on the ward on IV antibiotics, talking about her discharge."
    )
    assert care_setting(intake) == "hospital"


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("it makes a horrible squeaky whoop noise when i breathe in at the end of races", []),
        ("coughing fits with a whoop at the end", ["whooping_cough"]),
        ("she coughs until she whoops", ["whooping_cough"]),
    ],
)
def test_a_whoop_is_whooping_cough_only_with_the_cough(text: str, keys: list[str]) -> None:
    assert _keys(text) == keys


def test_walking_the_dog_is_exercise_not_a_pet_exposure() -> None:
    asked = _asked("COPD", "Should I stop walking the dog up the hill till I know?", age=68)
    assert ("next_steps", "", "activity") in asked
    assert all(topic != "exposure" for _, _, topic in asked)
    assert topic_of("pets").search("we have two dogs and a cat") is not None


def test_no_fast_track_referral_for_a_cancer_already_treated_and_followed() -> None:
    intake = _intake(
        diagnosis_in_question="scarring from radiotherapy (SABR) not cancer",
        age=72,
        history="Stage IA2 adenocarcinoma right upper lobe, treated with SABR 54 Gy 18 months ago.",
        prior_imaging="18-month CT: modest enlargement of the treatment-site opacity, a mass-like "
        "consolidation.",
    )
    assert fast_track_sentence(intake, [condition("lung_cancer")]) == ""


def test_a_mass_on_a_scan_still_meets_the_fast_track_criteria() -> None:
    intake = _intake(age=64, prior_imaging="CXR: 4 cm mass in the right upper zone.")
    assert "urgent suspected-cancer referral" in fast_track_sentence(intake, [condition("lung_cancer")])


def test_a_repeat_x_ray_asked_after_a_film_already_taken_is_about_the_repeat() -> None:
    content = _draft(
        _intake(
            age=6,
            prior_imaging="CXR: right lower lobe consolidation.",
            main_question="Does she need another x-ray?",
        )
    )
    text = _section_text(content, SectionKey.ANSWERS)
    assert "A chest X-ray has already been taken, so the question is whether to repeat it" in text
    assert "asking for one is reasonable" not in text


def test_vaping_is_to_stop_when_a_vaping_lung_injury_is_weighed() -> None:
    content = _draft(
        _intake(
            age=19,
            reason_for_second_opinion="I vape THC cartridges from a mate most days.",
            main_question="Could this be from vaping? Should I stop vaping?",
        )
    )
    text = _section_text(content, SectionKey.ANSWERS)
    assert "stopping vaping now, above all any cartridges containing THC" in text
    assert "far less harmful than smoking" not in text


def test_an_nt_probnp_below_the_cut_off_is_normal_whatever_the_patient_calls_it() -> None:
    keys = factor_keys(
        history="NT-proBNP: 180 pg/mL (reference <400)",
        reason_for_second_opinion="the heart blood test (BNP) was 180",
    )
    assert "normal_bnp" in keys and "raised_bnp" not in keys
    assert "raised_bnp" in factor_keys(history="NT-proBNP 2,400 ng/L")


def test_abpa_is_not_weighed_for_a_baby_in_a_mouldy_flat() -> None:
    intake = _intake(
        age=0,
        diagnosis_in_question="bronchiolitis",
        reason_for_second_opinion="There is black mould in her bedroom. Is the mould causing it?",
    )
    assert "abpa" not in {c.key for c in exposure_alternatives(intake)}
    assert condition("abpa").too_young(0)


def test_a_condition_raised_by_an_exposure_says_so() -> None:
    content = _draft(
        _intake(
            age=60,
            diagnosis_in_question="asthma",
            reason_for_second_opinion="I keep six budgies in the back room.",
            main_question="Could the budgies be causing it?",
        )
    )
    text = _section_text(content, SectionKey.ALTERNATIVES)
    assert "what the account says was breathed in (such as birds, mould or dust) can cause it" in text


@pytest.mark.parametrize(
    "history",
    ["No active cancer, no previous VTE.", "No sputum mycobacterial testing, HIV test or CT performed."],
)
def test_a_denied_or_untested_condition_is_no_past_condition(history: str) -> None:
    own, _, _ = _history_read(history)
    assert own == []


def test_a_condition_told_as_present_is_still_past_history() -> None:
    own, _, _ = _history_read("HIV positive on antiretrovirals. Mycobacterial culture grew MAC.")
    assert "HIV infection" in own


def test_a_note_about_one_condition_is_not_quoted_as_treatment_when_none_is_diagnosed() -> None:
    intake = _intake(
        age=31,
        diagnosis_in_question="normal breathlessness of pregnancy",
        reason_for_second_opinion="I'm 32 weeks pregnant.",
        main_question="What treatment would help, and is it safe in pregnancy?",
    )
    content = compose_draft(intake, ImagingFindings(), [pack_note(1, "q-fever")], MockLLM(responses=[""]))
    assert "lambing" not in _section_text(content, SectionKey.ANSWERS)


def test_the_images_section_quotes_no_note_on_how_imaging_models_are_built(
    intake: IntakeRecord, imaging: ImagingFindings
) -> None:
    """ "Noisy labels: the labels of large public collections were often extracted automatically" was quoted
    under "What the images show" as what a source says of the films."""
    content = compose_draft(intake, imaging, [pack_note(1, "ai-chest-xray-models")], MockLLM(responses=[""]))
    assert "a source says" not in _section_text(content, SectionKey.IMAGES)


@pytest.mark.parametrize(
    "history",
    [
        "Feeding difficulty with prolonged feeds, coughing/choking episodes and frequent regurgitation.",
        "Choking episode on peanuts 9 days ago; persistent right-sided wheeze since.",
    ],
)
def test_a_choking_episode_is_no_past_condition(history: str) -> None:
    own, _, _ = _history_read(history)
    assert own == []


def test_a_pill_asked_about_only_as_the_cause_of_a_clot_asks_nothing_about_treatment() -> None:
    assert "treatment" not in _summaries(
        "anxiety", "is this actually just anxiety or could it be a blood clot from the pill??"
    )


@pytest.mark.parametrize(
    ("question", "evali"),
    [
        ("Could this be from vaping?", True),
        ("Was it the vaping or the chest infection that caused it?", False),
        ("Does the vaping make it more likely to happen again?", False),
    ],
)
def test_vaping_lung_injury_is_asked_about_only_as_what_the_illness_is(question: str, evali: bool) -> None:
    assert ("evali" in _keys(question)) is evali


def test_no_whoop_is_no_whooping_cough() -> None:
    assert _keys("cough, a bit wet, no whoop") == []


def test_a_mass_told_of_a_child_with_a_probable_lymphoma_is_no_lung_cancer_beside_it() -> None:
    asked = _asked(
        "mass in the middle of the chest, they think lymphoma",
        "Is it definitely lymphoma or could it be TB like her cousin had, or something not cancer?",
        age=15,
    )
    assert ("could_it_be", "lung_cancer", "") not in asked
    assert ("could_it_be", "tuberculosis", "") in asked


@pytest.mark.parametrize(
    "prior",
    ["None. No X-ray done at urgent care.", "None. A&E said an x-ray was not needed for bronchiolitis."],
)
def test_an_x_ray_said_not_to_have_been_done_is_not_taken(prior: str) -> None:
    content = _draft(_intake(age=6, prior_imaging=prior, main_question="Does she need an x-ray?"))
    assert "already been taken" not in _section_text(content, SectionKey.ANSWERS)


def test_a_relatives_treated_cancer_leaves_the_fast_track_criteria_met() -> None:
    """A treated cancer keeps the referral out only when it is the patient's own: "Dad had a lobectomy"."""
    intake = _intake(
        age=52,
        history="Father had a lobectomy for lung cancer in 2019.",
        prior_imaging="CXR: 3 cm mass in the left upper zone.",
    )
    assert "urgent suspected-cancer referral" in fast_track_sentence(intake, [condition("lung_cancer")])


def test_a_film_reported_after_other_tests_said_not_done_is_taken() -> None:
    content = _draft(
        _intake(
            age=6,
            prior_imaging="No blood tests, chest X-ray showed right lower lobe consolidation.",
            main_question="Does she need another x-ray?",
        )
    )
    assert "already been taken" in _section_text(content, SectionKey.ANSWERS)
