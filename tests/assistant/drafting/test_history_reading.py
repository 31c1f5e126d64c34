"""The history is read for what the patient has, not what is unknown, denied or someone else's
(each case found by reading drafts of the tuning vignettes)."""

from __future__ import annotations

import pytest

from assistant.drafting.facts import summary_sentences
from assistant.drafting.questions import known_conditions
from assistant.drafting.risk_factors import found_factors
from assistant.intake import IntakeRecord


def _intake(
    history: str, *, reason: str = "", diagnosis: str = "tuberculosis", age: int = 44, sex: str = "male"
) -> IntakeRecord:
    return IntakeRecord(
        diagnosis_in_question=diagnosis,
        main_question="Is it really this?",
        reason_for_second_opinion=reason,
        history=history,
        age=age,
        sex=sex,
    )


def _factors(intake: IntakeRecord) -> set[str]:
    return {f.factor.key for f in found_factors(intake)}


def _summary(intake: IntakeRecord) -> str:
    return " ".join(s.text for s in summary_sentences(intake))


def test_a_status_not_mentioned_is_no_condition_or_risk() -> None:
    """ "HIV and diabetes status not mentioned" was read as HIV infection and diabetes raising TB."""
    intake = _intake("Previous TB 9 years ago. Smoker. HIV and diabetes status not mentioned.")
    assert "hiv" not in {c.key for c in known_conditions(intake)}
    assert not {"hiv", "diabetes"} & _factors(intake)
    assert "HIV" not in _summary(intake)


def test_hiv_said_as_the_patients_is_still_a_risk() -> None:
    intake = _intake("HIV on treatment since 2015, diabetes on metformin.")
    assert {"hiv", "diabetes"} <= _factors(intake)


def test_nobody_known_with_a_long_list_denies_every_item() -> None:
    """ "nobody known with sudden death at a young age or heart muscle disease" was a past cardiomyopathy."""
    intake = _intake(
        "Healthy. Family history: maternal uncle died of a heart attack at 45; nobody known with sudden "
        "death at a young age or heart muscle disease.",
        diagnosis="costochondritis",
        age=16,
    )
    assert "cardiomyopathy" not in {c.key for c in known_conditions(intake)}
    assert "heart muscle" not in _summary(intake)


def test_coworkers_illness_is_no_past_condition_of_the_patient() -> None:
    intake = _intake("Stone cutter for 15 years; two co-workers diagnosed with silicosis. Previous TB.")
    assert "silicosis" not in {c.key for c in known_conditions(intake)}
    assert "Past conditions mentioned: tuberculosis (TB)." in _summary(intake)


def test_a_friends_son_and_an_in_law_are_no_family_history() -> None:
    friend = _intake("", reason="My friend whose son has asthma told me it is asthma.", diagnosis="pneumonia")
    assert "family_asthma" not in _factors(friend)
    in_law = _intake("Brother-in-law died of lung fibrosis.", diagnosis="pneumonia")
    assert "family_pulmonary_fibrosis" not in _factors(in_law)
    blood = _intake("My mother has asthma. My brother had lung fibrosis.", diagnosis="pneumonia")
    assert {"family_asthma", "family_pulmonary_fibrosis"} <= _factors(blood)


def test_a_hemithorax_in_a_report_is_no_haemothorax() -> None:
    """ "extensive chronic changes left hemithorax" was spelt into a haemothorax and drafted as one."""
    from assistant.drafting.questions import named_alternatives

    intake = _intake(
        "",
        reason="The report said 'extensive chronic changes left hemithorax with volume loss'.",
        age=69,
    )
    assert "haemothorax" not in {c.key for c in named_alternatives(intake)}


def test_rifampicin_resistance_not_detected_is_drug_sensitive_tb() -> None:
    """A draft called TB "that standard medicines do not cure" when the test found no resistance."""
    from assistant.drafting.conditions import main_condition

    for said in (
        "TB again (GeneXpert positive, rifampicin resistance not detected)",
        "TB, no rifampicin resistance",
    ):
        assert main_condition(said).key == "tuberculosis"  # type: ignore[union-attr]
    assert main_condition("TB with rifampicin resistance").key == "drug_resistant_tb"  # type: ignore[union-attr]


