"""What the reading of v563-v598 found: questions asked in a patient's own words left unrecognised (a water
infection, being a carrier, clots left over, worms, a bit of Lego, a tournament, a creche, a drink on
antibiotics, oxygen at home, a brain scan), vaccines and trouble at birth read as illnesses, an old
operation read as recent, coal dust or nicotine vaping given weight they do not carry, a distant cousin read
as a TB contact, and an inpatient's and an outpatient's setting mixed up. Real tables; only the language
model is the mock."""

from __future__ import annotations

import pytest

from assistant.drafting.conditions import condition
from assistant.drafting.facts import _history_read
from assistant.drafting.medicines import GROUPS
from assistant.drafting.questions import known_conditions, parse_sub_questions
from assistant.drafting.risk_factors import found_factors
from assistant.drafting.schemas import SectionKey
from assistant.drafting.setting import in_hospital
from assistant.drafting.story import story_weighs
from assistant.intake import IntakeRecord, Symptom
from tests.assistant.drafting.mock_drafts import asked as _asked
from tests.assistant.drafting.mock_drafts import draft as _draft
from tests.assistant.drafting.mock_drafts import section_text as _text


def _factors(**fields: object) -> set[str]:
    base = {"diagnosis_in_question": "pneumonia", "reason_for_second_opinion": "", "main_question": "Is it?"}
    return {f.factor.key for f in found_factors(IntakeRecord(**{**base, **fields}))}


@pytest.mark.parametrize(
    ("diagnosis", "question", "age", "asked"),
    [
        (
            "pneumonia",
            "Or was the water infection the real problem all along?",
            83,
            "urinary_tract_infection",
        ),
        ("cystic fibrosis", "Could the tests be wrong, or could she just be a carrier?", 0, "cf_carrier"),
        ("pulmonary hypertension", "Could it be clots left over from my leg DVT?", 71, "cteph"),
        (
            "chronic eosinophilic pneumonia",
            "Could it be worms or something I caught in India?",
            46,
            "parasitic_infection",
        ),
        ("croup", "Could it be whooping cough or a bit of Lego stuck?", 2, "foreign_body"),
        (
            "blood clots in both lungs",
            "Was it really a clot or could it have just been anxiety?",
            31,
            "panic_attack",
        ),
        ("asthma", "Is it really asthma or is it just her colds going to her chest?", 3, "viral_wheeze"),
        (
            "heart failure",
            "Is this really her heart or could the breast cancer have come back?",
            76,
            "metastasis",
        ),
        ("IPF", "Is it definitely IPF or could it be the dust from the pit?", 74, "silicosis"),
    ],
)
def test_an_alternative_asked_in_the_patients_own_words_is_recognised(
    diagnosis: str, question: str, age: int, asked: str
) -> None:
    assert ("could_it_be", asked, "") in _asked(diagnosis, question, age)


@pytest.mark.parametrize(
    ("diagnosis", "question", "not_asked"),
    [
        # a medicine for an illness names no illness
        (
            "IPF",
            "Could her water infection tablet, nitrofurantoin, have scarred her lungs?",
            "urinary_tract_infection",
        ),
        # "an old clot or a new one" is about the clot in question, not high lung pressure from old clots
        ("pulmonary embolism", "Is it an old clot or a new one?", "cteph"),
        ("asthma", "I get anxiety, could that make it worse?", "panic_attack"),
    ],
)
def test_words_that_only_resemble_an_alternative_raise_none(
    diagnosis: str, question: str, not_asked: str
) -> None:
    assert not_asked not in {c for _, c, _ in _asked(diagnosis, question)}


@pytest.mark.parametrize(
    ("question", "age", "expected"),
    [
        ("Can I play in the tournament in 2 weeks?", 17, ("next_steps", "", "activity")),
        ("Will I be able to fly to Canada in the summer?", 71, ("next_steps", "", "activity")),
        ("Should she stay home from creche?", 1, ("next_steps", "", "activity")),
        ("Should we be pushing for a brain scan?", 83, ("next_steps", "", "tests")),
        ("Can she get Trikafta?", 0, ("treatment", "", "")),
        ("Do I really have to take the colchicine for 3 months?", 17, ("treatment", "", "")),
        ("How long do kids with CF live now?", 0, ("next_steps", "", "outlook")),
        ("Should I have oxygen in the house?", 71, ("treatment", "", "")),
    ],
)
def test_a_question_in_everyday_words_is_recognised(
    question: str, age: int, expected: tuple[str, str, str]
) -> None:
    assert expected in _asked("pericarditis", question, age)


