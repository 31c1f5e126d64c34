"""What the reading of v887-v922 found: questions asked as a clinician's letter or a parent writes them, facts
denied or said absent, results that settle a question, a complication asked about as a risk, and summaries
that say what happened. Real tables; only the language model is the mock."""

from __future__ import annotations

from assistant.drafting.answers import _raised_by_the_course
from assistant.drafting.conditions import condition, conditions_in
from assistant.drafting.facts import _history_read
from assistant.drafting.medicines import _current, listed_medicine
from assistant.drafting.questions import asserted_symptom_names, symptom_durations
from assistant.drafting.reported import reported_findings
from assistant.drafting.risk_factors import bearing_on
from assistant.drafting.same_day import same_day_signs
from assistant.drafting.schemas import SectionKey
from tests.assistant.drafting.mock_drafts import adult_pneumonia as _intake
from tests.assistant.drafting.mock_drafts import asked as _asked
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import factor_keys as _factors
from tests.assistant.drafting.mock_drafts import section_text as _text


def _keys(text: str) -> set[str]:
    return {c.key for c in conditions_in(text)}


def _could_it_be(diagnosis: str, question: str, age: int = 50) -> set[str]:
    return {cond for kind, cond, _ in _asked(diagnosis, question, age) if kind == "could_it_be"}


# --- questions as they are asked -----------------------------------------------------------------------


def test_an_infection_asked_about_in_the_past_tense_is_asked_about() -> None:
    # "could it have been an infection" made a sub-question named "been an infection"
    asked = _could_it_be(
        "TTN - 'wet lung' after c-section", "Could it have been an infection that they stopped?", 0
    )
    assert asked == {"pneumonia"}


def test_what_may_follow_is_asked_as_a_risk_not_as_what_it_is() -> None:
    question = "Will he get asthma because of this? What should I watch for?"
    asked = _asked("TTN - 'wet lung' after c-section", question, 0)
    assert ("could_it_be", "asthma", "") not in asked
    assert [k for k, _, topic in asked if topic == "risk"] == ["next_steps"]
    # "could I get a collapsed lung from these ribs?" stays a question of what it might be now
    assert "pneumothorax" in _could_it_be("a broken rib", "Could I get a collapsed lung from these ribs?")


def test_a_complication_feared_for_later_is_a_risk() -> None:
    for text, key in [
        ("I'm anxious about a delayed haemothorax on a DOAC.", "haemothorax"),
        ("I've seen elderly patients go off with chest sepsis on our ward.", "sepsis"),
    ]:
        asked = _asked("#ribs R 7-8, on DOAC - discharged", text, 79)
        assert ("could_it_be", key, "") not in asked, text


def test_a_parent_asks_in_their_own_words() -> None:
    for text, key in [
        ("Does a normal X-ray mean he definitely didn't breathe in a peanut?", "foreign_body"),
        ("Could it be a problem with her immunity?", "immunodeficiency"),
        ("Is the big heart real or could it just be the thymus?", "normal_thymus"),
        ("Could it still be just plaques and scarring?", "pleural_plaques"),
    ]:
        assert key in _keys(text), text


def test_the_clinical_shorthand_for_broken_ribs_and_a_collapsed_lung_is_read() -> None:
    for text in ["#ribs R 7-8, on DOAC - discharged", "# R 7th and 8th ribs", "left rib # x2"]:
        assert "rib_fracture" in _keys(text), text
    assert "pneumothorax" in _keys("?small apical PTX")
    assert _keys("#NOF 2019") == set()


def test_a_tumour_said_of_another_organs_cancer_is_no_lung_cancer() -> None:
    story = "Bowel cancer spread to liver. I still get a bit of blood from my back passage from the tumour."
    assert "lung_cancer" not in _keys(story)
    assert "lung_cancer" not in _keys("CT: 'Sigmoid primary tumour unchanged.'")
    assert "lung_cancer" in _keys("I had bowel cancer in 2019. Could the tumour in my lung be a new one?")


# --- facts denied or said absent -----------------------------------------------------------------------


def test_a_denial_with_a_qualifier_still_denies() -> None:
    assert _history_read("No witnessed choking episode.")[0] == []
    assert "asthma" not in _history_read("No previous wheeze, no eczema or food allergy, no FHx asthma.")[0]


def test_a_fact_said_absent_after_it_is_absent() -> None:
    assert "clubbing" not in _factors(history="2/12 cough, streaky haemoptysis. Clubbing absent.")
    assert "clubbing" in _factors(history="Finger clubbing noted.")


def test_a_medicine_taken_irregularly_is_still_taken() -> None:
    med = listed_medicine("amlodipine 5mg (not taking every day)")
    assert med.said == "amlodipine 5mg (not taking every day)"
    assert _current([med]) == [med]
    assert _current([listed_medicine("salbutamol (not taking)")]) == []


