"""What the reading of v743-v778 found: "2.5 weeks" read as 5, a sweat test as sweating, a vaccine and a
place where TB is common as past illnesses, "a chemo drug" looked up as a cancer history, a worry about
whooping cough as a contact, "my heart was OK" and "after PE" as conditions asked about, fluid inside an
abscess as an effusion, a queried mass as a mass, the scan a clot was found on as a lung cancer, a lung
adenocarcinoma as no condition; spirometry without reversibility and a big heart on the film not weighed;
stridor and a tight throat not symptoms; a recent near faint with a weighed clot sent to urgent care, an
illness over still an emergency, a doctor asked on the ward an admission; a preventer trial as asthma's test
under one, ex-smoker advice for a never-smoker, a child's CT "reasonable to ask for", no brain MRI in
lung-cancer staging, and the X-ray's dose unanswered in pregnancy. Real tables; only the language model is
the mock."""

from __future__ import annotations

from assistant.drafting.schemas import SectionKey
from tests.assistant.drafting.mock_drafts import adult_pneumonia as _intake
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import factor_keys as _factors
from tests.assistant.drafting.mock_drafts import section_text as _text


def _answers(**fields: object) -> str:
    """The answers section of the draft for :func:`_intake` with ``fields``."""
    return _text(_draft(_intake(**fields)), SectionKey.ANSWERS)


# --- a breathing tube, read by the risk-factor table ---------------------------------------------------


def test_a_breathing_tube_is_a_fact_of_the_story_and_a_denied_one_is_not() -> None:
    assert "breathing_tube" in _factors(
        reason_for_second_opinion="She was on a ventilator for 3 weeks in NICU."
    )
    assert "breathing_tube" in _factors(history="Intubated for 10 days after the crash in 2019.")
    assert "breathing_tube" not in _factors(reason_for_second_opinion="She never had a breathing tube.")
    assert "breathing_tube" not in _factors(history="Works in a well ventilated office.")


# --- a faint with a suspected clot ----------------------------------------------------------------------

_CLOT_STORY = (
    "Told it is a panic attack. I am on the combined pill, my left calf aches and the pain is worse when I "
    "breathe in. Yesterday I nearly passed out on the stairs."
)

_CLOT_SYMPTOMS = [
    {"description": "sudden breathlessness", "duration": "2 days", "onset": "sudden"},
    {"description": "sharp pain on the left when breathing in", "duration": "2 days", "onset": "sudden"},
]


def test_a_near_faint_with_a_suspected_clot_sends_to_a_and_e_today() -> None:
    answers = _answers(
        diagnosis_in_question="panic attacks",
        age=24,
        sex="female",
        reason_for_second_opinion=_CLOT_STORY,
        symptoms=_CLOT_SYMPTOMS,
        main_question="Could it be a blood clot?",
    )
    assert "A faint or near faint with a suspected blood clot in the lung is a warning sign" in answers
    assert "assessed in hospital today (A&E)" in answers
    assert "urgent-care service should be asked today" not in answers


def test_without_a_faint_a_suspected_clot_keeps_the_same_day_advice() -> None:
    story = _CLOT_STORY.replace(" Yesterday I nearly passed out on the stairs.", " I have not fainted.")
    answers = _answers(
        diagnosis_in_question="panic attacks",
        age=24,
        sex="female",
        reason_for_second_opinion=story,
        symptoms=_CLOT_SYMPTOMS,
        main_question="Could it be a blood clot?",
    )
    assert "A faint or near faint" not in answers
    assert "usually assessed the same day" in answers


# --- no test for what is not diagnosed at the age --------------------------------------------------------


def test_no_preventer_trial_offered_as_the_test_for_asthma_in_a_baby() -> None:
    content = _draft(
        _intake(
            diagnosis_in_question="bronchiolitis again",
            age=0,
            sex="female",
            reason_for_second_opinion="She is 8 months old and wheezy with a cold for the second time.",
            main_question="Is it really asthma? What happens next?",
        )
    )
    text = _text(content, SectionKey.ANSWERS) + " " + _text(content, SectionKey.ALTERNATIVES)
    assert "trial of a preventer inhaler" not in text
    assert "none at this age (asthma is not diagnosed in a baby under a year old" in text


# --- results that already weigh: no reversibility, a big heart on the film ------------------------------


def test_no_reversibility_argues_against_asthma() -> None:
    for said in (
        "Spirometry: FEV1 68%, FEV1/FVC 0.75; post-bronchodilator FEV1 +4% (not significant).",
        "Breathing test showed no significant reversibility.",
    ):
        assert "no_reversibility" in _factors(history=said)
    assert "no_reversibility" not in _factors(history="Spirometry showed good reversibility, 18%.")


