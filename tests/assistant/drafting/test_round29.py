"""What the reading of v779-v814 found, and what a look at the rules behind it found. Real tables; only the
language model is the mock."""

from __future__ import annotations

from assistant.drafting.guardrails import assess_priority, question_to_triage
from assistant.drafting.medicines import listed_medicine
from assistant.drafting.same_day import same_day_signs
from assistant.drafting.schemas import SectionKey
from tests.assistant.drafting.mock_drafts import adult_pneumonia as _intake
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import factor_keys as _factors
from tests.assistant.drafting.mock_drafts import section_text as _text


def _answers(**fields: object) -> str:
    """The answers section of the draft for :func:`_intake` with ``fields``."""
    return _text(_draft(_intake(**fields)), SectionKey.ANSWERS)


# --- a question about a cause is no emergency told now --------------------------------------------------


def test_a_question_about_what_caused_a_told_symptom_is_not_triaged_as_happening_now() -> None:
    assert "bleeding" not in question_to_triage(
        "How long do I take rivaroxaban, and is the heavy bleeding from it? What contraception is safe?"
    )
    assert question_to_triage("Could it just be phlegm, or the piece of steak he choked on? What next?") == (
        "What next?"
    )
    clot = _intake(
        diagnosis_in_question="pulmonary embolism",
        age=27,
        sex="female",
        symptoms=[{"description": "very heavy period since starting the tablets", "duration": "1 week"}],
        main_question="How long do I need to take rivaroxaban, and is the heavy bleeding from it?",
    )
    assert assess_priority(clot).priority == "routine"


def test_a_question_that_says_it_is_happening_now_is_still_triaged() -> None:
    assert "choking" in question_to_triage("Could it be a clot, or a heart attack, or am I choking now?")
    now = _intake(main_question="Could the crushing chest pain I have right now be a heart attack?")
    assert assess_priority(now).priority == "urgent"
    told = _intake(main_question="Could it be asthma? He is choking and cannot breathe.")
    assert assess_priority(told).priority == "urgent"


# --- a fact the diagnosis's own wording holds -----------------------------------------------------------


def test_a_fact_in_the_diagnosis_wording_counts_unless_it_names_the_diagnosis() -> None:
    assert "never_smoked" in _factors(
        diagnosis_in_question="COPD, even though I never smoked",
        reason_for_second_opinion="I have never smoked in my life.",
    )
    assert "swallowing_condition" in _factors(
        diagnosis_in_question="aspiration pneumonia (mum has Parkinson's)",
        age=78,
        history="Parkinson's disease for 10 years.",
    )
    assert "pregnancy" in _factors(
        diagnosis_in_question="blood clot in the lung in pregnancy",
        age=31,
        sex="female",
        reason_for_second_opinion="I am 30 weeks pregnant.",
    )
    # "hypertension" is part of the diagnosis's name, not high blood pressure
    assert "high_blood_pressure" not in _factors(
        diagnosis_in_question="pulmonary hypertension", history="Pulmonary hypertension found on echo."
    )


# --- a medicine is what its name says, not what its bracket mentions ------------------------------------


def test_a_bracket_naming_another_medicine_does_not_change_the_group() -> None:
    thyroid = listed_medicine("levothyroxine 50 mcg (thyroid went low on amiodarone)")
    assert thyroid.group is not None and thyroid.group.key == "thyroid"
    brand = listed_medicine("the pink medicine (Calpol)")
    assert brand.group is not None and brand.group.key == "paracetamol"


# --- a baby's pause in breathing last night -------------------------------------------------------------

_BABY = {
    "diagnosis_in_question": "pneumonia - RSV positive",
    "age": 0,
    "sex": "female",
    "symptoms": [
        {"description": "cough, worse at night", "duration": "6 days", "onset": "gradual"},
        {
            "description": "one pause in breathing for a few seconds, then coughed",
            "duration": "once, last night",
        },
    ],
}


def test_a_babys_pause_in_breathing_last_night_is_an_emergency_sign() -> None:
    assert "pauses in breathing" in same_day_signs(_intake(**_BABY))
    assert "call emergency services now" in _answers(**_BABY)


def test_a_pause_days_ago_or_feared_is_not() -> None:
    old = {**_BABY, "symptoms": [{**_BABY["symptoms"][1], "duration": "once, 3 weeks ago"}]}  # type: ignore[index]
    assert "pauses in breathing" not in same_day_signs(_intake(**old))
    feared = {
        **_BABY,
        "symptoms": _BABY["symptoms"][:1],  # type: ignore[index]
        "reason_for_second_opinion": "I'm scared she will stop breathing tonight.",
    }
    assert "pauses in breathing" not in same_day_signs(_intake(**feared))


