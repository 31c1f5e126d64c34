"""What the reading of v851-v886 found: results read as results (pending, negative, resolved, planned),
conditions the table lacked, and one text said once. Real tables; only the language model is the mock."""

from __future__ import annotations

from assistant.drafting.conditions import conditions_in, main_condition
from assistant.drafting.facts import _history_read
from assistant.drafting.medicines import _current, listed_medicine
from assistant.drafting.questions import asserted_symptom_names, pregnant_now
from assistant.drafting.reported import reported_findings
from assistant.drafting.sanitize import body_key
from assistant.drafting.schemas import SectionKey
from tests.assistant.drafting.mock_drafts import adult_pneumonia as _intake
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import factor_keys as _factors
from tests.assistant.drafting.mock_drafts import section_text as _text

_PNEUMOTHORAX = "air between the lung and the chest wall (a pneumothorax)"
_EFFUSION = "fluid around the lung (a pleural effusion)"
_CAVITY = "a hollow area inside a shadow (a cavity)"


def _present(report: str) -> list[str]:
    return reported_findings(_intake(prior_imaging=report))[0]


# --- medicines ------------------------------------------------------------------------------------------


def test_every_word_that_ends_a_medicine_ends_it_everywhere() -> None:
    # "no longer taking" was a note the still-taken filter missed; "(course done)" was said finished but
    # counted as taken
    for entry, said in [
        ("salbutamol no longer taking", "salbutamol (stopped)"),
        ("amoxicillin (course done)", "amoxicillin (course finished)"),
        ("clopidogrel stopped 2016", "clopidogrel (stopped)"),
    ]:
        med = listed_medicine(entry)
        assert med.said == said
        assert _current([med]) == []
    assert _current([listed_medicine("amoxicillin 500mg three times a day")]) != []


# --- the history as written -----------------------------------------------------------------------------


def test_a_test_still_pending_is_no_condition() -> None:
    own, family, _ = _history_read("NPA: Chlamydia PCR positive; RSV and pertussis PCR pending.")
    assert own == [] and family == []
    assert _history_read("Pertussis PCR positive.")[0] != []


def test_a_list_of_tests_with_one_result_at_its_end_is_negative_throughout() -> None:
    own = _history_read(
        "SARS-CoV-2 PCR, respiratory viral panel, sputum/blood cultures negative. PJP prophylaxis."
    )[0]
    assert not [n for n in own if "COVID" in n or "Pneumocystis" in n]
    assert _history_read("ANA/ENA/HIV/LFTs normal, no portal hypertension.")[0] == []
    assert _history_read("HIV positive, CD4 normal.")[0] == ["HIV infection"]


def test_a_denied_family_history_runs_through_its_list() -> None:
    assert _history_read("No family history of lung disease or childhood tumours.")[:2] == ([], [])
    assert _history_read("Mother had childhood asthma.")[1] == ["asthma"]


def test_choking_with_feeds_is_a_feeding_difficulty_not_a_choking_episode() -> None:
    own = _history_read("Posseting, coughing and choking with feeds; started Gaviscon.")[0]
    assert own == ["coughing and choking with feeds or drinks"]
    assert "choking_episode" not in _factors(age=0, history="Coughing and choking with feeds.")
    assert "choking_episode" in _factors(age=3, reason_for_second_opinion="He choked on a peanut.")


def test_checkpoint_inhibitor_pneumonitis_is_a_drug_reaction_not_pneumonia() -> None:
    found = main_condition("pneumonitis from immunotherapy (pembrolizumab)")
    assert found is not None and found.key == "drug_induced_lung"
    assert _history_read("Admitted with grade 3 pneumonitis on pembrolizumab.")[0] == [
        "lung inflammation or scarring caused by a medicine (drug-induced lung disease)"
    ]


# --- facts of the story ---------------------------------------------------------------------------------


def test_parents_said_not_to_be_related_are_not_cousins() -> None:
    assert "parents_related" not in _factors(age=0, history="Non-consanguineous parents.")
    assert "parents_related" in _factors(age=0, history="Consanguineous parents (first cousins).")


def test_travel_planned_or_asked_about_is_no_stay() -> None:
    for text in [
        "Family planning travel to Nigeria August.",
        "Is it safe for him to fly to Nigeria in August?",
        "We also have tickets to Lagos in August.",
        "We are flying to Ghana next month.",
    ]:
        assert "malaria_area" not in _factors(age=11, reason_for_second_opinion=text), text
    assert "malaria_area" in _factors(reason_for_second_opinion="Back from Nigeria 2 weeks ago with fever.")
    assert "malaria_area" in _factors(reason_for_second_opinion="Came back to London from Lagos in August.")


def test_a_pregnancy_hoped_for_or_advised_against_is_none_now() -> None:
    for text in [
        "Can I ever get pregnant safely?",
        "Pregnancy counselled as high risk; advised highly effective contraception.",
        "Is it safe for me to get pregnant again?",
    ]:
        woman = _intake(age=34, sex="female", reason_for_second_opinion=text)
        assert "pregnancy" not in _factors(age=34, sex="female", reason_for_second_opinion=text), text
        assert not pregnant_now(woman), text