def test_a_big_heart_in_the_report_is_a_fact_even_beside_who_translated_it() -> None:
    report = "Chest X-ray 3 weeks ago (translated by a neighbour): 'Cardiomegaly. Small bilateral effusions.'"
    assert "big_heart_on_film" in _factors(prior_imaging=report)
    assert "big_heart_on_film" not in _factors(prior_imaging="Chest X-ray: heart size normal, lungs clear.")
    assert "big_heart_on_film" not in _factors(history="My dad had an enlarged heart.")


def test_asthma_is_not_said_to_fit_when_the_tests_argue_against_it() -> None:
    answers = _answers(
        diagnosis_in_question="asthma",
        age=74,
        sex="female",
        reason_for_second_opinion=(
            "Wheezy since Easter, worse at night: I wake at 2am gasping and sleep on three pillows. "
            "My ankles swell by the evening and I have put on 3 kilos."
        ),
        history="High blood pressure for 15 years.",
        prior_imaging=(
            "Chest X-ray (translated by a neighbour): 'Cardiomegaly. Small bilateral pleural "
            "effusions.' Spirometry: post-bronchodilator FEV1 +4% (not significant)."
        ),
        main_question="Could it be my heart instead?",
    )
    assert "The story fits asthma" not in answers
    assert "an enlarged heart on an X-ray or scan" in answers
    assert "breathing tests that did not improve after a reliever inhaler" in answers


# --- facts read as written --------------------------------------------------------------------------------


def test_a_duration_with_a_decimal_or_a_range_is_kept_whole() -> None:
    content = _draft(
        _intake(
            symptoms=[
                {"description": "cough with foul phlegm", "duration": "2.5 weeks", "onset": "gradual"},
                {"description": "fevers", "duration": "2-3 days", "onset": "sudden"},
            ]
        )
    )
    summary = _text(content, SectionKey.SUMMARY)
    assert "for about 2.5 weeks" in summary and "for about 5 weeks" not in summary
    assert "for about 2-3 days" in summary


def test_a_sweat_test_is_no_sweating() -> None:
    from assistant.drafting.questions import asserted_symptom_names

    assert "sweating" not in asserted_symptom_names("Our GP mentioned a sweat test but said to wait and see.")
    assert "sweating" in asserted_symptom_names("He gets sweaty and tired with feeds.")


def test_a_vaccine_or_a_place_where_tb_is_common_is_no_past_illness() -> None:
    from assistant.drafting.facts import _history_read

    assert _history_read("No asthma. Fully vaccinated for COVID-19.")[0] == []
    assert _history_read("No known TB contacts, born in UK, no travel to high-TB areas.")[0] == []
    assert _history_read("Had COVID in 2021.")[0] == ["COVID-19"]


def test_a_medicine_described_as_chemo_is_no_cancer_history() -> None:
    said = "my consultant says i should start hydroxyurea. i looked it up and its a chemo drug. is it chemo?"
    assert not {"known_cancer", "immunosuppression"} & _factors(reason_for_second_opinion=said)
    assert {"known_cancer", "immunosuppression"} <= _factors(history="Had chemo for breast cancer in 2019.")


def test_an_illness_over_gives_no_same_day_sign_from_its_symptom_list() -> None:
    from assistant.drafting.same_day import same_day_signs

    fields: dict[str, object] = {
        "diagnosis_in_question": "acute chest syndrome",
        "age": 14,
        "symptoms": [
            {"description": "short of breath, sats down to 90", "duration": "3 days", "onset": "sudden"}
        ],
    }
    over = "2 weeks ago i was admitted with a crisis and got oxygen. im home now and ok."
    assert same_day_signs(_intake(reason_for_second_opinion=over, **fields)) == []
    still = "2 weeks ago i was admitted with a crisis. im home now and ok but still breathless on the stairs."
    assert same_day_signs(_intake(reason_for_second_opinion=still, **fields)) != []


# --- reports and diagnoses as written ---------------------------------------------------------------------


def test_a_queried_finding_is_a_possibility_not_a_finding() -> None:
    from assistant.drafting.reported import reported_sentence

    said = reported_sentence(
        _intake(
            prior_imaging=(
                "Chest X-ray: 'widening of the superior mediastinum. ?unfolded aorta ?thoracic aortic "
                "aneurysm ?mediastinal mass. Lungs clear.'"
            )
        )
    )
    assert "raises the possibility of a mass without saying it is there" in said
    assert "mentions a mass" not in said
    placed = reported_sentence(
        _intake(prior_imaging="X-ray: right lower lobe consolidation, possible effusion.")
    )
    assert "mentions a dense patch" in placed and "raises the possibility of fluid around the lung" in placed


