"""What the reading of v707-v742 found: a faint rash read as fainting, an uncle's stay in Kenya, "hives" read
as HIV and "HIV test never done" as HIV, denials said as lists ("Never had asthma, hay fever or eczema"),
after a question ("asked about vaping, he says no") or of a family ("No one in the family with Marfan"), a
relative's question read as a TB contact, an ECG called normal beside its report of ST elevation, a sore spot
"not where the pain is" read as chest-wall pain, pericarditis, an infected walled-off effusion, atrial
fibrillation and a narrowed airway after a breathing tube never raised, a report's effusion put on the wrong
side and a hedged "no obvious mass" read as none, a blood thinner for atrial fibrillation answered as after a
clot, a cough called typical of a broken rib, other delegates' hospital stay read as the patient's, new
confusion at 47 with an infection not flagged, latent TB with night sweats and weight loss called not
catching, and TB weighed beside a culture that grew MAC. Real tables; only the language model is the mock."""

from __future__ import annotations

import pytest

from assistant.drafting.conditions import conditions_in, denied_conditions
from assistant.drafting.facts import _history_read
from assistant.drafting.questions import asserted_symptom_names
from assistant.drafting.reported import reported_sentence
from assistant.drafting.same_day import same_day_signs
from assistant.drafting.schemas import SectionKey
from assistant.drafting.setting import in_hospital
from assistant.drafting.story import fitting
from tests.assistant.drafting.mock_drafts import adult_pneumonia as _intake
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import factor_keys as _factors
from tests.assistant.drafting.mock_drafts import section_text as _text

# --- "faint" meaning slight ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "She has a faint blotchy rash on her arms since yesterday.",
        "The report mentions a faint shadow at the right base.",
        "The GP heard faint crackles on the left.",
    ],
)
def test_faint_meaning_slight_is_no_faint(text: str) -> None:
    assert "fainting" not in asserted_symptom_names(text)
    assert "feeling faint" not in asserted_symptom_names(text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("She fainted at school on Monday.", "fainting"),
        ("I felt faint on the stairs.", "feeling faint"),
        ("He went faint and collapsed in the kitchen.", "fainting"),
    ],
)
def test_a_real_faint_is_still_one(text: str, name: str) -> None:
    assert name in asserted_symptom_names(text)


# --- another person's stay abroad ---------------------------------------------------------------------------


def test_a_relatives_stay_abroad_is_not_the_patients() -> None:
    story = (
        "My daughter (11) has had a cough for 8 days. My own brother had TB about 15 years ago when he was "
        "working in Kenya and that's in the back of my mind."
    )
    assert "tb_country" not in _factors(age=11, sex="female", reason_for_second_opinion=story)


@pytest.mark.parametrize(
    "story",
    [
        "I lived in Kenya for six years with my husband, back in the UK since March.",
        "My husband and I were working in Kenya until last year.",
        "We moved here from Pakistan two years ago.",
    ],
)
def test_the_patients_own_stay_abroad_still_counts(story: str) -> None:
    assert "tb_country" in _factors(reason_for_second_opinion=story)


# --- denials and absences --------------------------------------------------------------------------------


def test_hives_are_no_hiv() -> None:
    assert "hiv" not in {c.key for c in conditions_in("Penicillin allergy (hives)")}
    assert "hiv" in {c.key for c in conditions_in("HIV positive since 2010")}


def test_a_test_never_done_is_no_past_condition() -> None:
    own, _, _ = _history_read("Non-smoker. HIV test never done. Diabetes on metformin.")
    assert "HIV infection" not in own


def test_a_denied_list_denies_every_item() -> None:
    own, _, _ = _history_read("High blood pressure for 15 years. Never had asthma, hay fever or eczema.")
    assert not any("hay fever" in name or "asthma" in name for name in own)
    assert "atopy" not in _factors(history="Never had asthma, hay fever or eczema. No pets.")


def test_a_habit_asked_about_and_denied_is_not_there() -> None:
    history = "Doesn't smoke as far as we know (we have asked about vaping, he says no)."
    assert "vaping" not in _factors(age=16, history=history)
    assert "vaping" in _factors(age=16, history="He vapes most days.")


def test_no_one_in_the_family_with_a_condition_denies_it() -> None:
    assert "marfan_syndrome" in {
        c.key for c in denied_conditions("No one in the family with Marfan that we know of")
    }


