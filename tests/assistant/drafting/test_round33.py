"""What the reading of v923-v958 found: histories that name a service, a test or a relative's illness read
as the patient's past conditions, two medicines that both hold paracetamol, a child already examined and
sent home told to go back now, a relative's opinion read as a relative at risk, and medicines named for what
they are; then the question forms of the new cases v959-v994 once scored. Real tables; only the language
model is the mock."""

from __future__ import annotations

from assistant.drafting.conditions import condition
from assistant.drafting.facts import _history_read
from assistant.drafting.guardrails import assess_priority
from assistant.drafting.medicines import listed_medicine, medicine_sentences, paracetamol_caution
from assistant.drafting.questions import side_effects_asked
from assistant.drafting.reported import reported_findings
from assistant.drafting.same_day import assessed_and_sent_home, same_day_signs
from assistant.drafting.schemas import SectionKey
from assistant.intake import IntakeRecord, Symptom
from tests.assistant.drafting.mock_drafts import adult_pneumonia as _intake
from tests.assistant.drafting.mock_drafts import asked as _asked
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import section_text as _text


def _own(history: str) -> list[str]:
    return _history_read(history)[0]


# --- the history read as it is written -------------------------------------------------------------------


def test_a_service_named_after_a_condition_is_no_past_condition() -> None:
    # "GP has referred to the TB service" listed TB for a man never treated for it
    assert (
        _own("No previous TB or TB treatment. GP has referred to the TB service; sputum not yet sent.") == []
    )
    assert _own("ILD MDT outcome: awaited.") == []
    # being known to a condition's team says more, and is kept
    assert _own("Known to the COPD team, home oxygen.") != []


def test_the_last_item_of_a_denied_list_is_denied() -> None:
    own = _own("No FeNO, full lung function, or alpha-1 antitrypsin level.")
    assert not any("alpha-1" in name for name in own)
    # a list told as present is not denied by an earlier sentence's "no"
    assert any("alpha-1" in name for name in _own("Smoker. Emphysema, or alpha-1 antitrypsin deficiency."))


def test_a_relative_under_investigation_is_the_relatives() -> None:
    own, _, _ = _history_read(
        "Brother (smoker) with emphysema aged 60, under investigation for alpha-1 antitrypsin deficiency."
    )
    assert not any("alpha-1" in name for name in own)


def test_features_denied_and_a_screen_negative_are_no_conditions() -> None:
    assert _own("No features of connective tissue disease reported.") == []
    assert "HIV infection" not in _own("HIV, hepatitis B and C screening negative. LFTs normal.")
    assert "HIV infection" in _own("HIV, on antiretrovirals, viral load undetectable.")


def test_the_illness_counted_in_days_is_no_past_condition() -> None:
    assert _own("Mechanical fall 5 days ago. Now day 5: worsening pleuritic pain, fever.") == []
    assert _own("Pleurisy in 2019.") != []


def test_a_chest_infection_is_named_as_one() -> None:
    own = _own("Spirometry (November, during recovery from a chest infection): FEV1 61%.")
    assert own == ["a chest infection"]
    assert _own("Recurrent chest infections as a baby.") == ["chest infections"]
    assert _own("Right lower lobe pneumonia 2021.") == ["pneumonia"]


def test_trapped_air_denied_in_a_long_list_is_absent() -> None:
    intake = _intake(
        prior_imaging="HRCT chest: 'Basal reticulation. No significant mosaic attenuation or air trapping on "
        "expiratory images.'"
    )
    present, absent, _ = reported_findings(intake)
    assert "over-inflated lungs or trapped air" not in present
    assert "over-inflation" in absent


# --- medicines ---------------------------------------------------------------------------------------


def test_two_medicines_with_paracetamol_are_flagged() -> None:
    meds = [listed_medicine(m) for m in ["paracetamol 1g four times a day", "co-codamol 30/500 at night"]]
    note = paracetamol_caution(meds, 72)
    assert "contains paracetamol as well" in note and "4 g" in note
    assert paracetamol_caution([listed_medicine("co-codamol 30/500")], 72) == ""
    assert paracetamol_caution([listed_medicine("paracetamol"), listed_medicine("ibuprofen")], 72) == ""
    child = paracetamol_caution([listed_medicine("Calpol"), listed_medicine("Lemsip")], 8)
    assert "child" in child and "4 g" not in child


def test_the_paracetamol_warning_reaches_the_draft() -> None:
    content = _draft(
        _intake(
            diagnosis_in_question="bruised ribs",
            main_question="Which painkillers are safe?",
            medications=["paracetamol 1g four times a day", "co-codamol 30/500 two tablets four times a day"],
            age=83,
        )
    )
    assert "paracetamol adds up" in _text(content, SectionKey.ANSWERS)


def test_a_nebulised_mucolytic_is_no_chest_drain_medicine() -> None:
    for name in ["Pulmozyme neb once a day", "dornase alfa nebuliser daily", "carbocisteine 375mg"]:
        group = listed_medicine(name).group
        assert group is not None and group.key == "mucolytic", name
    drain = listed_medicine("alteplase and dornase via the chest drain").group
    assert drain is not None and drain.key == "fibrinolytic"


