"""What the reading of v815-v850 found: history, medicines and reports read as written, a child's text for a
child. Real tables; only the language model is the mock."""

from __future__ import annotations

from assistant.drafting.conditions import condition, told_apart
from assistant.drafting.facts import _history_read
from assistant.drafting.medicines import listed_medicine, listed_medicines
from assistant.drafting.reported import reported_findings, reported_sentence
from assistant.drafting.schemas import SectionKey
from tests.assistant.drafting.mock_drafts import adult_pneumonia as _intake
from tests.assistant.drafting.mock_drafts import asked as _asked
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import factor_keys as _factors
from tests.assistant.drafting.mock_drafts import section_text as _text


def _report(text: str) -> tuple[list[str], list[str], list[str]]:
    return reported_findings(_intake(prior_imaging=text))


# --- the history as written -----------------------------------------------------------------------------


def test_no_diagnosis_of_a_condition_denies_it() -> None:
    history = "NICU for 3 weeks: CPAP for 48 hours, no diagnosis of bronchopulmonary dysplasia."
    assert _history_read(history)[0] == []
    assert _history_read("Diagnosis of bronchopulmonary dysplasia at 36 weeks.")[0] != []


def test_a_test_offered_is_no_condition() -> None:
    assert _history_read("Routine HIV test offered.")[0] == []
    assert _history_read("HIV test offered, not yet done.")[0] == []
    assert _history_read("Offered an HIV test on admission.")[0] == []
    assert _history_read("HIV test positive in 2015, on antiretrovirals.")[0] != []


def test_colds_as_triggers_barking_and_rhinitis_are_no_past_conditions() -> None:
    assert (
        _history_read("Noisy breathing, worse with intercurrent viral infections; barking cough with colds.")[
            0
        ]
        == []
    )
    assert _history_read("Atopic eczema, seasonal rhinitis.")[0] == ["hay fever"]
    assert _history_read("Croup twice as a toddler.")[0] != []


def test_a_lung_cancers_own_spread_is_no_cancer_from_elsewhere() -> None:
    own = _history_read(
        "Newly diagnosed small cell lung cancer (liver and adrenal metastases).", frozenset()
    )[0]
    assert not any("spread from elsewhere" in name for name in own)


def test_a_condition_named_plainly_and_in_doubt_is_listed_once_in_doubt() -> None:
    own = _history_read(
        "Incidental spiculated left upper lobe mass. Referred on the urgent suspected lung cancer pathway."
    )[0]
    assert len(own) == 1 and own[0].startswith("possibly ")


def test_a_relative_who_reads_or_worries_is_no_family_history() -> None:
    story = "My son has been reading that sometimes a clot can cause a patch on the scan."
    assert not {k for k in _factors(reason_for_second_opinion=story) if k.startswith("family")}
    assert {
        k for k in _factors(reason_for_second_opinion="My son has had a clot in his leg.") if "family" in k
    }


def test_a_cold_that_comes_with_the_symptom_or_months_ago_is_no_recent_viral_illness() -> None:
    assert "recent_viral_illness" not in _factors(
        reason_for_second_opinion="She had a wheezy chest every time she got a cold."
    )
    assert "recent_viral_illness" not in _factors(
        reason_for_second_opinion="I never get it when I've got a cold."
    )
    assert "recent_viral_illness" not in _factors(reason_for_second_opinion="I had covid 8 months ago.")
    assert "recent_viral_illness" in _factors(reason_for_second_opinion="I had a bad cold last week.")
    assert "recent_viral_illness" in _factors(reason_for_second_opinion="I had covid 3 weeks ago.")


def test_getting_better_on_antibiotics_or_a_course_per_infection_is_no_failure() -> None:
    better = "They gave him amoxicillin at home and he got better but he still has a rattly cough."
    assert "antibiotics_failed" not in _factors(reason_for_second_opinion=better, age=4)
    repeated = "Every time we go to the GP we get another antibiotic and are told toddlers get infections."
    assert "antibiotics_failed" not in _factors(reason_for_second_opinion=repeated, age=2)
    assert "antibiotics_failed" in _factors(
        reason_for_second_opinion="The amoxicillin has not helped at all."
    )