def test_parents_conditions_are_the_familys() -> None:
    own, family, _ = _history_read("Atopic eczema. Maternal asthma, paternal allergic rhinitis.")
    assert "asthma" not in own and "asthma" in family


def test_shorthand_heart_attack_and_air_under_the_skin() -> None:
    assert "heart_attack" in _keys("PMH: inferior MI 2015 (PCI to RCA), hypertension.")
    assert "heart_attack" not in _keys("mi casa")
    assert "copd" not in _keys("Tender ribs, no surgical emphysema, no flail.")
    assert "copd" in _keys("Emphysema on CT.")


def test_the_illness_now_is_no_past_condition() -> None:
    assert _history_read("4 months progressive dyspnoea, left chest wall ache, 3 kg weight loss.")[0] == []
    assert _history_read("Paroxysmal cough with post-tussive emesis and inspiratory whoop.")[0] == []
    assert _history_read("Last pertussis-containing vaccine in adolescence.")[0] == []
    assert _history_read("Costochondritis 2019.")[0] != []


# --- results that settle a question --------------------------------------------------------------------


def test_a_negative_tb_culture_counts_against_tb() -> None:
    intake = _intake(
        history="EBUS: adenocarcinoma. No granulomas. AFB smear negative, TB culture negative at 6 weeks."
    )
    _, lowering = bearing_on(intake, condition("tuberculosis"))
    assert "negative_tb_culture" in {f.factor.key for f in lowering}
    assert "negative_tb_culture" not in _factors(history="TB culture pending.")


def test_a_proven_cancer_is_not_argued_against_by_never_smoking() -> None:
    proven = _intake(history="Never smoker. EBUS biopsy: lung adenocarcinoma.")
    _, lowering = bearing_on(proven, condition("lung_cancer"))
    assert "never_smoked" not in {f.factor.key for f in lowering}
    _, lowering = bearing_on(_intake(history="Never smoker."), condition("lung_cancer"))
    assert "never_smoked" in {f.factor.key for f in lowering}


def test_a_quick_read_before_the_radiologists_report_is_no_normal_report() -> None:
    story = "Chest X-ray was normal on the preliminary read, formal radiology report to follow."
    assert "normal_xray" not in _factors(history=story)
    assert "normal_xray" in _factors(history="CXR reported as normal by the radiologist.")


def test_a_breath_cut_short_by_pain_is_not_over_breathing() -> None:
    for text in [
        "Sudden stabbing pain and I couldn't get a full breath in.",
        "Can't get a full breath, winded on stairs.",
    ]:
        assert "over_breathing_signs" not in _factors(age=24, reason_for_second_opinion=text), text
    assert "over_breathing_signs" in _factors(age=24, reason_for_second_opinion="Tingling in my fingers.")


# --- the course of the illness -------------------------------------------------------------------------


def test_pus_around_the_lung_is_weighed_only_while_something_points_to_it() -> None:
    def raised(**fields: object) -> bool:
        return any(c.key == "empyema" for c, _ in _raised_by_the_course(_intake(**fields)))

    failed = "Two courses of antibiotics and still no better."
    assert raised(reason_for_second_opinion=failed + " Fever of 39 every evening.")
    assert not raised(reason_for_second_opinion=failed, history="Afebrile. CRP 120 -> 14.")
    pain = failed + " Sharp pain on breathing in on the right."
    assert raised(reason_for_second_opinion=pain)
    assert not raised(reason_for_second_opinion=pain, prior_imaging="CXR: 'No pleural effusion.'")


# --- reports -------------------------------------------------------------------------------------------


def test_a_report_that_queries_a_finding_does_not_state_it() -> None:
    report = "CXR: 'Possible thin right apical pneumothorax, rim less than 1 cm.'"
    assert (
        "air between the lung and the chest wall (a pneumothorax)"
        not in reported_findings(_intake(prior_imaging=report))[0]
    )


def test_no_new_nodules_leaves_the_one_described() -> None:
    report = "CT: 'Persistent 8 mm pure ground-glass nodule in the left upper lobe. No new nodules.'"
    present, absent, _ = reported_findings(_intake(prior_imaging=report))
    assert "a hazy round spot (a ground-glass nodule)" in present
    assert "nodule" not in absent
    present, _, _ = reported_findings(_intake(prior_imaging="CT: 'Centrilobular ground-glass nodules.'"))
    assert "a hazy round spot (a ground-glass nodule)" not in present


# --- medicines and plans -------------------------------------------------------------------------------


def test_combined_tb_tablets_are_tb_medicines() -> None:
    for name in ["Voractiv 4 tablets every morning", "Rifafour e-275", "TB drugs 4 in 1 tablets (RHZE)"]:
        group = listed_medicine(name).group
        assert group is not None and group.key == "tb_medicine", name