def test_montelukast_is_a_tablet_and_its_side_effects_are_answered() -> None:
    group = listed_medicine("montelukast 4mg granules at bedtime").group
    assert group is not None and group.key == "leukotriene"
    intake = IntakeRecord(
        diagnosis_in_question="asthma",
        reason_for_second_opinion="",
        main_question="Can I stop the montelukast because of the nightmares?",
        medications=["montelukast 4mg granules at bedtime"],
        age=3,
    )
    notes = side_effects_asked(intake)
    assert notes and "nightmares" in notes[0][1]


def test_an_inhaler_taken_with_a_spacer_and_mask_is_one_medicine() -> None:
    assert not listed_medicine("Clenil 100 micrograms 1 puff twice a day with spacer and mask").several
    assert listed_medicine("calpol and nurofen").several
    said = " ".join(
        medicine_sentences(
            ["Clenil Modulite 100 micrograms 1 puff twice a day with spacer and mask"], [], "asthma"
        )
    )
    assert "are each" not in said


# --- who is asked about ----------------------------------------------------------------------------------


def test_a_relatives_view_is_no_relative_at_risk() -> None:
    asked = _asked("bronchiolitis", "Does she need antibiotics like my mum says?", 0)
    assert not [a for a in asked if a[2] == "contacts"]
    asked = _asked("bronchiolitis", "Does my mum need antibiotics?", 0)
    assert [a for a in asked if a[2] == "contacts"]


def test_tb_weighed_beside_a_pneumonia_changes_the_answer_for_the_household() -> None:
    content = _draft(
        _intake(
            age=38,
            history="Born in India. Eight-week cough, night sweats, 6 kg weight loss, blood-streaked sputum.",
            main_question="Is it TB or pneumonia? Do my children need testing?",
        )
    )
    answers = _text(content, SectionKey.ANSWERS)
    assert "If tuberculosis (TB), which is being weighed here, were confirmed" in answers


def test_a_childs_school_is_labelled_school() -> None:
    content = _draft(
        IntakeRecord(
            diagnosis_in_question="post-viral cough",
            reason_for_second_opinion="",
            main_question="When can he go back to school?",
            age=5,
        )
    )
    answers = _text(content, SectionKey.ANSWERS)
    assert "On school:" in answers and "On work:" not in answers


# --- what is urgent now
# --------------------------------------------------------------------------------------


def test_a_past_choking_asked_about_is_no_emergency_now() -> None:
    past = IntakeRecord(
        diagnosis_in_question="recurrent pneumonia",
        reason_for_second_opinion="",
        main_question="Could he have breathed a nut in when he choked and it's still there causing the "
        "pneumonias?",
        age=5,
    )
    assert assess_priority(past).signs == []
    now = past.model_copy(
        update={"main_question": "He choked on a nut and is still struggling to breathe now?"}
    )
    assert assess_priority(now).signs != []


_BRONCHIOLITIS = {
    "diagnosis_in_question": "bronchiolitis",
    "reason_for_second_opinion": "She is breathing fast and sucking in under her ribs, taking half her "
    "bottles. The A&E doctor examined her and said we could go home.",
    "main_question": "Does she need antibiotics?",
    "symptoms": [Symptom(description="fast breathing with sucking in under the ribs", duration="2 days")],
    "age": 0,
}


def test_a_child_sent_home_with_the_signs_is_told_when_to_go_back() -> None:
    intake = IntakeRecord.model_validate(_BRONCHIOLITIS)
    signs = same_day_signs(intake)
    assert signs and assessed_and_sent_home(intake, signs)
    answers = _text(_draft(intake), SectionKey.ANSWERS)
    assert "already been assessed with them and sent home" in answers
    assert "should be taken to hospital now" not in answers
    # worse since: go now
    worse = IntakeRecord.model_validate(
        {**_BRONCHIOLITIS, "main_question": "She is much worse since we got home. Does she need antibiotics?"}
    )
    assert not assessed_and_sent_home(worse, same_day_signs(worse))
    assert "should be taken to hospital now" in _text(_draft(worse), SectionKey.ANSWERS)
    again = IntakeRecord.model_validate(
        {
            **_BRONCHIOLITIS,
            "main_question": "Home 4 days and now breathing fast and feeding less again. What now?",
        }
    )
    assert not assessed_and_sent_home(again, same_day_signs(again))


def test_nappies_are_named_only_when_told() -> None:
    intake = IntakeRecord.model_validate({**_BRONCHIOLITIS, "reason_for_second_opinion": "Half her bottles."})
    assert "feeding much less than usual" in same_day_signs(intake)
    told = IntakeRecord.model_validate(
        {**_BRONCHIOLITIS, "reason_for_second_opinion": "Half her bottles and only 2 wet nappies."}
    )
    assert "feeding much less than usual, with fewer wet nappies" in same_day_signs(told)


