"""Fourteenth-round conditions (b): a sunken or raised breastbone, precordial catch syndrome, pain from
the spine or a trapped nerve, a problem in the tummy felt in the chest, sepsis, cancer of the gullet,
obstructive sleep apnoea and being unfit or overweight, with the lay words patients use for them,
kept apart from chest-wall pain, reflux, a hiatus hernia, lung cancer, a wound gone septic and
weight loss.

Real condition, pair, question and pack tables; no model.
"""

from __future__ import annotations

import pytest

from assistant.drafting import questions
from assistant.drafting.conditions import (
    condition,
    conditions_in,
    diagnosis_family,
    main_condition,
    told_apart,
)
from assistant.intake import IntakeRecord
from tests.assistant.drafting.test_conditions_round11 import asked_alternatives, assert_complete_and_backed

#: The new entries, each with the pack note that backs it.
NEW = {
    "pectus": "pectus-excavatum-and-carinatum",
    "precordial_catch": "precordial-catch-syndrome",
    "spinal_pain": "chest-pain-from-the-spine",
    "abdominal_cause": "tummy-problems-felt-in-the-chest",
    "sepsis": "sepsis-and-chest-infection",
    "oesophageal_cancer": "oesophageal-cancer",
    "sleep_apnoea": "obstructive-sleep-apnoea",
    "deconditioning": "deconditioning",
}


@pytest.mark.parametrize(("key", "note"), sorted(NEW.items()))
def test_complete_and_backed_by_a_note_that_names_it(key: str, note: str) -> None:
    assert_complete_and_backed(key, note)


def test_sepsis_is_assessed_the_same_day_and_the_harmless_ones_are_not() -> None:
    assert condition("sepsis").urgent and "lactate" in condition("sepsis").test
    for key in ("pectus", "precordial_catch", "deconditioning", "sleep_apnoea"):
        assert not condition(key).urgent, key


def test_the_usual_tests_are_named() -> None:
    assert "endoscopy" in condition("oesophageal_cancer").test
    assert "sleep study" in condition("sleep_apnoea").test
    assert "blood gas" in condition("sleep_apnoea").test
    assert "ultrasound" in condition("abdominal_cause").test
    assert "MRI" in condition("spinal_pain").test
    assert "echocardiogram" in condition("pectus").test
    assert "ECG" in condition("precordial_catch").test
    assert "exercise test" in condition("deconditioning").test


def test_a_childs_pneumonia_can_feel_like_tummy_pain() -> None:
    """A pneumonia low in a lung can show as tummy pain in a child, and the reverse: the entry says so
    and asks for a chest X-ray in a child with fever or fast breathing."""
    cond = condition("abdominal_cause")
    assert "pneumonia" in cond.child_note and "chest X-ray" in cond.test_child
    assert "pneumonia" in told_apart(cond, condition("pneumonia"))


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("could it be pectus excavatum", "pectus"),
        ("he has pectus carinatum", "pectus"),
        ("is it his funnel chest making him breathless", "pectus"),
        ("she is pigeon-chested", "pectus"),
        ("a sunken breastbone", "pectus"),
        ("his breastbone sticks out", "pectus"),
        ("a dent in his chest", "pectus"),
        ("could it be precordial catch syndrome", "precordial_catch"),
        ("could it be Texidor's twinge", "precordial_catch"),
        ("a sharp catch in his chest", "precordial_catch"),
        ("a stabbing pain in her chest that lasts a few seconds", "precordial_catch"),
        ("could it be a trapped nerve", "spinal_pain"),
        ("a pinched nerve in my back", "spinal_pain"),
        ("arthritis in my upper back", "spinal_pain"),
        ("could it be my back?", "spinal_pain"),
        ("a slipped disc", "spinal_pain"),
        ("a thoracic spine problem", "spinal_pain"),
        ("pain coming from my spine", "spinal_pain"),
        ("is it ankylosing spondylitis", "spinal_pain"),
        ("could it be gallstones", "abdominal_cause"),
        ("could it be gall stones", "abdominal_cause"),
        ("a gallbladder attack", "abdominal_cause"),
        ("could it be his appendix", "abdominal_cause"),
        ("is it appendicitis", "abdominal_cause"),
        ("a stomach ulcer", "abdominal_cause"),
        ("an ulcer in the stomach", "abdominal_cause"),
        ("a duodenal ulcer", "abdominal_cause"),
        ("could it be pancreatitis", "abdominal_cause"),
        ("could he have sepsis", "sepsis"),
        ("is it blood poisoning", "sepsis"),
        ("he went septic", "sepsis"),
        ("septic shock", "sepsis"),
        ("septicaemia", "sepsis"),
        ("an infection in the blood", "sepsis"),
        ("oesophageal cancer", "oesophageal_cancer"),
        ("esophageal cancer", "oesophageal_cancer"),
        ("cancer of the gullet", "oesophageal_cancer"),
        ("a tumour in his food pipe", "oesophageal_cancer"),
        ("esophagus cancer", "oesophageal_cancer"),
        ("oesophagal cancer", "oesophageal_cancer"),
        ("obstructive sleep apnoea", "sleep_apnoea"),
        ("could it be sleep apnea", "sleep_apnoea"),
        ("is it OSA", "sleep_apnoea"),
        ("he stops breathing in his sleep", "sleep_apnoea"),
        ("pauses in her breathing at night", "sleep_apnoea"),
        ("he snores and then stops breathing", "sleep_apnoea"),
        ("obesity hypoventilation syndrome", "sleep_apnoea"),
        ("is it deconditioning", "deconditioning"),
        ("could it be just being unfit", "deconditioning"),
        ("I'm out of shape", "deconditioning"),
        ("is it just my weight?", "deconditioning"),
        ("could it be because I'm overweight", "deconditioning"),
        ("he is not very fit", "deconditioning"),
    ],
)
def test_named_in_lay_words(text: str, key: str) -> None:
    assert key in [c.key for c in conditions_in(text, fuzzy=True)]