# --- a report's denied list, and its places -------------------------------------------------------------


def _report(text: str) -> tuple[list[str], list[str], list[str]]:
    from assistant.drafting.reported import reported_findings

    return reported_findings(_intake(prior_imaging=text))


def test_a_denial_runs_through_its_list_but_not_past_a_finding_with_its_own_size() -> None:
    present, absent, _ = _report(
        "Chest X-ray: 'Lungs are clear. No focal consolidation, pneumothorax or effusion.'"
    )
    assert present == [] and "fluid around the lung" in absent
    present, absent, _ = _report("Chest X-ray: no pneumothorax, large right effusion.")
    assert present == ["fluid around the lung (a pleural effusion)"] and absent == ["pneumothorax"]
    present, _, _ = _report("Chest X-ray: No consolidation or collapse, but there is a small left effusion.")
    assert present == ["fluid around the lung (a pleural effusion)"]


def test_tramlines_are_bronchiectasis_not_a_viral_pattern() -> None:
    present, _, _ = _report(
        "HRCT: 'Cylindrical bronchiectasis of both lower lobes with bronchial wall thickening.' Chest X-ray: "
        "'Tramline shadowing both lower zones consistent with known bronchiectasis.'"
    )
    assert present == ["widened, thick-walled airways (bronchiectasis)"]
    viral, _, _ = _report("Chest X-ray: perihilar peribronchial thickening, no focal consolidation.")
    assert viral == [
        "thickened airway walls near the roots of the lungs, a pattern common with viral infections"
    ]


def test_both_lower_lobes_keep_their_level() -> None:
    _, _, where = _report("CT: consolidation in both lower lobes and a nodule in the right upper lobe.")
    assert "in both lower lobes" in where


# --- symptoms and history said as denied or as someone else's -------------------------------------------


def test_a_denied_list_of_symptoms_is_not_coughing_blood() -> None:
    from assistant.drafting.questions import asserted_symptom_names

    assert asserted_symptom_names("No cough, haemoptysis or weight loss.") == []
    assert asserted_symptom_names("Denies night sweats, haemoptysis.") == []
    assert "coughing blood" in asserted_symptom_names("No fever, but coughing up blood since Monday.")
    nodule = _answers(
        diagnosis_in_question="6 mm lung nodule",
        age=68,
        history="Ex-smoker, 30 pack-years. No cough, haemoptysis or weight loss.",
        main_question="Could it be lung cancer?",
    )
    assert "With coughing up blood at 40 or over" not in nodule


def test_past_conditions_denied_through_a_slash_or_an_or_are_not_listed() -> None:
    from assistant.drafting.facts import _history_read

    assert _history_read("No previous DVT/PE; no cancer history.")[0] == []
    assert _history_read("No previous echocardiogram or known heart failure.")[0] == []
    assert len(_history_read("Had a DVT/PE in 2019.")[0]) == 2


def test_nursing_tb_patients_is_an_exposure_and_days_ago_is_this_illness() -> None:
    from assistant.drafting.facts import _history_read

    # the ward is where she worked: no TB of hers, nor a relative's or a close contact's in the summary (a
    # read summary listed it there, which a reviewer called wrong framing); the exposure is a fact for TB
    own, theirs, _ = _history_read("Retired nurse (35 years, including TB ward work in 1980s).")
    assert own == [] and theirs == []
    assert "tb_work" in _factors(history="Retired nurse (35 years, including TB ward work in 1980s).")
    summary = _text(
        _draft(
            _intake(
                age=8,
                history="Community-acquired pneumonia diagnosed by GP on chest X-ray 3 days ago, on "
                "amoxicillin.",
            )
        ),
        SectionKey.SUMMARY,
    )
    assert "Past conditions mentioned: pneumonia" not in summary


def test_a_friends_cousin_is_no_family_history() -> None:
    story = "my friends cousin has cystic fibrosis and she coughs up stuff like me"
    assert "family_cystic_fibrosis" not in _factors(age=17, reason_for_second_opinion=story)
    assert "family_cystic_fibrosis" in _factors(
        age=17, reason_for_second_opinion="My brother had cystic fibrosis."
    )


def test_well_between_colds_is_no_interval_symptom() -> None:
    well = _factors(
        age=3,
        reason_for_second_opinion="In between colds she is fine, runs about, no cough at night.",
        symptoms=[{"description": "cough, worse at night during the cold", "duration": "4 days"}],
    )
    assert not {"interval_symptoms", "variable_symptoms"} & well
    assert {"interval_symptoms", "variable_symptoms"} <= _factors(
        age=4, reason_for_second_opinion="He wheezes even between colds and coughs at night."
    )