def test_tb_contact_and_a_question_about_an_old_scar_are_no_past_tb() -> None:
    assert "previous_tb" not in _factors(reason_for_second_opinion="I had TB contact as a young lad.")
    assert "previous_tb" not in _factors(main_question="Could it be an old TB scar and not cancer?")
    assert "previous_tb" in _factors(history="Treated for TB in 1998.")


def test_vaping_and_cannabis_are_named_apart() -> None:
    assert "vaping" in _factors(age=16, history="Occasional vaping.")
    assert "cannabis" not in _factors(age=16, history="Occasional vaping.")
    assert "cannabis" in _factors(age=24, history="Smokes cannabis at weekends.")
    assert "cannabis" not in _factors(age=24, history="Never smoked, no vaping or cannabis.")


# --- medicines ------------------------------------------------------------------------------------------


def test_a_bracket_about_other_medicines_gives_this_one_no_status() -> None:
    med = listed_medicine(
        "amoxicillin 1g IV three times a day (co-amoxiclav and clarithromycin stopped day 2)"
    )
    assert med.said.startswith("amoxicillin") and "stopped" not in med.said
    assert listed_medicine("amoxicillin (stopped)").said == "amoxicillin (stopped)"


def test_a_rescue_packs_doses_stay_with_their_medicine() -> None:
    parts = listed_medicines(
        "rescue pack: prednisolone 30mg daily for 5 days and doxycycline 200mg day 1 then 100mg daily "
        "for 4 days"
    )
    assert [p.group.key if p.group else None for p in parts] == ["steroid", "antibiotic"]
    assert parts[1].name.startswith("doxycycline 200mg day 1 then 100mg")


# --- reports --------------------------------------------------------------------------------------------


def test_a_finding_that_cannot_be_excluded_is_queried_not_found() -> None:
    present, _, _ = _report("Chest X-ray: 'Rib fractures. A small haemothorax cannot be excluded.'")
    assert "fluid around the lung (a pleural effusion)" not in present
    present, _, _ = _report("CT: 'Cannot exclude a small effusion.'")
    assert "fluid around the lung (a pleural effusion)" not in present
    assert "raises the possibility of fluid around the lung" in reported_sentence(
        _intake(prior_imaging="Chest X-ray: 'Effusion cannot be excluded.'")
    )


def test_a_mass_denied_while_the_view_is_limited_is_not_said_absent() -> None:
    _, absent, _ = _report(
        "CT: 'No endobronchial lesion or separate lung mass identified, although underlying consolidation "
        "limits assessment.'"
    )
    assert "mass" not in absent


def test_several_nodules_a_borderline_heart_and_early_congestion_are_said_as_such() -> None:
    present, _, _ = _report(
        "HRCT: 'Multiple small centrilobular and perilymphatic nodules, upper lobe predominant.'"
    )
    assert "several small round shadows (nodules)" in present
    present, _, _ = _report("Chest X-ray: 'Borderline cardiomegaly. Upper lobe blood diversion.'")
    assert "a large heart shadow" not in present and any("borderline" in p for p in present)
    assert any("upper lobe blood diversion" in p for p in present)
    assert not any("pulmonary oedema" in p for p in present)
    present, _, _ = _report("Chest X-ray: 'Cardiomegaly with upper lobe diversion and Kerley B lines.'")
    assert "a large heart shadow" in present and any("pulmonary oedema" in p for p in present)


def test_three_findings_with_one_place_keep_one_comma() -> None:
    said = reported_sentence(
        _intake(
            prior_imaging="CT chest: 'Left lower lobe consolidation and volume loss. Left pleural "
            "collection. "
            "Emphysema both upper lobes.'"
        )
    )
    assert ",," not in said


# --- questions ------------------------------------------------------------------------------------------


def test_a_risk_named_after_the_condition_is_no_alternative() -> None:
    kinds = _asked(
        "asthma and COPD overlap", "Is the steroid in Trimbow safe for me with the pneumonia risk?"
    )
    assert ("could_it_be", "pneumonia", "") not in kinds
    assert ("could_it_be", "pneumonia", "") in _asked("COPD", "Could it be pneumonia and what are the risks?")


# --- a child's text for a child -------------------------------------------------------------------------