def test_a_relatives_question_about_tb_is_no_contact() -> None:
    story = "My sister-in-law, who is a nurse, asked if they had ruled out TB."
    assert "tb_contact" not in _factors(reason_for_second_opinion=story, history="No known TB contacts.")
    assert "tb_contact" in _factors(reason_for_second_opinion="My flatmate was treated for TB in March.")


def test_an_ecg_report_of_st_elevation_leaves_no_normal_ecg() -> None:
    story = "ECG done, he said early repolarization normal for young guys."
    report = "ECG: 'sinus rhythm 98, diffuse concave ST elevation, PR depression in II'."
    assert "normal_ecg" in _factors(reason_for_second_opinion=story)
    assert "normal_ecg" not in _factors(reason_for_second_opinion=story, prior_imaging=report)


def test_a_sore_spot_that_is_not_the_pain_is_no_chest_wall_pain() -> None:
    story = "The doc pressed on my chest and it was a bit sore but not really where the pain is."
    assert "chest_wall_tender" not in _factors(reason_for_second_opinion=story)
    assert "chest_wall_tender" in _factors(reason_for_second_opinion="It hurts when I press on my ribs.")


# --- alternatives the story raises ---------------------------------------------------------------------


def _alternatives(**fields: object) -> str:
    return _text(_draft(_intake(**fields)), SectionKey.ALTERNATIVES)


def test_pain_better_leaning_forward_raises_pericarditis() -> None:
    said = _alternatives(
        diagnosis_in_question="pleurisy",
        age=29,
        reason_for_second_opinion=(
            "Sharp central chest pain since a cold last week, worse lying flat, better leaning forward, "
            "goes to "
            "the top of my left shoulder."
        ),
    )
    assert "Pericarditis (inflammation of the lining around the heart) is discussed because" in said


def test_a_walled_off_effusion_raises_empyema() -> None:
    said = _alternatives(
        diagnosis_in_question="pneumonia with fluid on the lung",
        age=72,
        reason_for_second_opinion=(
            "She is still getting temperatures of 38.3 with shaking and pain on breathing in."
        ),
        prior_imaging=(
            "Chest ultrasound: 'Moderate right pleural effusion, loculated with multiple septations.'"
        ),
    )
    assert "Pus around the lung (empyema) is discussed because" in said


_FLUTTERING = [
    {"description": "breathless on the stairs", "duration": "6 weeks", "onset": "gradual"},
    {"description": "heart fluttering", "duration": "a few weeks", "onset": "sudden"},
]


def test_an_irregular_pulse_raises_a_rhythm_problem_but_a_known_one_does_not() -> None:
    new = _alternatives(
        diagnosis_in_question="asthma",
        age=74,
        reason_for_second_opinion="I get breathless on the stairs and at night.",
        symptoms=_FLUTTERING,
        prior_imaging="Pulse at GP 'irregular, 104'. BP 158/92.",
    )
    assert "A heart rhythm problem (an arrhythmia, such as atrial fibrillation) is discussed because" in new
    known = _alternatives(
        diagnosis_in_question="asthma",
        age=74,
        reason_for_second_opinion="I get breathless on the stairs and at night.",
        symptoms=_FLUTTERING,
        history=(
            "Irregular heartbeat noted once when in hospital for a hip operation 3 years ago, nothing done."
        ),
    )
    assert "A heart rhythm problem" not in known


def test_croup_again_and_again_after_a_breathing_tube_raises_a_narrowed_airway() -> None:
    story = "Born at 28 weeks, she was intubated for 3 weeks in NICU. She has had croup 5 times this year."
    said = _alternatives(diagnosis_in_question="croup", age=4, sex="female", reason_for_second_opinion=story)
    assert "subglottic stenosis" in said
    never = story.replace("she was intubated for 3 weeks in NICU", "she never had a breathing tube")
    assert "subglottic stenosis" not in _alternatives(
        diagnosis_in_question="croup", age=4, sex="female", reason_for_second_opinion=never
    )


def test_latent_tb_with_night_sweats_and_weight_loss_raises_active_tb_and_qualifies_not_catching() -> None:
    content = _draft(
        _intake(
            diagnosis_in_question="latent TB found at work screening",
            age=38,
            reason_for_second_opinion="I have had a cough for 5 weeks, night sweats and I lost 3 kg.",
            main_question="Am I contagious - can I keep working with my residents and hug my kids?",
        )
    )
    assert "Tuberculosis (TB) is discussed because a positive TB test together with" in _text(
        content, SectionKey.ALTERNATIVES
    )
    assert "That holds only once active TB has been excluded" in _text(content, SectionKey.ANSWERS)