def test_a_clot_with_an_active_cancer_is_treated_for_longer() -> None:
    intake = _intake(
        diagnosis_in_question="clot on lung found on scan (PE) - cancer related",
        history="Metastatic sigmoid adenocarcinoma on palliative FOLFOX. Incidental segmental PE.",
        main_question="How long do I need the injections for?",
    )
    assert "at least six months" in _text(_draft(intake), SectionKey.ANSWERS)
    plain = _intake(diagnosis_in_question="pulmonary embolism", main_question="How long do I need it for?")
    assert "at least six months" not in _text(_draft(plain), SectionKey.ANSWERS)


# --- the summary ---------------------------------------------------------------------------------------


def test_symptoms_that_came_in_episodes_are_said_as_episodes() -> None:
    intake = _intake(
        symptoms=[
            {"description": "pneumonia with high fever", "duration": "3 times in 18 months"},
            {"description": "wet cough every morning", "duration": "more than 1 year"},
        ]
    )
    assert symptom_durations(intake)[0] == (["fever (3 times in 18 months)"], "")
    rate = _intake(symptoms=[{"description": "diarrhoea 3-4 times a day", "duration": "6 weeks"}])
    assert symptom_durations(rate)[0][1] == "6 weeks"


def test_everyday_words_for_symptoms_are_read() -> None:
    for text, name in [
        ("lost nearly a stone without trying", "weight loss"),
        ("can't get a full breath, winded on stairs", "breathlessness"),
        ("bit of blood from back passage now and then", "bleeding from the back passage"),
        ("squeaky noise breathing in", "noisy or difficult breathing in (stridor)"),
    ]:
        assert name in asserted_symptom_names(text), text


# --- same-day advice ----------------------------------------------------------------------------------


def test_signs_told_of_weeks_ago_are_no_sign_now() -> None:
    story = (
        "Two weeks ago she had a bad cold, breathing fast, not feeding, and we took her to A&E. "
        "She got better at home after one night."
    )
    baby = _intake(
        age=0,
        diagnosis_in_question="bronchiolitis",
        reason_for_second_opinion=story,
        symptoms=[
            {"description": "fast breathing and poor feeding with a cold (now better)", "duration": "5 days"}
        ],
    )
    assert same_day_signs(baby) == []
    now = _intake(
        age=0, diagnosis_in_question="bronchiolitis", reason_for_second_opinion="She is not feeding."
    )
    assert same_day_signs(now) != []


def test_a_fall_in_oxygen_on_effort_in_a_long_illness_is_for_the_team_following_it() -> None:
    def signs(duration: str) -> list[str]:
        return same_day_signs(
            _intake(
                age=41,
                diagnosis_in_question="long COVID",
                reason_for_second_opinion="My oxygen on my watch drops to 92 when I walk fast.",
                symptoms=[{"description": "breathless on stairs", "duration": duration}],
            )
        )

    assert signs("4 months") == []
    assert signs("3 weeks, worsening") != []
    assert signs("2 days") != []


def test_a_mass_that_cannot_be_entirely_excluded_is_not_reported_as_found() -> None:
    report = (
        "CXR: 'Bilateral upper zone patchy consolidation and nodularity with a thick-walled cavity. "
        "An underlying mass lesion cannot be entirely excluded in a smoker.'"
    )
    present, _, _ = reported_findings(_intake(prior_imaging=report))
    assert "a mass" not in present
    assert "several small round shadows (nodules)" in present
    assert "a mass" in reported_findings(_intake(prior_imaging="CT: 'A 4 cm right upper lobe mass.'"))[0]


# --- questions the batch written blind this round asked, after it was scored -----------------------------


def test_next_steps_asked_in_everyday_words() -> None:
    for question, topic in [
        ("Should he be off school?", "activity"),
        ("Will he have to give up farming?", "activity"),
        ("When should she be reviewed or tested properly?", ""),
    ]:
        assert ("next_steps", "", topic) in _asked("pneumonia", question, 8), question


def test_possibilities_asked_in_everyday_words() -> None:
    assert "rib_fracture" in _could_it_be(
        "bruised ribs", "Could my ribs be broken even though the X-ray said not?"
    )
    assert _could_it_be(
        "pulmonary hypertension 'secondary to COPD'", "Could it be from old clots from my embolism?"
    ) == {"cteph"}
    asked = _could_it_be(
        "TTN",
        "Was it TTN and not an infection that they missed? Could they have missed an infection?",
        0,
    )
    assert not [c for c in asked if "missed" in c]


def test_cancer_anti_sickness_and_diarrhoea_medicines_are_named() -> None:
    for name, key in [
        ("FOLFOX chemo with bevacizumab every 2 weeks", "cancer_medicine"),
        ("pembrolizumab 200mg every 3 weeks", "cancer_medicine"),
        ("ondansetron 8mg", "anti_sickness"),
        ("loperamide 2mg when needed", "anti_diarrhoea"),
    ]:
        group = listed_medicine(name).group
        assert group is not None and group.key == key, name
    assert listed_medicine("dalteparin 18,000 units").group.key != "cancer_medicine"  # type: ignore[union-attr]
