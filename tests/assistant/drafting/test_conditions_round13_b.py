"""Thirteenth-round conditions (b): an injury to the liver, spleen or kidney under broken lower ribs,
silicosis and the other dust diseases of the lungs, a hiatus hernia, vocal cord dysfunction, shingles,
anaemia, myeloma and oesophageal spasm, with the lay words patients use for them and the everyday words
that must not name them ("damage my liver" from tablets, "acute kidney injury", the shingles vaccine,
sickle cell anaemia, a low white count, a plain "cancer in the bones" or "blood cancer", a bone marrow
biopsy, a muscle spasm, a coronary spasm, food stuck in the gullet).

Real condition, pair, question and pack tables; no model.
"""

from __future__ import annotations

import pytest

from assistant.drafting import questions
from assistant.drafting.conditions import condition, conditions_in, told_apart
from assistant.intake import IntakeRecord
from tests.assistant.drafting.test_conditions_round11 import asked_alternatives, assert_complete_and_backed

#: The new entries, each with the pack note that backs it.
NEW = {
    "abdominal_organ_injury": "abdominal-organ-injury",
    "silicosis": "silicosis-and-pneumoconiosis",
    "hiatus_hernia": "hiatus-hernia",
    "vocal_cord_dysfunction": "vocal-cord-dysfunction",
    "shingles": "shingles",
    "anaemia": "anaemia",
    "myeloma": "myeloma",
    "oesophageal_spasm": "oesophageal-spasm",
}


@pytest.mark.parametrize(("key", "note"), sorted(NEW.items()))
def test_complete_and_backed_by_a_note_that_names_it(key: str, note: str) -> None:
    assert_complete_and_backed(key, note)


def test_an_organ_injury_is_assessed_the_same_day_with_a_ct_scan() -> None:
    cond = condition("abdominal_organ_injury")
    assert cond.urgent
    assert "CT scan" in cond.test and "does not rule an injury out" in cond.test
    assert "shoulder" in cond.supports


def test_myeloma_is_tested_by_its_protein_and_spasm_after_the_heart() -> None:
    """Myeloma is looked for with the abnormal protein in the blood and whole-skeleton imaging; a
    gullet in spasm is looked at only after the heart, with manometry, and neither is same-day."""
    myeloma = condition("myeloma")
    assert "protein electrophoresis" in myeloma.test and "free light chain" in myeloma.test
    assert "whole-body" in myeloma.test and not myeloma.urgent
    spasm = condition("oesophageal_spasm")
    assert spasm.test.startswith("heart causes are checked first") and "manometry" in spasm.test
    assert "GTN" in spasm.supports and not spasm.urgent