def test_a_pneumonia_by_a_named_germ_keeps_the_germ_in_the_diagnosis() -> None:
    """ "pneumonia by COVID-19" was drafted as pneumonia alone, "not usually caught from another person"."""
    from assistant.drafting.conditions import diagnosis_family

    for said in ("pneumonia by COVID-19", "pneumonia due to COVID"):
        assert [c.key for c in diagnosis_family(said)] == ["pneumonia", "covid19"]
    assert [c.key for c in diagnosis_family("pneumonia, no clot")] == ["pneumonia"]


def test_tb_says_when_flying_is_safe_and_why_several_sputum_samples() -> None:
    from assistant.drafting.conditions import condition

    tb = condition("tuberculosis")
    assert "no longer infectious" in dict(tb.activity)["travel"]
    assert "two or three samples" in tb.test


def test_symptoms_in_a_question_are_not_read_from_a_conditions_name() -> None:
    """ "Could it be Valley fever?" put a fever in the summary of a woman who had none; "could the lung
    have collapsed again?" put fainting in a man's."""
    from assistant.drafting.questions import asserted_symptom_names

    assert asserted_symptom_names("Could it be TB or Valley fever? Is it hay fever?") == []
    assert asserted_symptom_names("Could the lung have collapsed again?") == []
    assert set(asserted_symptom_names("He collapsed again and has a temperature.")) == {"fainting", "fever"}


def test_a_daughters_dad_is_her_mothers_husband_no_blood_relative() -> None:
    """ "My dad had congestive heart failure", written about her mother, was a family history of it."""
    intake = _intake(
        "Hypertension, diabetes.",
        reason="My mom Dorothy (78) keeps getting pneumonia. My dad had congestive heart failure.",
        diagnosis="pneumonia",
        age=78,
        sex="female",
    )
    assert "family_heart_failure" not in _factors(intake)
    own = _intake(
        "", reason="My mom (78) is unwell. Her mother had heart failure.", diagnosis="pneumonia", age=78
    )
    assert "family_heart_failure" in _factors(own)


def test_a_planned_pregnancy_or_an_untested_hiv_status_is_no_risk_factor() -> None:
    planned = _intake(
        "Nulliparous; planning pregnancy next year.", diagnosis="pulmonary embolism", age=31, sex="female"
    )
    assert "pregnancy" not in _factors(planned)
    untested = _intake("Ex-smoker. HIV status not recently tested.", diagnosis="pneumonia", age=67)
    assert "hiv" not in _factors(untested)
    pregnant = _intake("24 weeks pregnant.", diagnosis="pulmonary embolism", age=31, sex="female")
    assert "pregnancy" in _factors(pregnant)


def test_a_secondary_pneumothorax_gets_its_own_rule_on_an_operation() -> None:
    from assistant.drafting.conditions import condition

    assert "after a first collapse from lung disease such as COPD" in condition("pneumothorax").treatment
    assert (
        "after a birth, breastfeeding can usually carry on" in condition("pulmonary_embolism").test_pregnancy
    )


def test_none_then_a_sentence_without_a_result_is_no_earlier_imaging() -> None:
    """A baby's summary said earlier results "were described" after "None. GP did not order an X-ray."."""
    baby = IntakeRecord(
        diagnosis_in_question="bronchiolitis",
        main_question="Is it bronchiolitis?",
        prior_imaging="None. GP did not order a chest X-ray.",
        age=0,
        sex="female",
    )
    assert "Earlier imaging or test results were described" not in _summary(baby)
    shown = baby.model_copy(update={"prior_imaging": "None. An X-ray in 2019 showed a shadow."})
    assert "Earlier imaging or test results were described" in _summary(shown)