def test_a_drink_on_antibiotics_is_answered_as_advice_not_left_to_a_prescriber() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="lung abscess",
        reason_for_second_opinion="On co-amoxiclav for a lung abscess.",
        main_question="Can I have a drink on these antibiotics?",
        medications=["co-amoxiclav 625mg three times a day"],
        age=47,
        sex="male",
    )
    treatment = next(q for q in parse_sub_questions(intake, has_images=False) if q.kind == "treatment")
    assert treatment.subjects == ["alcohol", "antibiotic"]
    assert "whether alcohol is safe with it" in treatment.summary
    answers = _text(_draft(intake), SectionKey.ANSWERS)
    assert "On alcohol with the treatment: with most antibiotics" in answers
    assert "metronidazole" in answers
    # the prescriber decides about the antibiotic, not about "alcohol with the treatment"
    assert "change the antibiotic is the prescribing clinician's decision" in answers
    assert "alcohol with the treatment is the prescribing" not in answers


def test_the_pill_after_a_clot_says_what_is_usually_suitable_instead() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="pulmonary embolism",
        reason_for_second_opinion="CT angiogram showed clots in both lungs three weeks after my caesarean.",
        main_question="Can I go back on the pill?",
        age=31,
        sex="female",
    )
    answers = _text(_draft(intake), SectionKey.ANSWERS)
    assert "a pill or patch containing oestrogen is usually not restarted" in answers
    assert "copper coil" in answers


def test_sport_after_pericarditis_is_answered_with_the_usual_three_months() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="pericarditis",
        reason_for_second_opinion="Sharp chest pain worse lying flat, ECG changes, a blood test a little up.",
        main_question="Can I play in the tournament in 2 weeks?",
        medications=["ibuprofen 600mg three times a day", "colchicine 0.6mg twice a day"],
        age=17,
        sex="male",
    )
    answers = _text(_draft(intake), SectionKey.ANSWERS)
    assert "On the tournament: competitive sport and hard training are usually stopped" in answers
    assert "at least three months" in answers


def test_a_vaccine_and_trouble_at_birth_are_no_past_illness() -> None:
    def known(history: str) -> list[str]:
        intake = IntakeRecord(
            diagnosis_in_question="asthma",
            reason_for_second_opinion="",
            main_question="Is it right?",
            history=history,
        )
        return [c.key for c in known_conditions(intake)]

    assert known("Had my flu jab, not sure about the pneumonia one.") == []
    # the Scots "jag" too, and the summary's own reading of the history agrees
    assert known("Had the flu jag, not sure about the pneumonia one.") == []
    assert _history_read("COPD. Had the flu jag, not sure about the pneumonia one.")[0] == [
        "COPD or emphysema"
    ]
    assert known("Had Covid and flu vaccines in October.") == []
    assert known("He had fluid on the lungs at birth and was in special care for 2 days.") == []
    # a real past illness is still read, and a condition present from birth is still one
    assert known("Pneumonia last winter.") == ["pneumonia"]
    assert known("Born at 26 weeks, BPD.") == ["bronchopulmonary_dysplasia"]


def test_vaccines_flu_like_turns_and_an_old_operation_are_not_recent_events() -> None:
    assert "recent_viral_illness" not in _factors(history="Had Covid and flu vaccines in October.")
    assert "recent_viral_illness" not in _factors(
        reason_for_second_opinion="I get flu-like turns a few hours after cleaning the pigeon loft."
    )
    assert "recent_viral_illness" in _factors(reason_for_second_opinion="She had a bad cold two weeks ago.")
    assert "surgery_or_immobility" not in _factors(history="Knee surgery in 2019, DVT after it.")
    assert "surgery_or_immobility" in _factors(reason_for_second_opinion="I had my knee surgery 10 days ago.")


def test_coal_dust_alone_gives_tb_no_weight_but_silica_still_does() -> None:
    base = IntakeRecord(
        diagnosis_in_question="idiopathic pulmonary fibrosis",
        reason_for_second_opinion="Two years of a dry cough and breathlessness getting slowly worse.",
        main_question="Could it be TB?",
        symptoms=[
            Symptom(description="dry cough", duration="2 years"),
            Symptom(description="tired all the time", duration="1 year"),
        ],
        history="Retired coal miner, 30 years down the pit.",
        age=74,
        sex="male",
    )
    dx, tb = condition("ipf"), condition("tuberculosis")
    assert not story_weighs(base, tb, dx)
    gold = base.model_copy(update={"history": "Worked 25 years underground in gold mines."})
    assert "silica_work" in {f.factor.key for f in found_factors(gold)}
    assert story_weighs(gold, tb, dx)


def test_nicotine_vaping_is_no_vaping_lung_injury_risk_but_thc_cartridges_are() -> None:
    assert "thc_vaping" not in _factors(history="I vape, nicotine only, about 10 years.")
    assert "thc_vaping" in _factors(history="I vape THC cartridges from a friend most weekends.")


def test_a_relative_abroad_is_no_tb_contact_but_one_who_came_to_stay_is() -> None:
    child = {"age": 4, "sex": "male"}
    assert "tb_contact" not in _factors(history="My wife's cousin in Pakistan had TB last year.", **child)
    assert "tb_contact" in _factors(
        history="My wife's cousin from Pakistan had TB and stayed with us for a month.", **child
    )