def test_the_scan_a_clot_was_found_on_is_no_second_diagnosis() -> None:
    from assistant.drafting.conditions import diagnosis_family

    found = diagnosis_family("pulmonary embolism (blood clot in lung) found by chance on his cancer scan")
    assert [c.key for c in found] == ["pulmonary_embolism"]
    assert [c.key for c in diagnosis_family("pneumonia and sepsis")] == ["pneumonia", "sepsis"]


def test_a_lung_adenocarcinoma_is_a_lung_cancer_and_its_staging_names_a_brain_scan() -> None:
    from assistant.drafting.conditions import main_condition

    dx = "stage 3A lung adenocarcinoma (left upper lobe) with spread to a lymph node"
    found = main_condition(dx)
    assert found is not None and found.key == "lung_cancer"
    assert main_condition("bowel adenocarcinoma") is None
    answers = _text(
        _draft(_intake(diagnosis_in_question=dx, age=60, main_question="Do I need a brain scan first?")),
        SectionKey.ANSWERS,
    )
    assert "None of the conditions discussed here usually needs a brain scan" not in answers
    assert "a brain MRI scan is usually part of the staging for a stage 2 or 3 cancer" in answers


def test_fluid_inside_an_abscess_is_not_fluid_around_the_lung() -> None:
    from assistant.drafting.reported import reported_findings

    present = reported_findings(
        _intake(reason_for_second_opinion="My chest X-ray showed a cavity with fluid in the right lung.")
    )[0]
    assert "a hollow area inside a shadow (a cavity)" in present
    assert "fluid around the lung (a pleural effusion)" not in present
    effusion = reported_findings(
        _intake(reason_for_second_opinion="The X-ray showed fluid in the right lung.")
    )[0]
    assert "fluid around the lung (a pleural effusion)" in effusion


def test_pe_after_a_lesson_and_a_heart_said_to_be_ok_name_no_condition() -> None:
    from assistant.drafting.conditions import conditions_in

    assert conditions_in("coughing and a bit wheezy after PE, worse in cold") == []
    assert [c.key for c in conditions_in("after PE was diagnosed in 2019 I took warfarin")] == [
        "pulmonary_embolism"
    ]
    assert conditions_in("They said my heart was OK.") == []
    assert [c.key for c in conditions_in("could it be my heart?")] == ["heart_attack"]


def test_a_worry_about_whooping_cough_is_no_contact_and_a_missed_booster_is_a_missed_vaccine() -> None:
    worry = "We have a 5-week-old baby at home and I've read whooping cough is dangerous for babies."
    assert "whooping_contact" not in _factors(age=7, reason_for_second_opinion=worry)
    assert "whooping_contact" in _factors(age=7, reason_for_second_opinion="His cousin has whooping cough.")
    found = _factors(
        age=7, history="Missed pre-school booster (4-in-1 including pertussis) after a house move."
    )
    assert "missed_vaccines" in found


def test_noisy_breathing_in_and_a_tight_throat_are_symptoms_that_fit_vocal_cord_dysfunction() -> None:
    from assistant.drafting.conditions import condition
    from assistant.drafting.questions import asserted_symptom_names
    from assistant.drafting.story import fitting

    names = asserted_symptom_names(
        "cant breathe in at the end of hard races, throat feels tight; loud noisy breathing in"
    )
    assert {"noisy or difficult breathing in (stridor)", "throat tightness"} <= set(names)
    assert "noisy or difficult breathing in (stridor)" not in asserted_symptom_names("no stridor")
    assert set(fitting(condition("vocal_cord_dysfunction"), names)) >= {
        "noisy or difficult breathing in (stridor)",
        "throat tightness",
    }


def test_a_condition_the_diagnosis_names_as_its_cause_is_not_said_to_have_nothing_for_it() -> None:
    answers = _answers(
        diagnosis_in_question=("lung scarring (interstitial lung disease) from my rheumatoid arthritis"),
        age=70,
        sex="female",
        main_question="Is it the methotrexate or the arthritis?",
    )
    assert "Nothing in the story as told points to lung disease linked to rheumatoid arthritis" not in answers


def test_never_smoked_with_wood_smoke_is_answered_as_never_smoked() -> None:
    answers = _answers(
        diagnosis_in_question="COPD",
        age=63,
        sex="female",
        history=(
            "Cooked over an indoor open wood fire for 25 years. Never smoked; husband smoked until 2015."
        ),
        main_question="Can I really have COPD from the wood smoke when I never smoked?",
    )
    assert "for someone who has never smoked, years of breathing smoke from cooking" in answers
    assert "for someone who has already stopped" not in answers