@pytest.mark.parametrize(
    "text",
    [
        # a chest that sucks in with each breath is recession, a barrel chest over-inflated lungs
        "his chest sucks in when he breathes",
        "his breastbone sinks in with each breath",
        "a barrel chest",
        "a sharp pain on breathing in",
        "a stitch in my side when running",
        "the pain goes through to my back",
        "tearing pain in my upper back",
        "my nerves are bad",
        "mouth ulcers",
        "a leg ulcer",
        "acid coming up from my stomach",
        "the cut on his finger went septic",
        "an antiseptic cream",
        "the septic tank",
        "the baby had apnoeas with bronchiolitis",
        "woke up gasping for breath",
        "I lost weight",
        "my weight has dropped",
        "weight loss and night sweats",
        "I have put on weight",
        "unfit for surgery",
        "not fit to fly",
        "he had a fit",
        "being overweight raises the risk of clots",
        "lung cancer",
    ],
)
def test_not_read_into_other_words(text: str) -> None:
    keys = [c.key for c in conditions_in(text, fuzzy=True)]
    assert not set(NEW) & set(keys), keys


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        # A cancer of the gullet is not a lung cancer, which "cancer" alone still is.
        ("oesophageal cancer", ["oesophageal_cancer"]),
        ("cancer of the oesophagus", ["oesophageal_cancer"]),
        ("could it be cancer", ["lung_cancer"]),
        # Tummy problems are kept apart from reflux and a hiatus hernia.
        ("acid reflux", ["reflux"]),
        ("a hiatus hernia", ["hiatus_hernia"]),
        ("gallstones or reflux", ["abdominal_cause", "reflux"]),
        # A chest-wall deformity is not chest-wall pain; chest-wall pain stays itself.
        ("a chest wall deformity", ["pectus"]),
        ("chest wall pain", ["costochondritis"]),
        # A baby's pauses in breathing with bronchiolitis stay bronchiolitis.
        ("bronchiolitis with apnoeas", ["bronchiolitis"]),
        ("pneumonia with sepsis", ["pneumonia", "sepsis"]),
    ],
)
def test_kept_apart_from_its_neighbours(text: str, keys: list[str]) -> None:
    assert [c.key for c in conditions_in(text, fuzzy=True)] == keys