def test_silicosis_names_its_tb_risk_and_shingles_its_contacts() -> None:
    assert "TB" in condition("silicosis").test
    shingles = condition("shingles")
    assert shingles.viral and "chickenpox" in shingles.infectious and shingles.work


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Could the broken rib have damaged his spleen?", "abdominal_organ_injury"),
        ("could she have ruptured her spleen when she fell", "abdominal_organ_injury"),
        ("is it a bruised kidney? there was blood in his wee", "abdominal_organ_injury"),
        ("Could my liver be hurt?", "abdominal_organ_injury"),
        ("could his liver be torn from the fall", "abdominal_organ_injury"),
        ("I'm worried about an injury to the liver or spleen", "abdominal_organ_injury"),
        ("could there be internal injuries", "abdominal_organ_injury"),
        ("could there be bleeding in his belly from the fall?", "abdominal_organ_injury"),
        ("could it be silicosis from the worktops?", "silicosis"),
        ("could it be silicossis", "silicosis"),
        ("Is it scarring from the silica dust?", "silicosis"),
        ("could it be from the stone dust at work?", "silicosis"),
        ("could it be damage from years down the pits", "silicosis"),
        ("he has coal dust on his lungs", "silicosis"),
        ("my dad had miner's lung", "silicosis"),
        ("the letter said pneumoconiosis", "silicosis"),
        ("is it black lung", "silicosis"),
        ("Could the shadow be a hiatus hernia?", "hiatus_hernia"),
        ("is it a hiatal hernia", "hiatus_hernia"),
        ("my GP mentioned a hiatel hernia", "hiatus_hernia"),
        ("could part of my stomach be in my chest", "hiatus_hernia"),
        ("is my stomach pushing up into my chest?", "hiatus_hernia"),
        ("could it be vocal cord dysfunction rather than asthma?", "vocal_cord_dysfunction"),
        ("her vocal cords close up when she runs", "vocal_cord_dysfunction"),
        ("is there a problem with her vocal cords", "vocal_cord_dysfunction"),
        ("her throat closes up when she is running", "vocal_cord_dysfunction"),
        ("his throat tightens during football", "vocal_cord_dysfunction"),
        ("the physio mentioned EILO", "vocal_cord_dysfunction"),
        ("could it be exercise-induced laryngeal obstruction", "vocal_cord_dysfunction"),
        ("Could it be shingles?", "shingles"),
        ("could it be shingels coming", "shingles"),
        ("is it the chickenpox virus coming back", "shingles"),
        ("they said herpes zoster", "shingles"),
        ("Could I be anaemic?", "anaemia"),
        ("could it be anemia", "anaemia"),
        ("could it be aneamia", "anaemia"),
        ("is it low iron", "anaemia"),
        ("could a low blood count explain it", "anaemia"),
        ("my iron levels were low last year", "anaemia"),
        ("her Hb was a bit low", "anaemia"),
        ("Could it be myeloma?", "myeloma"),
        ("could it be multiple myeloma", "myeloma"),
        ("could it be myloma", "myeloma"),
        ("is it mieloma", "myeloma"),
        ("could it be bone marrow cancer", "myeloma"),
        ("is it a cancer of the bone marrow", "myeloma"),
        ("could it be cancer in the bone marrow?", "myeloma"),
        ("could it be a blood cancer that weakens the bones", "myeloma"),
        ("could it be cancer of the blood and bones", "myeloma"),
        ("my uncle had myelomatosis", "myeloma"),
        ("they found a plasmacytoma on the rib", "myeloma"),
        ("Could it be oesophageal spasm?", "oesophageal_spasm"),
        ("could it be esophageal spasm", "oesophageal_spasm"),
        ("could it be esophogeal spasms", "oesophageal_spasm"),
        ("is it nutcracker oesophagus", "oesophageal_spasm"),
        ("could it be achalasia", "oesophageal_spasm"),
        ("could it be acalasia", "oesophageal_spasm"),
        ("is it a spasm in my gullet", "oesophageal_spasm"),
        ("could my oesophagus be going into spasm", "oesophageal_spasm"),
        ("is my esophagus spasming", "oesophageal_spasm"),
        ("could it be a food pipe spasm", "oesophageal_spasm"),
        ("I get a spasm when I drink cold water", "oesophageal_spasm"),
        ("a spasm in my chest when I swallow", "oesophageal_spasm"),
    ],
)
def test_named_in_lay_words(text: str, key: str) -> None:
    assert key in [c.key for c in conditions_in(text, fuzzy=True)]


@pytest.mark.parametrize(
    "text",
    [
        "Will the tablets damage my liver?",
        "there was a bit of liver damage from the alcohol",
        "she had acute kidney injury in hospital",
        "the water tablets damaged her kidneys",
        "my kidneys have hurt for days",
        "a kidney stone last year",
        "is it a hernia in my groin",
        "she took a hiatus from work",
        "could it be the stomach",
        "I had the shingles vaccine last month",
        "he had the shingles jab",
        "we walked along the shingle beach",
        "she has a rash on her arm",
        "she has sickle cell anaemia",
        "my white blood count is low",
        "my blood pressure was low",
        "a low platelet count",
        "I feel tired all the time",
        "he worked in a stone quarry for years",
        "there was dust everywhere in the house",
        "could it be from the asbestos",
        "it came from the pits of despair",
        "the ILO classification of the X-ray",
        "she has a sore throat and a hoarse voice",
        "my throat is tight when I'm anxious",
        "could it be cancer in the bones",
        "could it be a blood cancer",
        "she had a bone marrow biopsy",
        "he had a bone marrow transplant for leukaemia",
        "he has chronic myeloid leukaemia",
        "I had a melanoma removed",
        "muscle spasm in my back",
        "a spasm in my chest",
        "a coughing spasm when she swallows",
        "could it be coronary artery spasm",
        "bronchospasm after the inhaler",
        "food stuck in my gullet",
        "acid in my oesophagus",
        "the camera went down my oesophagus",
        "he had oesophageal cancer",
        "a squeezing pain in my chest",
        "it hurts to swallow with my sore throat",
        "my legs spasm after I drink coffee",
    ],
)
def test_not_read_into_other_words(text: str) -> None:
    keys = [c.key for c in conditions_in(text, fuzzy=True)]
    assert not set(NEW) & set(keys), keys