def test_follow_up_comes_after_the_same_day_assessment() -> None:
    intake = IntakeRecord.model_validate(
        {
            **_BRONCHIOLITIS,
            "reason_for_second_opinion": "Sucking in under her ribs.",
            "main_question": "What next?",
        }
    )
    answers = _text(_draft(intake), SectionKey.ANSWERS)
    assert "After the same-day assessment advised above, and not instead of it" in answers


def test_the_clot_entry_names_hormonal_and_family_risks() -> None:
    supports = condition("pulmonary_embolism").supports
    assert "combined pill" in supports and "family history of clots" in supports


# --- questions of the new cases, as they were asked
# ----------------------------------------------------------


def test_next_step_questions_as_people_ask_them() -> None:
    for dx, question in [
        ("heart failure", "What does the X-ray show and who should she see?"),
        ("heart failure", "Can my knee operation go ahead?"),
    ]:
        asked = _asked(dx, question, 75)
        assert ("next_steps", "", "") in asked, question
    asked = _asked("COPD", "Do I need the inhaler for life?", 76)
    assert ("next_steps", "", "duration") in asked


def test_an_illness_turning_into_another_now_is_what_it_might_be() -> None:
    assert ("could_it_be", "pneumonia", "") in _asked("covid", "Could it be turning into pneumonia?", 72)
    assert ("could_it_be", "pneumonia", "") in _asked("a cold", "Is it turning into a chest infection?", 40)
    # what may come later stays a risk
    assert ("next_steps", "", "risk") in _asked("covid", "Could it turn into pneumonia?", 72)


def test_a_condition_told_ruled_out_is_asked_about_not_background() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="asthma",
        reason_for_second_opinion="She had a sweat test 2 years ago which was normal so they said it isn't "
        "cystic fibrosis.",
        main_question="Is cystic fibrosis definitely ruled out by the sweat test?",
        age=9,
    )
    content = _draft(intake)
    assert "cystic_fibrosis" in {q.condition for q in content.sub_questions}
    assert "taken as background" not in _text(content, SectionKey.SUMMARY)


def test_new_names_for_what_is_asked() -> None:
    assert ("could_it_be", "connective_tissue_ild", "") in _asked(
        "atypical pneumonia", "Could it be the rheumatoid in my lungs?", 58
    )
    assert ("could_it_be", "oesophageal_rupture", "") in _asked(
        "spontaneous pneumomediastinum", "Could it be my food pipe tearing like my mate said?", 17
    )
    asked = _asked("pneumonia", "Could it be from the birds, like psittacosis or bird fancier's lung?", 69)
    assert ("could_it_be", "psittacosis", "") in asked
    assert ("could_it_be", "hypersensitivity_pneumonitis", "") in asked


def test_an_antiviral_asked_about_is_a_treatment_question() -> None:
    asked = _asked("covid", "Should I be getting Paxlovid like my friend?", 72)
    assert ("treatment", "", "") in asked
    group = listed_medicine("Paxlovid").group
    assert group is not None and group.key == "antiviral"


def test_a_condition_told_ruled_out_is_no_alternative_unless_asked_again() -> None:
    story = "They did the nose swab for RSV and COVID and said negative. His HIV test is negative."
    intake = IntakeRecord(
        diagnosis_in_question="bronchiolitis",
        reason_for_second_opinion=story,
        main_question="Is it really bronchiolitis?",
        age=1,
    )
    conditions = {q.condition for q in _draft(intake).sub_questions}
    assert not {"covid19", "hiv"} & conditions
    again = intake.model_copy(update={"main_question": "Could it be COVID after all?"})
    assert "covid19" in {q.condition for q in _draft(again).sub_questions}


def test_a_lifelong_illness_asked_about_is_no_treatment_duration() -> None:
    assert ("next_steps", "", "duration") not in _asked(
        "bronchiolitis", "Will she have asthma for life now?", 1
    )
    assert ("next_steps", "", "duration") in _asked("asthma", "does she need inhaler forever", 5)


def test_bruised_ribs_after_a_fall_are_a_chest_wall_injury() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="bruised ribs after a fall",
        reason_for_second_opinion="She fell against the bath; the X-ray showed no fracture.",
        main_question="Could a broken rib have been missed?",
        medications=["apixaban 2.5mg twice a day"],
        age=83,
    )
    content = _draft(intake)
    answers = _text(content, SectionKey.ANSWERS)
    assert "a bruised chest wall or ribs (a chest-wall injury)" in answers
    assert "costochondritis" not in answers and "troponin" not in answers
    assert "does not rule one out" in answers  # the X-ray's "no fracture", told apart from a broken rib
    # strain without an injury is still chest-wall pain
    assert _asked("pulled a muscle in my chest", "Is it really a pulled muscle?", 40)[0] == (
        "diagnosis_right",
        "",
        "",
    )
    strain = _draft(_intake(diagnosis_in_question="a pulled muscle in my chest", age=40))
    assert "costochondritis" in _text(strain, SectionKey.SUMMARY)