def test_a_gullet_cancer_diagnosis_leaves_lung_cancer_to_ask_about() -> None:
    """Today's fix: 'oesophageal cancer' was read as a lung cancer. Its name holds 'cancer', but a lung
    cancer is not part of the diagnosis, so the patient can still ask about it."""
    assert main_condition("oesophageal cancer") == condition("oesophageal_cancer")
    assert [c.key for c in diagnosis_family("oesophageal cancer")] == ["oesophageal_cancer"]
    assert ("could_it_be", "lung_cancer") in asked_alternatives(
        "Could it be lung cancer instead?", "oesophageal cancer", 66
    )
    assert ("could_it_be", "oesophageal_cancer") in asked_alternatives(
        "Could it be oesophageal cancer?", "reflux", 64
    )
    assert ("could_it_be", "lung_cancer") not in asked_alternatives(
        "Could it be oesophageal cancer?", "reflux", 64
    )


@pytest.mark.parametrize(
    ("question", "dx", "age", "key"),
    [
        ("Could his funnel chest be making him breathless?", "asthma", 14, "pectus"),
        ("Could it be precordial catch syndrome?", "costochondritis", 12, "precordial_catch"),
        ("Could it be Texidor's twinge instead?", "panic attack", 15, "precordial_catch"),
        ("Could it be a trapped nerve in my back?", "angina", 58, "spinal_pain"),
        ("Could it be gallstones?", "angina", 52, "abdominal_cause"),
        ("Could it be his appendix?", "pneumonia", 7, "abdominal_cause"),
        ("Could he have sepsis?", "pneumonia", 72, "sepsis"),
        ("Is it blood poisoning?", "pneumonia", 80, "sepsis"),
        ("Could it be cancer of the gullet?", "hiatus hernia", 70, "oesophageal_cancer"),
        ("Could it be sleep apnoea?", "heart failure", 60, "sleep_apnoea"),
        ("Could it be obstructive sleep apnea?", "asthma", 45, "sleep_apnoea"),
        ("Could it be just being unfit?", "heart failure", 50, "deconditioning"),
        ("Is it just my weight?", "asthma", 38, "deconditioning"),
    ],
)  # fmt: skip
def test_asked_as_an_alternative(question: str, dx: str, age: int, key: str) -> None:
    assert ("could_it_be", key) in asked_alternatives(question, dx, age)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("pectus", "costochondritis"),
        ("pectus", "marfan_syndrome"),
        ("pectus", "asthma"),
        ("precordial_catch", "costochondritis"),
        ("precordial_catch", "pneumothorax"),
        ("precordial_catch", "pericarditis"),
        ("spinal_pain", "costochondritis"),
        ("spinal_pain", "shingles"),
        ("spinal_pain", "heart_attack"),
        ("spinal_pain", "aortic_dissection"),
        ("abdominal_cause", "reflux"),
        ("abdominal_cause", "heart_attack"),
        ("abdominal_cause", "pneumonia"),
        ("abdominal_cause", "hiatus_hernia"),
        ("sepsis", "pneumonia"),
        ("sepsis", "pulmonary_embolism"),
        ("sepsis", "viral_infection"),
        ("oesophageal_cancer", "lung_cancer"),
        ("oesophageal_cancer", "reflux"),
        ("oesophageal_cancer", "oesophageal_spasm"),
        ("sleep_apnoea", "heart_failure"),
        ("sleep_apnoea", "copd"),
        ("sleep_apnoea", "pulmonary_hypertension"),
        ("deconditioning", "heart_failure"),
        ("deconditioning", "asthma"),
        ("deconditioning", "anaemia"),
    ],
)
def test_each_new_pair_is_told_apart(a: str, b: str) -> None:
    text = told_apart(condition(a), condition(b))
    assert text and text == told_apart(condition(b), condition(a))


def test_sepsis_is_asked_about_beside_the_infection_not_instead_of_it() -> None:
    """Sepsis is the body's reaction to an infection such as the pneumonia diagnosed: the question is
    whether it is behind the illness or present as well, not whether it is another illness instead."""
    intake = IntakeRecord(diagnosis_in_question="pneumonia", main_question="Could he have sepsis?", age=72)
    subs = [q for q in questions.parse_sub_questions(intake, has_images=False) if q.condition == "sepsis"]
    assert subs and "present as well" in subs[0].summary