@pytest.mark.parametrize(
    ("question", "dx", "age", "key"),
    [
        ("Could the broken rib have damaged his spleen?", "rib fracture", 45, "abdominal_organ_injury"),
        ("Did they miss a rib? Could my liver be hurt?", "bruised ribs", 38, "abdominal_organ_injury"),
        ("I cut quartz worktops for years, could it be silicosis?", "sarcoidosis", 38, "silicosis"),
        ("Could the shadow behind the heart be a hiatus hernia?", "lung abscess", 74, "hiatus_hernia"),
        ("Is it really asthma? Could it be vocal cord dysfunction?", "asthma", 11, "vocal_cord_dysfunction"),
        ("Could it be shingles? The pain is in a band on one side", "costochondritis", 67, "shingles"),
        ("Could I be anaemic instead?", "asthma", 29, "anaemia"),
        ("I broke a rib just bending over. Could it be myeloma?", "osteoporosis", 71, "myeloma"),
        ("Could it be oesophageal spasm rather than angina?", "angina", 58, "oesophageal_spasm"),
    ],
)  # fmt: skip
def test_asked_as_an_alternative(question: str, dx: str, age: int, key: str) -> None:
    assert ("could_it_be", key) in asked_alternatives(question, dx, age)


def test_could_it_be_vocal_cord_dysfunction_now_gets_an_answer() -> None:
    """'Could it be vocal cord dysfunction?' about asthma was neither a known nor an unknown condition,
    so it got no answer; now it is asked about, and not as a condition the table does not know."""
    intake = IntakeRecord(diagnosis_in_question="asthma", main_question="Could it be vocal cord dysfunction?")
    asked = [(q.kind, q.condition) for q in questions.parse_sub_questions(intake, has_images=False)]
    assert ("could_it_be", "vocal_cord_dysfunction") in asked
    assert questions.unknown_alternatives(intake) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("abdominal_organ_injury", "rib_fracture"),
        ("abdominal_organ_injury", "haemothorax"),
        ("silicosis", "asbestosis"),
        ("silicosis", "sarcoidosis"),
        ("silicosis", "tuberculosis"),
        ("silicosis", "lung_cancer"),
        ("hiatus_hernia", "reflux"),
        ("hiatus_hernia", "lung_abscess"),
        ("hiatus_hernia", "lung_cancer"),
        ("vocal_cord_dysfunction", "asthma"),
        ("vocal_cord_dysfunction", "panic_attack"),
        ("shingles", "costochondritis"),
        ("shingles", "heart_attack"),
        ("shingles", "pleurisy"),
        ("anaemia", "heart_failure"),
        ("anaemia", "asthma"),
        ("anaemia", "pulmonary_embolism"),
        ("myeloma", "rib_fracture"),
        ("myeloma", "osteoporosis"),
        ("myeloma", "metastasis"),
        ("oesophageal_spasm", "heart_attack"),
        ("oesophageal_spasm", "reflux"),
        ("oesophageal_spasm", "costochondritis"),
    ],
)
def test_each_new_pair_is_told_apart(a: str, b: str) -> None:
    text = told_apart(condition(a), condition(b))
    assert text and text == told_apart(condition(b), condition(a))


def test_silicosis_is_told_apart_from_tb_by_its_raised_risk() -> None:
    """Silicosis raises the risk of TB, so the pair says the two can occur together."""
    text = told_apart(condition("silicosis"), condition("tuberculosis"))
    assert "raises the risk of TB" in text and "sputum" in text


@pytest.mark.parametrize(
    ("text", "key", "not_key"),
    [
        ("the cancer has spread to the bones", "metastasis", "myeloma"),
        ("her vocal cords go into spasm", "vocal_cord_dysfunction", "oesophageal_spasm"),
    ],
)
def test_a_near_phrase_names_the_other_condition(text: str, key: str, not_key: str) -> None:
    """A cancer spread to the bones is metastasis and a voice box in spasm is vocal cord dysfunction."""
    keys = [c.key for c in conditions_in(text, fuzzy=True)]
    assert key in keys and not_key not in keys


def test_could_it_be_myeloma_now_gets_an_answer() -> None:
    """'Could it be myeloma?' about a rib broken by a minor fall was neither a known nor an unknown
    condition, so it got no answer; now it is asked about, and not as a condition the table does not know."""
    intake = IntakeRecord(diagnosis_in_question="rib fracture", main_question="Could it be myeloma?")
    asked = [(q.kind, q.condition) for q in questions.parse_sub_questions(intake, has_images=False)]
    assert ("could_it_be", "myeloma") in asked
    assert questions.unknown_alternatives(intake) == []


def test_spasm_is_told_apart_from_the_heart_which_comes_first() -> None:
    """GTN can ease both angina and a gullet in spasm, so the pair says relief from it decides nothing
    and the heart is checked first."""
    text = told_apart(condition("oesophageal_spasm"), condition("heart_attack"))
    assert "GTN" in text and "does not show which it is" in text and "checked first" in text


def test_myeloma_is_told_apart_from_spread_by_its_protein() -> None:
    """Myeloma and a cancer spread to the bones both break bones and raise the calcium; the abnormal
    protein in the blood and a bone scan that can miss myeloma tell them apart."""
    text = told_apart(condition("myeloma"), condition("metastasis"))
    assert "free light chains" in text and "bone scan can miss it" in text
