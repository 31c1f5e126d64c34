"""Fourteenth-round conditions (a): a heart rhythm problem, a heart valve problem, fluid around the
heart, an infection of a heart valve, a widened aorta in the chest, Kawasaki disease and a floppy voice
box in a baby, with the lay words patients use for them, kept apart from palpitations, from
pericarditis and fluid around the lung, from a tear in the aorta, from a child's murmur present from
birth, and from croup and a floppy windpipe.

Real condition, pair, question and pack tables; no model.
"""

from __future__ import annotations

import pytest

from assistant.drafting.conditions import (
    condition,
    conditions_in,
    diagnosis_family,
    main_condition,
    told_apart,
)
from tests.assistant.drafting.test_conditions_round11 import asked_alternatives, assert_complete_and_backed

#: The new entries, each with the pack note that backs it.
NEW = {
    "arrhythmia": "heart-rhythm-problems",
    "valve_disease": "heart-valve-disease",
    "pericardial_effusion": "pericardial-effusion",
    "endocarditis": "infective-endocarditis",
    "aortic_aneurysm": "thoracic-aortic-aneurysm",
    "kawasaki": "kawasaki-disease",
    "laryngomalacia": "laryngomalacia",
}


@pytest.mark.parametrize(("key", "note"), sorted(NEW.items()))
def test_complete_and_backed_by_a_note_that_names_it(key: str, note: str) -> None:
    assert_complete_and_backed(key, note)


def test_fluid_squeezing_the_heart_a_valve_infection_and_kawasaki_are_assessed_the_same_day() -> None:
    assert (
        condition("pericardial_effusion").urgent
        and "echocardiogram" in condition("pericardial_effusion").test
    )
    assert condition("endocarditis").urgent and "blood cultures" in condition("endocarditis").test
    assert condition("kawasaki").urgent and "echocardiogram" in condition("kawasaki").test
    # A stable widened aorta is watched with scans; the tear it can lead to is the emergency.
    assert not condition("aortic_aneurysm").urgent and condition("aortic_dissection").urgent
    assert "CT" in condition("aortic_aneurysm").test and "ECG" in condition("arrhythmia").test
    assert "laryngoscopy" in condition("laryngomalacia").test


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Could it be AF?", "arrhythmia"),
        ("she has paroxysmal AF", "arrhythmia"),
        ("they saw AF on the ECG", "arrhythmia"),
        ("is it afib", "arrhythmia"),
        ("could it be atrial fibrillation", "arrhythmia"),
        ("my dad has atrial flutter", "arrhythmia"),
        ("could it be SVT", "arrhythmia"),
        ("is it supraventricular tachycardia", "arrhythmia"),
        ("an irregular heartbeat", "arrhythmia"),
        ("could it be a heart rhythm problem", "arrhythmia"),
        ("an electrical problem with his heart", "arrhythmia"),
        ("long QT like her cousin", "arrhythmia"),
        ("could it be heart block", "arrhythmia"),
        ("is it an arrythmia", "arrhythmia"),
        ("could it be aortic stenosis", "valve_disease"),
        ("mitral regurgitation", "valve_disease"),
        ("a leaky valve", "valve_disease"),
        ("a narrowed heart valve", "valve_disease"),
        ("his heart valve isn't closing properly", "valve_disease"),
        ("a problem with her heart valve", "valve_disease"),
        ("the GP heard a heart murmur", "valve_disease"),
        ("could it be heart valve disease", "valve_disease"),
        ("is there fluid around the heart", "pericardial_effusion"),
        ("fluid round the heart", "pericardial_effusion"),
        ("water on the heart", "pericardial_effusion"),
        ("could it be a pericardial effusion", "pericardial_effusion"),
        ("cardiac tamponade", "pericardial_effusion"),
        ("could it be endocarditis", "endocarditis"),
        ("infective endocarditis", "endocarditis"),
        ("an infection of the heart valve", "endocarditis"),
        ("could his new valve be infected, an infected valve", "endocarditis"),
        ("an infection in his heart from the drugs", "endocarditis"),
        ("could it be an endocardites", "endocarditis"),
        ("thoracic aortic aneurysm", "aortic_aneurysm"),
        ("could it be an aortic aneurysm", "aortic_aneurysm"),
        ("an aneurysm in the chest", "aortic_aneurysm"),
        ("a widened aorta", "aortic_aneurysm"),
        ("his aorta is enlarged", "aortic_aneurysm"),
        ("a dilated aortic root", "aortic_aneurysm"),
        ("could it be Kawasaki disease", "kawasaki"),
        ("could it be Kawasaki", "kawasaki"),
        ("is it kawasaky", "kawasaki"),
        ("could it be laryngomalacia", "laryngomalacia"),
        ("is it laryngomalasia", "laryngomalacia"),
        ("a floppy voice box", "laryngomalacia"),
        ("his voice box is floppy", "laryngomalacia"),
    ],
)
def test_named_in_lay_words(text: str, key: str) -> None:
    assert key in [c.key for c in conditions_in(text, fuzzy=True)]