def test_thrush_shifting_shadows_and_tropical_eosinophils_raise_what_they_point_to() -> None:
    assert "oral_thrush" in _factors(
        reason_for_second_opinion="I have a white coating on my tongue I can't scrape off."
    )
    # thrush from a steroid inhaler is the inhaler's, not a weak immune system's
    assert "oral_thrush" not in _factors(
        reason_for_second_opinion="Thrush in my mouth from the Clenil inhaler."
    )
    assert "shifting_shadows" in _factors(
        prior_imaging="CT: patchy peripheral consolidation with a reversed halo sign.", age=69
    )
    worms = IntakeRecord(
        diagnosis_in_question="chronic eosinophilic pneumonia",
        reason_for_second_opinion="Blood eosinophils were high at 3.1. I went barefoot on a farm in India.",
        main_question="Could it be worms?",
        age=46,
        sex="female",
    )
    assert story_weighs(worms, condition("parasitic_infection"), condition("eosinophilic_pneumonia"))


def test_a_drip_on_the_ward_is_an_inpatient_and_home_again_is_not() -> None:
    ward = IntakeRecord(
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion="The hospital said pneumonia and put her on a drip of antibiotics.",
        main_question="Is it right?",
        age=83,
    )
    assert in_hospital(ward)
    home = IntakeRecord(
        diagnosis_in_question="atelectasis",
        reason_for_second_opinion="Bowel surgery 9 days ago, a temperature on day 2, I came home on day 6.",
        main_question="Is it right?",
        symptoms=[Symptom(description="temperature 38.1 on day 2 after surgery, none since")],
        age=68,
    )
    assert not in_hospital(home)
    shes_home = ward.model_copy(
        update={"reason_for_second_opinion": "They gave her water tablets through a drip. Now she's home."}
    )
    assert not in_hospital(shes_home)


def test_dapagliflozin_is_named_as_a_heart_failure_treatment_and_nitrofurantoin_as_a_lung_risk() -> None:
    sglt2 = next(g for g in GROUPS if g.matches("dapagliflozin 10mg"))
    assert "heart_failure" in sglt2.treats
    assert "not stopped without the prescriber" in sglt2.what
    nitro = next(g for g in GROUPS if g.matches("nitrofurantoin 50mg at night"))
    assert "scar the lungs" in nitro.what


def test_a_near_faint_on_effort_with_high_lung_pressure_is_urgent() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="pulmonary hypertension",
        reason_for_second_opinion="Breathless for a year and a half, ankles swell.",
        main_question="Could it be clots left over from my leg DVT?",
        symptoms=[Symptom(description="nearly fainted climbing stairs", duration="1 month")],
        history="DVT in 2019 after knee surgery.",
        age=71,
        sex="female",
    )
    draft = _draft(intake)
    assert str(draft.priority) == "urgent"
    assert "cteph" in draft.alternatives
    # an old operation sends nobody for a same-day clot check
    assert "pulmonary_embolism" not in draft.alternatives
    answers = _text(draft, SectionKey.ANSWERS)
    assert "ventilation-perfusion (V/Q) lung scan" in answers
    # a faint denied is none
    calm = intake.model_copy(update={"symptoms": [Symptom(description="breathless on hills, no fainting")]})
    assert str(_draft(calm).priority) == "routine"


def test_a_nurse_speaking_of_her_patients_on_the_ward_is_no_inpatient() -> None:
    nurse = IntakeRecord(
        diagnosis_in_question="latent TB",
        reason_for_second_opinion="I am scared I will give TB to my patients on the ward. Manager says fine.",
        main_question="Should I stop work?",
        age=26,
        sex="male",
    )
    assert not in_hospital(nurse)


def test_a_holiday_of_weeks_is_no_tb_country_stay_but_living_there_is() -> None:
    assert "tb_country" not in _factors(history="We had a 3-week holiday in Goa, India in March.")
    assert "tb_country" not in _factors(history="3 weeks in Goa, India last year.")
    assert "tb_country" in _factors(history="Grew up in India, moved here 10 years ago.")


def test_an_entry_saying_none_is_no_medicine_and_a_dose_keeps_its_up_to() -> None:
    from assistant.drafting.medicines import listed_medicine, medicine_sentences

    assert medicine_sentences(["none regularly"], ["lung_cancer"], "lung cancer") == []
    paracetamol = listed_medicine("paracetamol 1g up to 4 times a day")
    assert (paracetamol.name, paracetamol.note) == ("paracetamol 1g", "up to 4 times a day")


def test_a_parents_fear_that_the_baby_will_stop_breathing_is_no_report_of_pauses() -> None:
    from assistant.drafting.same_day import same_day_signs

    feared = IntakeRecord(
        diagnosis_in_question="bronchiolitis",
        reason_for_second_opinion="She is still rattly and im terrified she'll stop breathing in the night.",
        main_question="When should I take her back?",
        age=0,
        sex="female",
    )
    assert "pauses in breathing" not in same_day_signs(feared)
    seen = feared.model_copy(update={"reason_for_second_opinion": "She stopped breathing for a few seconds."})
    assert "pauses in breathing" in same_day_signs(seen)