def test_a_settled_symptom_is_summarised_as_settled() -> None:
    summary = _text(
        _draft(
            _intake(
                symptoms=[
                    {
                        "description": "rib pain after the fall, now settled",
                        "duration": "4 months ago, lasted 3 weeks",
                    }
                ]
            )
        ),
        SectionKey.SUMMARY,
    )
    assert "chest pain for about 3 weeks, now settled" in summary
    assert "4 months" not in summary


# --- where the patient is -------------------------------------------------------------------------------


def test_home_then_back_in_is_an_inpatient_and_a_question_about_hospital_is_not() -> None:
    from assistant.drafting.setting import in_hospital

    back = _intake(
        age=88,
        reason_for_second_opinion="She went home with codeine and 2 days later was muddled so back in, now "
        "they say pneumonia. Shes on oxygen and antibiotics.",
    )
    assert in_hospital(back)
    asked = _intake(
        age=95,
        reason_for_second_opinion="A&E sent him home at 4am with co-codamol.",
        main_question="Should he be back in hospital now, and why did he fall?",
    )
    assert not in_hospital(asked)
    offered = _intake(
        age=90,
        reason_for_second_opinion="The doctor offered me either a tube that stays in so the nurses can drain "
        "it at home, or staying in hospital for a drain.",
    )
    assert not in_hospital(offered)


# --- a baby's dusky lips, medicines, conditions by age ---------------------------------------------------


def test_dusky_grey_lips_in_a_fit_are_an_emergency_sign_in_a_baby() -> None:
    baby = _intake(
        diagnosis_in_question="whooping cough",
        age=0,
        symptoms=[
            {"description": "one episode of lips going dusky/grey during a fit", "duration": "last night"}
        ],
    )
    assert "going blue, grey or floppy" in same_day_signs(baby)


def test_a_joined_entry_of_two_kinds_is_said_part_by_part() -> None:
    from assistant.drafting.medicines import listed_medicines

    pack = listed_medicines("rescue pack of prednisolone and doxycycline")
    assert [(m.name, m.group.key if m.group else None) for m in pack] == [
        ("rescue pack of prednisolone", "steroid"),
        ("doxycycline", "antibiotic"),
    ]
    assert len(listed_medicines("amoxicillin then clarithromycin")) == 1


def test_a_condition_named_as_an_exposure_is_not_the_diagnosis() -> None:
    from assistant.drafting.conditions import main_condition

    told = main_condition("TB contact - told I have 'sleeping TB' and started on preventive treatment")
    assert told is not None and told.key == "latent_tb"
    alone = main_condition("TB contact")
    assert alone is not None and alone.key == "tuberculosis"


def test_a_heart_that_goes_fast_is_its_rhythm() -> None:
    from assistant.drafting.conditions import conditions_in

    said = "I started getting out of breath going up to my flat (3rd floor) and my heart goes really fast."
    assert [c.key for c in conditions_in(said)] == ["arrhythmia"]


def test_thin_bones_in_a_child_get_no_adult_fracture_tools() -> None:
    answers = _answers(
        diagnosis_in_question="viral wheeze",
        age=3,
        main_question="Is it asthma? Are repeated steroid syrups giving her thin bones?",
    )
    assert "FRAX" not in answers and "early menopause" not in answers
    assert "thin bones are rare" in answers


def test_a_boys_heart_muscle_answer_has_no_pregnancy_form() -> None:
    answers = _answers(
        diagnosis_in_question="pulled muscle",
        age=14,
        sex="male",
        main_question="Could it be a heart muscle problem like his uncle's?",
    )
    assert "cardiomyopathy" in answers and "peripartum" not in answers
    assert "In children, cardiomyopathy is rare in children" not in answers


# --- reports said apart, plaques, a question about the film ----------------------------------------------


def test_two_headed_reports_are_said_apart() -> None:
    from assistant.drafting.reported import reported_sentence

    said = reported_sentence(
        _intake(
            prior_imaging="CT pulmonary angiogram (8 days ago): 'Filling defects consistent with acute "
            "pulmonary emboli. Small bilateral pleural effusions. Mild cardiomegaly.' Chest X-ray on "
            "admission: 'Heart size at upper limit of normal. Lungs clear.'"
        )
    )
    assert "the report of the CT pulmonary angiogram (8 days ago) mentions a large heart shadow" in said
    assert "the report of the chest X-ray on admission reads as normal" in said