def test_asking_for_an_xray_without_an_upload_is_no_question_about_uploaded_images() -> None:
    from assistant.drafting.questions import parse_sub_questions

    def images(question: str) -> list[str]:
        intake = IntakeRecord(
            diagnosis_in_question="bronchiolitis", main_question=question, age=0, sex="female"
        )
        return [q.summary for q in parse_sub_questions(intake, has_images=False) if q.kind == "images"]

    assert images("Shouldnt she have antibiotics or an xray?") == []
    assert images("What did the X-ray show?") == ["what the earlier images or their report show"]


def test_will_this_give_her_asthma_asks_a_risk_not_whether_it_is_asthma() -> None:
    from assistant.drafting.questions import parse_sub_questions

    intake = IntakeRecord(
        diagnosis_in_question="bronchiolitis", main_question="Will this give her asthma?", age=0, sex="female"
    )
    subs = parse_sub_questions(intake, has_images=False)
    assert not [q for q in subs if q.kind == "could_it_be"]
    assert [q.subjects for q in subs if q.topic == "risk"] == [["asthma"]]


def test_a_treated_positive_skin_test_is_latent_tb_and_an_endemic_area_no_infection() -> None:
    intake = _intake(
        "Positive TB skin test at immigration, completed 9 months isoniazid. Lives in Bakersfield, a "
        "coccidioidomycosis endemic area.",
        diagnosis="lung cancer",
        age=53,
        sex="female",
    )
    summary = _summary(intake)
    assert "Past conditions mentioned: latent TB infection found on a skin or blood test." in summary
    assert "fungal" not in summary


_UNKNOWN_STATUSES = [
    "HIV and diabetes status not mentioned.",
    "HIV status unknown.",
    "HIV status not recently tested.",
    "HIV never been tested.",
    "Refused an HIV test so far.",
    "HIV test pending.",
    "Waiting for the HIV test result.",
    "HIV result not known.",
]


@pytest.mark.parametrize("said", _UNKNOWN_STATUSES)
def test_every_reader_of_the_history_reads_an_unknown_status_alike(said: str) -> None:
    """The known conditions, the summary's history and the risk factors once each had their own
    pattern for a status nobody knows, and each missed forms the others caught; they share one now."""
    intake = _intake(f"Ex-smoker. {said}", diagnosis="pneumonia", age=58)
    assert "hiv" not in {c.key for c in known_conditions(intake)}
    assert "hiv" not in _factors(intake)
    assert "HIV" not in _summary(intake)


def test_an_unknown_status_leaves_the_rest_of_the_history_read() -> None:
    intake = _intake("COPD on inhalers. HIV status unknown.", diagnosis="pneumonia", age=58)
    assert "copd" in {c.key for c in known_conditions(intake)}


@pytest.mark.parametrize(
    "history",
    [
        "HIV test negative during admission; mother HIV negative in antenatal care.",
        "Mother HIV negative in last pregnancy.",
        "Former pipe smoker. HIV negative.",
        "Also they checked HIV for Brian and it was negative.",
        "HIV test done at this diagnosis, result not shared with wife.",
    ],
)
def test_a_negative_or_unshared_hiv_result_is_nobodys_hiv(history: str) -> None:
    """Read summaries listed HIV among the patient's or the family's conditions after a negative test."""
    intake = _intake(history, diagnosis="pneumonia", age=4)
    assert "HIV" not in _summary(intake)
    assert "hiv" not in {c.key for c in known_conditions(intake)}
    assert "hiv" not in _factors(intake)


def test_a_relative_named_then_described_keeps_their_illness_theirs() -> None:
    """ "her brother, a fellow mine worker, died of mesothelioma" was the patient's own mesothelioma."""
    intake = _intake(
        "Wife was exposed through washing work clothes; her brother, a fellow mine worker, died of "
        "mesothelioma.",
        diagnosis="TB pleurisy",
        age=69,
    )
    assert "mesothelioma" not in {c.key for c in known_conditions(intake)}
    assert "Past conditions mentioned: mesothelioma" not in _summary(intake)