def test_a_pregnancy_told_in_weeks_is_a_pregnancy_now() -> None:
    for history, story in [
        ("31F, G1P0, 33+2/40, uncomplicated pregnancy to date.", ""),
        ("", "I'm 33 weeks with my first baby and have a fever."),
    ]:
        assert pregnant_now(_intake(age=31, sex="female", history=history, reason_for_second_opinion=story))
    assert not pregnant_now(_intake(age=31, sex="female", reason_for_second_opinion="I'm 6 weeks post op."))


def test_a_pregnant_woman_asked_about_a_clot_is_not_offered_a_d_dimer_first() -> None:
    content = _draft(
        _intake(
            age=31,
            sex="female",
            history="31F, G1P0, 33+2/40. Fever, rusty sputum, right pleuritic pain. CRP 210.",
            main_question="Could it be a clot in my lung instead?",
        )
    )
    answers = _text(content, SectionKey.ANSWERS)
    assert "the test that usually settles the question is a D-dimer" not in answers


def test_weight_loss_surgery_is_no_weight_loss() -> None:
    story = "The consultant mentioned weight loss surgery but she is terrified of operations."
    assert "weight loss" not in asserted_symptom_names(story)
    assert "weight loss" in asserted_symptom_names("I have had weight loss of 6 kg.")


def test_a_centile_that_has_fallen_is_no_fall() -> None:
    assert "chest_injury" not in _factors(age=0, history="Weight fallen 50th -> 25th centile.")
    assert "chest_injury" in _factors(reason_for_second_opinion="I fell on the ice onto my ribs.")


def test_a_short_steroid_course_weakens_no_immune_system() -> None:
    assert "immunosuppression" not in _factors(medications=["prednisolone 40mg daily for 5 days"])
    assert "immunosuppression" not in _factors(medications=["prednisolone 30 mg daily (rescue pack)"])
    assert "immunosuppression" in _factors(medications=["prednisolone 10mg daily"])


def test_a_normal_eosinophil_count_is_not_high() -> None:
    assert "eosinophils_high" not in _factors(history="FeNO 12, eosinophils 0.1.")
    assert "eosinophils_high" in _factors(history="Eosinophils 1.2.")


def test_results_that_argue_against_a_condition_are_read() -> None:
    assert "normal_sweat_test" in _factors(age=3, history="Sweat chloride 18 mmol/L.")
    assert "normal_sweat_test" not in _factors(age=3, history="Sweat chloride 78 mmol/L, raised.")
    assert "negative_ctpa" in _factors(history="CTPA: no pulmonary embolism.")
    assert "negative_ctpa" not in _factors(history="CTPA showed a clot in the right lower lobe artery.")
    assert "negative_challenge" in _factors(history="Negative methacholine challenge (PD20 >400 mcg).")
    assert "normal_immunoglobulins" in _factors(age=5, history="Immunoglobulins normal.")


# --- reports --------------------------------------------------------------------------------------------


def test_part_of_a_lung_collapsed_is_no_pneumothorax() -> None:
    assert _PNEUMOTHORAX not in _present(
        "The X-ray shows my left diaphragm higher than before and a bit of collapsed lung at the bottom."
    )
    assert _PNEUMOTHORAX in _present("The X-ray showed a collapsed lung on the right.")
    story = "The X-ray shows a bit of collapsed lung at the bottom after the operation."
    assert "pneumothorax" not in {c.key for c in conditions_in(story)}


def test_a_finding_said_to_have_resolved_is_gone() -> None:
    report = (
        "Chest X-ray (admission): 'Small left pleural effusion.' Chest X-ray (discharge): 'Improving "
        "consolidation. Effusion resolved.'"
    )
    assert _EFFUSION not in _present(report)
    assert _EFFUSION in _present("Chest X-ray: 'Small left pleural effusion.'")


def test_a_hole_in_the_heart_is_no_cavity() -> None:
    story = "The echo found a large hole between the bottom chambers of his heart."
    assert _CAVITY not in _present(story)
    assert _CAVITY in _present("CT: 'A thick-walled cavity in the right upper lobe.'")


# --- conditions the table lacked ------------------------------------------------------------------------


def test_conditions_a_second_opinion_meets_are_recognised() -> None:
    for text, key in [
        ("transient tachypnoea of the newborn", "transient_tachypnoea"),
        ("they said it's hyperventilation", "dysfunctional_breathing"),
        ("a breathing pattern disorder", "dysfunctional_breathing"),
        ("raised left hemidiaphragm", "diaphragm_weakness"),
        ("paralysed left diaphragm after my heart bypass operation", "diaphragm_weakness"),
        ("motor neurone disease affecting her breathing", "neuromuscular_weakness"),
        ("myasthenia gravis", "neuromuscular_weakness"),
        ("is it just his thymus?", "normal_thymus"),
        ("a hamartoma on the CT", "hamartoma"),
        ("bacterial tracheitis", "bacterial_tracheitis"),
        ("SVCO (blocked big vein) from a lung tumour", "svco"),
        ("aspergilloma (fungus ball) in old TB scar", "aspergillosis"),
        ("fungal chest infection (aspergillus) during chemo", "aspergillosis"),
        ("swallowed coin stuck in his throat, maybe a battery", "swallowed_object"),
        ("CTEPH, old clots on the lungs causing high pressure", "cteph"),
        ("Tietze syndrome", "costochondritis"),
        ("a ground-glass nodule", "nodule"),
        ("a calcified granuloma", "old_scar"),
    ]:
        found = main_condition(text)
        assert found is not None and found.key == key, (text, found)
    # the allergy to the mould stays its own condition, and a plain fungal infection is not an aspergilloma
    abpa = main_condition("allergic bronchopulmonary aspergillosis")
    assert abpa is not None and abpa.key == "abpa"
    fungal = main_condition("histoplasmosis")
    assert fungal is not None and "aspergilloma" not in fungal.name