def test_a_ct_for_a_young_child_is_weighed_against_its_dose() -> None:
    answers = _answers(
        diagnosis_in_question="round pneumonia",
        age=4,
        sex="male",
        reason_for_second_opinion="It looked like a ball on the X-ray. Could it be a tumour?",
        main_question="Could it be a tumour? Does he need a CT scan? What happens next?",
    )
    assert "so asking for one is reasonable" not in answers
    assert "A CT scan gives a child a higher radiation dose than an X-ray" in answers
    assert "after a round pneumonia, to confirm that the round shadow has gone" in answers


def test_one_place_for_same_day_care_when_the_draft_already_sends_to_hospital() -> None:
    answers = _answers(
        diagnosis_in_question="costochondritis",
        age=31,
        sex="female",
        symptoms=[
            {"description": "swollen aching left calf", "duration": "1 day", "onset": "sudden"},
            {"description": "breathless on the stairs", "duration": "1 day", "onset": "sudden"},
        ],
        main_question="Could it be a blood clot?",
    )
    assert "assessed in hospital today (A&E)" in answers
    assert "the assessment in hospital advised above is the place to ask about it" in answers
    assert "urgent-care service should be asked today" not in answers


def test_a_worry_that_the_x_ray_harmed_the_baby_is_answered() -> None:
    from assistant.drafting.composer import compose_draft
    from assistant.drafting.llm import MockLLM
    from assistant.drafting.schemas import ImagingFindings

    intake = _intake(
        age=34,
        sex="female",
        reason_for_second_opinion="I am 28 weeks pregnant.",
        main_question="Has the chest X-ray harmed my baby?",
    )
    content = compose_draft(intake, ImagingFindings(kinds=["cxr"]), [], MockLLM(responses=[""]))
    assert "a chest X-ray in pregnancy gives the baby a tiny dose" in _text(content, SectionKey.ANSWERS)


def test_a_doctor_asked_on_the_ward_before_is_no_admission_now() -> None:
    from assistant.drafting.setting import in_hospital

    asked = "My lung collapsed 3 weeks ago. When I asked the doctor on the ward he said it was a coincidence."
    assert not in_hospital(_intake(reason_for_second_opinion=asked))
    assert in_hospital(_intake(reason_for_second_opinion="The nurse on the ward said she is better."))


def test_a_known_cancer_named_beside_a_clot_is_no_hidden_cancer_asked_about() -> None:
    summary = _text(
        _draft(
            _intake(
                diagnosis_in_question="pulmonary embolism found by chance on his cancer scan",
                age=83,
                main_question="Is the blood thinner safe when his bowel cancer is bleeding?",
            )
        ),
        SectionKey.SUMMARY,
    )
    assert "a cancer not yet found" not in summary
    assert "a lung cancer or other lung mass" not in summary


def test_part_of_a_lung_collapsed_is_no_pneumothorax() -> None:
    from assistant.drafting.conditions import conditions_in

    assert "pneumothorax" not in [
        c.key for c in conditions_in("The X-ray said part of his lung has collapsed.")
    ]
    assert [c.key for c in conditions_in("Could the lung have collapsed again?")] == ["pneumothorax"]


def test_a_relatives_tb_years_ago_is_no_contact_but_a_recent_one_is() -> None:
    long_ago = "My mother had TB back in Pakistan years ago and we visited family there last summer."
    assert "tb_contact" not in _factors(age=11, reason_for_second_opinion=long_ago)
    assert "tb_contact" in _factors(
        age=11, reason_for_second_opinion="My mother had TB 2 years ago and lives with us."
    )


def test_an_aside_naming_the_relative_keeps_the_fact_theirs() -> None:
    said = "the grandfather (my father in law) he stays with us, he had TB last year and took the drugs."
    found = _factors(age=3, reason_for_second_opinion=said)
    assert "previous_tb" not in found and "tb_contact" in found


def test_a_babys_signs_of_heart_failure_together_call_for_a_doctor_today() -> None:
    from assistant.drafting.same_day import BABY_HEART_SIGN, same_day_signs

    symptoms = [
        {
            "description": "sweaty head during feeds, tires and stops",
            "duration": "months",
            "onset": "gradual",
        },
        {"description": "breathing fast even when well", "duration": "months", "onset": "gradual"},
        {"description": "not gaining weight well", "duration": "months", "onset": "gradual"},
    ]
    fields: dict[str, object] = {"diagnosis_in_question": "recurrent chest infections", "age": 0}
    assert BABY_HEART_SIGN in same_day_signs(_intake(symptoms=symptoms, **fields))
    assert BABY_HEART_SIGN not in same_day_signs(_intake(symptoms=symptoms[:2], **fields))
    assert BABY_HEART_SIGN not in same_day_signs(_intake(symptoms=symptoms, **{**fields, "age": 3}))
    answers = _answers(symptoms=symptoms, main_question="What test does he need and how quickly?", **fields)
    assert "sweating with feeds, fast breathing and poor weight gain in a baby" in answers
    assert "taken to hospital now" in answers