def test_pleural_plaques_are_named_in_the_report() -> None:
    present, _, _ = _report(
        "Chest X-ray: 'Large right pleural effusion. Calcified pleural plaques on the left.'"
    )
    assert "patches of thickened lung lining from past asbestos exposure (pleural plaques)" in present


def test_asking_whether_the_film_is_normal_tells_no_normal_film() -> None:
    assert "normal_xray" not in _factors(main_question="Is my x-ray normal?")
    assert "normal_xray" in _factors(main_question="Why do I need antibiotics if my x-ray was clear?")


# --- what is asked about a treatment, and a proven diagnosis ----------------------------------------------


def test_a_treatments_harm_to_an_organ_is_a_side_effect_question_not_an_alternative() -> None:
    intake = _intake(
        diagnosis_in_question="heart failure",
        age=83,
        medications=["IV furosemide (hospital)"],
        main_question="Is it heart failure or a chest infection? Is the water tablet damaging her kidneys?",
    )
    draft = _draft(intake)
    assert not any(q.condition == "kidney_disease" for q in draft.sub_questions)
    assert "Water tablets such as furosemide are checked with kidney blood tests" in _text(
        draft, SectionKey.ANSWERS
    )


def test_copd_shown_on_spirometry_is_not_outweighed_by_a_second_question() -> None:
    answers = _answers(
        diagnosis_in_question="COPD flare-up",
        age=57,
        history="Current smoker, 40 pack-years. COPD diagnosed 4 years ago on spirometry (FEV1 55% "
        "predicted). New blood-streaked sputum and weight loss of 3 kg. Father died of lung cancer.",
        symptoms=[
            {"description": "blood streaks in phlegm", "duration": "2 weeks"},
            {"description": "weight loss", "duration": "3 months"},
        ],
        main_question="Could it be lung cancer?",
    )
    assert "points more to a lung cancer" not in answers


def test_a_diagnosis_of_anxiety_and_earlier_panic_attacks() -> None:
    from assistant.drafting.conditions import main_condition

    told = main_condition("chest pain is anxiety")
    assert told is not None and told.key == "panic_attack"
    assert "panic_history" in _factors(
        diagnosis_in_question="chest pain is anxiety", age=15, history="Previous panic attacks last year."
    )
    assert "panic_history" not in _factors(diagnosis_in_question="pneumonia", history="No anxiety.")


def test_a_symptom_better_now_is_not_said_to_have_settled() -> None:
    summary = _text(
        _draft(
            _intake(symptoms=[{"description": "swollen painful ankles", "duration": "2 months, better now"}])
        ),
        SectionKey.SUMMARY,
    )
    assert "for about 2 months, now better" in summary


def test_a_film_reported_as_normal_is_a_normal_film_and_a_finding_before_the_headings_keeps_one_report() -> (
    None
):
    from assistant.drafting.reported import reported_sentence

    assert "normal_xray" in _factors(
        prior_imaging="Chest x-ray in January at the GP's request, reported as normal."
    )
    together = reported_sentence(
        _intake(
            prior_imaging="CT abdomen (kidney stones) showed lung base mass; CT chest: '3 cm spiculated "
            "mass, no nodes'; PET-CT: 'avid, SUV 9, no spread'."
        )
    )
    assert together.startswith("As the intake describes the earlier imaging report, it mentions a mass")


def test_damage_as_a_noun_is_no_treatments_harm() -> None:
    asked = _draft(
        _intake(
            diagnosis_in_question="TB came back on old damaged lung",
            age=70,
            medications=["prednisolone 30mg"],
            main_question="Is it really TB again? Is the damage just old scars? How long on the steroids "
            "and is the damage for good?",
        )
    )
    assert any(q.condition == "old_scar" for q in asked.sub_questions)
    assert "side effect of prednisolone" not in _text(asked, SectionKey.SUMMARY)


def test_a_report_that_found_no_collapsed_lung_answers_whether_it_could_be_one() -> None:
    answers = _answers(
        diagnosis_in_question="broken ribs and now pneumonia after a fall",
        age=88,
        sex="female",
        reason_for_second_opinion="My nan fell in her kitchen and broke 3 ribs.",
        prior_imaging="Chest X-ray on admission: 'Fractures of right 6th-8th ribs. No pneumothorax.'",
        main_question="Could the lung be collapsed?",
    )
    assert "The report quoted in the intake found no collapsed lung at the time" in answers
    assert "spontaneous" not in answers