def test_a_child_is_told_a_childs_signs_of_aspiration_and_sleep_apnoea() -> None:
    apart = told_apart(condition("aspiration"), condition("pneumonia"), child=True)
    assert "heavy drinking" not in apart and "feeds" in apart
    assert "heavy drinking" in told_apart(condition("aspiration"), condition("pneumonia"))
    child = _intake(
        age=4,
        diagnosis_in_question="pneumonia",
        main_question="Could it be sleep apnoea? He snores and stops breathing at night.",
    )
    answers = _text(_draft(child), SectionKey.ANSWERS)
    assert "driving" not in answers and "menopause" not in answers
    assert "tonsils and adenoids" in answers


def test_a_childs_hospital_or_home_answer_weighs_a_childs_signs() -> None:
    baby = _intake(
        age=0,
        diagnosis_in_question="pneumonia",
        main_question="Is the medicine by mouth enough or should she be in hospital?",
    )
    answers = _text(_draft(baby), SectionKey.ANSWERS)
    assert "blood pressure" not in answers and "new confusion" not in answers
    assert "wet nappies" in answers
    adult = _text(_draft(_intake(main_question="Should I be in hospital?")), SectionKey.ANSWERS)
    assert "blood pressure" in adult


def test_the_vocal_cord_thing_is_asked_as_vocal_cord_dysfunction() -> None:
    for question in (
        "I saw on tiktok about vocal cord thing?? Is it really asthma?",
        "Could it be my throat/vocal cords instead?",
    ):
        assert ("could_it_be", "vocal_cord_dysfunction", "") in _asked(
            "exercise induced asthma", question, age=15
        )


def test_results_that_settle_asthma_or_copd_are_read_as_settling_them() -> None:
    asthma, copd = condition("asthma"), condition("copd")
    assert asthma.shown_in(
        "FEV1 increased by 15% after salbutamol, consistent with reversible airflow obstruction."
    )
    assert not asthma.shown_in("Normal spirometry, not reversible airflow obstruction.")
    assert not asthma.shown_in("No evidence of reversible airflow obstruction.")
    assert copd.shown_in("Spirometry: FEV1/FVC 0.51, FEV1 48% predicted.")
    assert not copd.shown_in("FEV1/FVC 0.74.")
    told = _intake(
        diagnosis_in_question="COPD",
        age=68,
        history="Spirometry: FEV1/FVC 0.51, FEV1 48% predicted. Ankle swelling on prednisolone.",
        main_question="Could it be heart failure instead?",
    )
    assert "points more to heart failure" not in _text(_draft(told), SectionKey.ANSWERS)


def test_vaccines_and_the_rsv_injection_are_answered_as_such() -> None:
    baby = _intake(
        age=0,
        diagnosis_in_question="bronchiolitis",
        main_question="Should she have had the RSV injection, and can she still have it?",
    )
    answers = _text(_draft(baby), SectionKey.ANSWERS)
    assert "nirsevimab" in answers and "palivizumab" in answers
    bcg = _intake(
        age=4, diagnosis_in_question="latent TB", main_question="Could the positive test be from her BCG?"
    )
    assert "does not affect the TB blood test" in _text(_draft(bcg), SectionKey.ANSWERS)
    assert "flu vaccine" not in _text(_draft(_intake(main_question="Is it pneumonia?")), SectionKey.ANSWERS)


def test_a_vaccine_question_is_summarised_as_one() -> None:
    baby = _intake(
        age=0, diagnosis_in_question="bronchiolitis", main_question="Can she still have the RSV jab?"
    )
    summary = _text(_draft(baby), SectionKey.SUMMARY)
    assert "whether the baby should have the RSV injection" in summary
    assert "current treatment" not in summary
    adult = _intake(diagnosis_in_question="pneumonia", main_question="Should I have the pneumonia jab?")
    assert "which vaccines are advised" in _text(_draft(adult), SectionKey.SUMMARY)


def test_weak_lungs_from_being_born_early_asks_about_bronchopulmonary_dysplasia() -> None:
    kinds = _asked("bronchiolitis", "Could it be her lungs being weak from being born early?", age=0)
    assert ("could_it_be", "bronchopulmonary_dysplasia", "") in kinds