def test_a_culture_that_grew_mac_argues_against_tb() -> None:
    fields = {
        "diagnosis_in_question": "bronchiectasis",
        "age": 70,
        "prior_imaging": "Sputum: smear negative, culture: Mycobacterium avium complex isolated.",
    }
    assert "culture_ntm" in _factors(**fields)
    said = _text(
        _draft(
            _intake(
                **fields,
                main_question="Is this mycobacterium germ TB - am I putting my grandchildren at risk?",
            )
        ),
        SectionKey.ANSWERS,
    )
    tb = said[said.index("On whether it could be tuberculosis (TB) instead:") :]
    assert (
        "without excluding it: a sputum culture that grew a mycobacterium other than TB (such as MAC)" in tb
    )


# --- reports, medicines and settings -----------------------------------------------------------------------


def test_each_finding_keeps_its_own_side() -> None:
    said = reported_sentence(
        _intake(
            prior_imaging="Chest X-ray: 'Right lower zone consolidation. Cardiomegaly. Small left effusion.'"
        )
    )
    assert "(consolidation) in the right lower zone" in said
    assert "(a pleural effusion) on the left" in said


def test_a_hedged_no_mass_is_not_said_as_no_mass() -> None:
    said = reported_sentence(
        _intake(
            prior_imaging=(
                "Chest X-ray: 'New moderate right pleural effusion. No obvious lung mass, though assessment "
                "limited by effusion. Recommend CT.'"
            )
        )
    )
    assert "pleural effusion" in said
    assert "no mass" not in said


def test_a_blood_thinner_for_atrial_fibrillation_is_not_answered_as_after_a_clot() -> None:
    def duration(**fields: object) -> str:
        return _text(
            _draft(_intake(main_question="How long will I need treatment?", **fields)), SectionKey.ANSWERS
        )

    assert "After a blood clot" not in duration(
        diagnosis_in_question="asbestos plaques", medications=["apixaban 5mg twice a day (for AF)"]
    )
    assert "After a blood clot" in duration(
        diagnosis_in_question="pulmonary embolism", medications=["apixaban 5mg twice a day"]
    )


def test_a_cough_that_only_worsens_the_pain_is_not_typical_of_a_broken_rib() -> None:
    from assistant.drafting.conditions import condition

    assert fitting(condition("rib_fracture"), ["a cough", "chest pain"]) == ["chest pain"]
    assert "a cough" in fitting(condition("pneumonia"), ["a cough"])


def test_other_people_in_hospital_leave_the_patient_at_home() -> None:
    story = (
        "GP gave me doxycycline. Today I got an email saying two other delegates are in hospital and the "
        "hotel water system is being checked."
    )
    assert not in_hospital(_intake(reason_for_second_opinion=story))


def test_new_confusion_with_an_infection_in_a_younger_adult_is_a_same_day_sign() -> None:
    story = "Still 39 on day 4 of doxycycline, and my wife says I'm a bit muddled and repeating myself."
    assert "new confusion or drowsiness with an infection" in same_day_signs(
        _intake(age=47, reason_for_second_opinion=story)
    )
    puzzled = "I have a fever and I am a bit embarrassed and also confused: I had the BCG vaccine."
    assert "new confusion or drowsiness with an infection" not in same_day_signs(
        _intake(age=31, reason_for_second_opinion=puzzled)
    )


def test_a_missed_booster_leaves_a_child_not_fully_vaccinated() -> None:
    done = "Moved from the UK aged 3, primary vaccines done there."
    assert "vaccines_up_to_date" in _factors(age=6, history=done)
    missed = done + " 4-year pre-school booster probably missed in the move."
    assert "vaccines_up_to_date" not in _factors(age=6, history=missed)
    no_bcg = done + " He never had the BCG vaccine."
    assert "vaccines_up_to_date" in _factors(age=6, history=no_bcg)


def test_the_heart_is_given_no_side() -> None:
    said = reported_sentence(
        _intake(prior_imaging="The x-ray showed fluid at the bottom of both lungs and a big heart.")
    )
    assert "a large heart shadow" in said
    assert "heart shadow on" not in said


@pytest.mark.parametrize(
    "story",
    [
        "Fever since Sunday and Dad is very confused this morning.",
        "Mum has pneumonia and is so confused this morning she cannot find the kitchen.",
    ],
)
def test_confusion_told_of_the_patient_counts_however_it_is_said(story: str) -> None:
    assert "new confusion or drowsiness with an infection" in same_day_signs(
        _intake(age=70, reason_for_second_opinion=story)
    )