@pytest.mark.parametrize(
    "text",
    [
        # Slang and palpitations are not a rhythm problem.
        "I'm tired af",
        "honestly scared AF",
        "my heart races when I climb the stairs",
        "palpitations and a pounding heart",
        "my heart flutters",
        "Im on apixaban for my heart rhythm and have a big bruise.",
        # A valve that is not the heart's, and a murmur that is not a heart sound.
        "the valve on the spacer sticks",
        "she murmured something about her chest",
        # Fluid around the lung, and the heart as a place or a test.
        "fluid on the lung",
        "When is the heart scan?",
        # A motorbike, a tummy aneurysm and a tear in the aorta.
        "he came off his Kawasaki on the way to work",
        "his abdominal aortic aneurysm was checked",
        "a tear in the aorta",
        # A floppy windpipe, croup and a hoarse voice.
        "a floppy windpipe",
        "a barking cough with a cold",
        "a hoarse voice after shouting at the match",
    ],
)
def test_not_read_into_other_words(text: str) -> None:
    keys = [c.key for c in conditions_in(text, fuzzy=True)]
    assert not set(NEW) & set(keys), keys


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        # Fluid around the heart is its own entry, not pericarditis, and not fluid around the lung.
        ("pericardial effusion", ["pericardial_effusion"]),
        ("pericarditis", ["pericarditis"]),
        ("fluid around the lung", ["pleural_effusion"]),
        # A widened aorta is not a tear in it, which "a dissecting aneurysm" still is.
        ("aortic dissection", ["aortic_dissection"]),
        ("a dissecting aneurysm", ["aortic_dissection"]),
        ("an aortic aneurysm", ["aortic_aneurysm"]),
        # A murmur from birth stays a heart problem present from birth; an adult's murmur is a valve's.
        ("a murmur when he was a baby", ["congenital_heart_disease"]),
        ("born with a heart murmur", ["congenital_heart_disease"]),
        ("a heart murmur", ["valve_disease"]),
        # An infected valve is endocarditis, a damaged one valve disease, not heart damage (myocarditis).
        ("an infected heart valve", ["endocarditis"]),
        # "be an infection" is a chest infection on a chest opinion, unless it is a heart valve's.
        ("could it be an infection of the heart valve", ["endocarditis"]),
        ("could it be an infection rather than cancer", ["pneumonia", "lung_cancer"]),
        ("a damaged heart valve", ["valve_disease"]),
        # A floppy voice box is not a floppy windpipe, nor croup.
        ("a floppy voice box", ["laryngomalacia"]),
        ("a floppy windpipe", ["tracheomalacia"]),
        ("laryngotracheobronchitis", ["croup"]),
    ],
)
def test_kept_apart_from_its_neighbours(text: str, keys: list[str]) -> None:
    assert [c.key for c in conditions_in(text, fuzzy=True)] == keys


def test_pericarditis_with_fluid_is_diagnosed_with_both() -> None:
    """'Pericarditis with a small pericardial effusion' is pericarditis, with the fluid as its companion."""
    assert main_condition("pericarditis with a small pericardial effusion") == condition("pericarditis")
    assert [c.key for c in diagnosis_family("pericarditis with a small pericardial effusion")] == [
        "pericarditis",
        "pericardial_effusion",
    ]


@pytest.mark.parametrize(
    ("question", "dx", "age", "key"),
    [
        ("Could it be AF instead?", "panic attacks", 67, "arrhythmia"),
        ("Could it be an irregular heartbeat?", "anxiety", 58, "arrhythmia"),
        ("Could it be SVT?", "panic attack", 24, "arrhythmia"),
        ("Could it be a leaky valve?", "heart failure", 74, "valve_disease"),
        ("Could it be aortic stenosis? I nearly fainted on the stairs", "angina", 79, "valve_disease"),
        ("Is there fluid around the heart?", "pneumonia", 60, "pericardial_effusion"),
        ("Is it fluid round the heart, not the lungs?", "pleural effusion", 66, "pericardial_effusion"),
        ("Could it be endocarditis?", "pneumonia", 31, "endocarditis"),
        ("Could it be an infection of the heart valve?", "flu", 70, "endocarditis"),
        ("Could it be an aneurysm in the chest?", "costochondritis", 62, "aortic_aneurysm"),
        ("Could it be a widened aorta like his father?", "mediastinal mass", 45, "aortic_aneurysm"),
        ("Could it be Kawasaki disease?", "viral infection", 3, "kawasaki"),
        ("Could it be a floppy voice box?", "croup", 0, "laryngomalacia"),
        ("Could it be laryngomalacia?", "tracheomalacia", 1, "laryngomalacia"),
    ],
)  # fmt: skip
def test_asked_as_an_alternative(question: str, dx: str, age: int, key: str) -> None:
    assert ("could_it_be", key) in asked_alternatives(question, dx, age)


def test_a_heart_word_in_the_story_lets_capital_af_be_read() -> None:
    """'AF' after no naming word is read with a heart word beside it in the sentence, not alone."""
    assert [c.key for c in conditions_in("Dad AF, on warfarin")] == ["arrhythmia"]
    assert [c.key for c in conditions_in("Dad AF")] == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("arrhythmia", "panic_attack"),
        ("arrhythmia", "heart_attack"),
        ("arrhythmia", "pulmonary_embolism"),
        ("valve_disease", "heart_failure"),
        ("valve_disease", "heart_attack"),
        ("valve_disease", "congenital_heart_disease"),
        ("pericardial_effusion", "pericarditis"),
        ("pericardial_effusion", "heart_failure"),
        ("pericardial_effusion", "pleural_effusion"),
        ("endocarditis", "valve_disease"),
        ("endocarditis", "pneumonia"),
        ("endocarditis", "lung_abscess"),
        ("aortic_aneurysm", "aortic_dissection"),
        ("aortic_aneurysm", "marfan_syndrome"),
        ("aortic_aneurysm", "mediastinal_mass"),
        ("kawasaki", "viral_infection"),
        ("kawasaki", "myocarditis"),
        ("laryngomalacia", "croup"),
        ("laryngomalacia", "tracheomalacia"),
        ("laryngomalacia", "foreign_body"),
    ],
)
def test_each_new_pair_is_told_apart(a: str, b: str) -> None:
    text = told_apart(condition(a), condition(b))
    assert text and text == told_apart(condition(b), condition(a))