def test_a_new_condition_is_weighed_with_its_own_test() -> None:
    content = _draft(
        _intake(
            age=0,
            diagnosis_in_question="chest infection",
            reason_for_second_opinion="She was born by caesarean yesterday and has been breathing fast.",
            main_question="Could it be fluid on the lungs from the birth (transient tachypnoea) instead?",
        )
    )
    alternatives = _text(content, SectionKey.ALTERNATIVES)
    assert "transient tachypnoea of the newborn" in alternatives
    # its settling test, said once: in the answer to the question, or in the entry
    assert "72 hours" in _text(content, SectionKey.ANSWERS) + alternatives
    assert "a birth by caesarean section" in alternatives


# --- one text said once ---------------------------------------------------------------------------------


def test_the_same_text_under_two_lead_ins_is_one_saying() -> None:
    body = "whooping cough brings bouts of intense coughing with a whoop or vomiting after them, well spells"
    assert body_key(f"What usually tells whooping cough from pneumonia: {body}.") == body_key(
        f"What tells it from pneumonia: {body}."
    )
    assert body_key("What differs in children: it is rare.") == ""  # too short to call a repeat
    # the settling test stays in each differential entry
    assert body_key("The test that usually settles it: " + body) == ""
    assert (
        body_key("A sentence with no lead-in at all, long enough to be counted as a repeat if it were.") == ""
    )


def test_an_asked_alternatives_comparison_is_not_said_again_in_its_entry() -> None:
    content = _draft(
        _intake(
            age=0,
            diagnosis_in_question="pneumonia",
            main_question="Could it be whooping cough instead?",
        )
    )
    keys = [
        body_key(s.text)
        for key in (SectionKey.ANSWERS, SectionKey.ALTERNATIVES)
        for s in content.section(key).sentences
    ]
    said = [k for k in keys if k]
    assert said and len(said) == len(set(said))
    # the entry still says what points to it and against it
    alternatives = _text(content, SectionKey.ALTERNATIVES)
    assert "What would point to it" in alternatives and "What argues against it" in alternatives


def test_a_report_with_findings_the_table_cannot_name_is_not_called_normal() -> None:
    from assistant.drafting.reported import reported_sentence

    strained = _intake(
        prior_imaging="Chest X-ray: 'Clear lungs.' Echocardiogram: 'Dilated right ventricle, PASP 52 mmHg. "
        "Good left ventricular function, normal valves.'"
    )
    said = reported_sentence(strained)
    assert "echocardiogram reads as normal" not in said
    assert "echocardiogram describes findings for the reviewing clinician to explain" in said
    clear = _intake(prior_imaging="Chest X-ray: 'Clear lungs.' Echocardiogram: 'Normal study.'")
    assert "echocardiogram reads as normal" in reported_sentence(clear)


def test_a_vein_going_into_the_heart_is_a_place_not_a_heart_problem() -> None:
    assert conditions_in("a scan showed the big vein going into the heart is blocked") == []
    assert conditions_in("is the water coming from the heart?") != []


def test_a_symptom_noted_as_resolved_is_no_sign_now() -> None:
    from assistant.drafting.guardrails import symptoms_now

    discharged = _intake(
        age=47,
        symptoms=[
            {"description": "confusion (resolved)", "duration": "2 days", "onset": "sudden"},
            {"description": "tiredness", "duration": "10 days", "onset": "gradual"},
        ],
    )
    assert "confusion" not in " ".join(symptoms_now(discharged))
    confused = _intake(
        age=47, symptoms=[{"description": "confusion", "duration": "2 days", "onset": "sudden"}]
    )
    assert "confusion" in " ".join(symptoms_now(confused))


def test_an_infection_named_in_a_list_of_possibilities_is_asked_about() -> None:
    for text in [
        "Could it be his heart failure or an infection?",
        "Is it really radiation pneumonitis and not the cancer or an infection?",
        "Could it be infection?",
    ]:
        assert "pneumonia" in {c.key for c in conditions_in(text, fuzzy=True)}, text
    assert conditions_in("Is it a virus or an infection of the bladder?", fuzzy=True)[0].key != "pneumonia"
    assert "pneumonia" not in {c.key for c in conditions_in("He had an infection last year.", fuzzy=True)}
