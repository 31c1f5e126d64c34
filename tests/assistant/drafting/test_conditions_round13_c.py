"""Thirteenth-round conditions (c): a mass in the middle of the chest, bronchopulmonary dysplasia, a lung
malformation present from birth, a floppy windpipe and a bruised lung, with the lay words patients use
for them and the everyday words that must not be read as them.

Real condition, pair, question and pack tables; no model.
"""

from __future__ import annotations

import pytest

from assistant.drafting.conditions import condition, conditions_in, told_apart
from tests.assistant.drafting.test_conditions_round11 import asked_alternatives, assert_complete_and_backed

#: The new entries, each with the pack note that backs it.
NEW = {
    "mediastinal_mass": "mediastinal-mass",
    "bronchopulmonary_dysplasia": "bronchopulmonary-dysplasia",
    "congenital_lung_malformation": "congenital-lung-malformations",
    "tracheomalacia": "tracheomalacia",
    "lung_contusion": "lung-contusion",
}


@pytest.mark.parametrize(("key", "note"), sorted(NEW.items()))
def test_complete_and_backed_by_a_note_that_names_it(key: str, note: str) -> None:
    assert_complete_and_backed(key, note)


@pytest.mark.parametrize("key", sorted(NEW))
def test_a_child_gets_its_own_test_and_note(key: str) -> None:
    """Each is met in children, so each says how a child is tested and what differs at that age."""
    cond = condition(key)
    assert cond.test_child and cond.child_note
    assert cond.test_for(child=True) != cond.test_for(child=False)


def test_a_bruised_lung_is_assessed_the_same_day_and_a_mass_when_it_presses() -> None:
    """A bruised lung follows a real injury and can worsen over days: urgent. A mass in the middle of
    the chest is often found by chance, so only pressure on the airway, gullet or veins is same-day."""
    assert condition("lung_contusion").urgent
    mass = condition("mediastinal_mass")
    assert not mass.urgent and "same day" in mass.follow_up and "lying flat" in mass.follow_up


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Could it be a mediastinal mass?", "mediastinal_mass"),
        ("they found a mass in the middle of his chest", "mediastinal_mass"),
        ("is it a thymoma?", "mediastinal_mass"),
        ("could the tumour be on her thymus", "mediastinal_mass"),
        ("could it be a retrosternal goitre", "mediastinal_mass"),
        ("my goitre has grown down behind the breastbone", "mediastinal_mass"),
        ("could her thyroid be going into her chest", "mediastinal_mass"),
        ("a growth behind the breastbone", "mediastinal_mass"),
        ("could it be a teratoma", "mediastinal_mass"),
        ("the report says a medistinal mass", "mediastinal_mass"),
        ("Could it be BPD from being premature?", "bronchopulmonary_dysplasia"),
        ("is it broncopulmonary displasia", "bronchopulmonary_dysplasia"),
        ("chronic lung disease from being born early", "bronchopulmonary_dysplasia"),
        ("is it his prem lungs", "bronchopulmonary_dysplasia"),
        ("were her lungs damaged by the ventilator", "bronchopulmonary_dysplasia"),
        ("Could it be a CPAM?", "congenital_lung_malformation"),
        ("they saw a cyst on the baby's lung at the 20-week scan", "congenital_lung_malformation"),
        ("they saw something on her lung before she was born", "congenital_lung_malformation"),
        ("the 20 week scan showed a cyst on his lung", "congenital_lung_malformation"),
        ("could it be a sequestration, an extra piece of lung", "congenital_lung_malformation"),
        ("is it congenital lobar emphysema", "congenital_lung_malformation"),
        ("was he born with a cyst on his lung", "congenital_lung_malformation"),
        ("Could it be tracheomalacia?", "tracheomalacia"),
        ("is it a floppy windpipe", "tracheomalacia"),
        ("could his airway be floppy", "tracheomalacia"),
        ("the doctor said tracheomalasia", "tracheomalacia"),
        ("her windpipe collapses when she cries", "tracheomalacia"),
        ("Could it be a bruised lung?", "lung_contusion"),
        ("could the lung be bruised after the crash", "lung_contusion"),
        ("the CT showed a pulmonary contusion", "lung_contusion"),
        ("bruising to the lungs", "lung_contusion"),
    ],
)
def test_named_in_lay_words(text: str, key: str) -> None:
    assert key in [c.key for c in conditions_in(text, fuzzy=True)]


def test_a_mass_in_the_middle_of_the_chest_is_not_also_lung_cancer_or_lymphoma() -> None:
    """The longer mention wins: a mediastinal mass or tumour is one mention, not also a bare 'mass';
    a mass within the lung stays lung cancer, and lymphoma stays its own condition."""
    assert [c.key for c in conditions_in("a mediastinal mass")] == ["mediastinal_mass"]
    assert [c.key for c in conditions_in("a tumour in the middle of her chest")] == ["mediastinal_mass"]
    assert [c.key for c in conditions_in("a mass in his lung")] == ["lung_cancer"]
    assert [c.key for c in conditions_in("could it be lymphoma")] == ["lymphoma"]


@pytest.mark.parametrize(
    "text",
    [
        "a lump in the middle of my chest",
        "pain in the middle of my chest",
        "it feels like a lump behind my breastbone when I swallow",
        "a lump under my breastbone",
        "a shadow in the middle of the chest",
        "a goitre in her neck",
        "an ovarian teratoma",
        "she has BPD, borderline personality disorder",
        "I have BPD which my therapist manages",
        "she was born at 30 weeks",
        "he has chronic lung disease",
        "a shadow on his lung on the scan",
        "the scan at 20 weeks was normal",
        "her ribs are bruised",
        "bruised ribs and a chest contusion",
        "a bruise on my chest",
        "a barking cough",
        "a floppy baby",
        "his airways are narrow",
        "my lung collapsed",
        "she had confusion after the fall",
    ],
)
def test_not_read_into_other_words(text: str) -> None:
    keys = [c.key for c in conditions_in(text, fuzzy=True)]
    assert not set(NEW) & set(keys), keys


@pytest.mark.parametrize(
    ("question", "dx", "age", "key"),
    [
        ("Could it be a thymoma rather than lymphoma?", "lymphoma", 45, "mediastinal_mass"),
        ("Could the wheeze be his BPD?", "viral wheeze", 1, "bronchopulmonary_dysplasia"),
        ("A third pneumonia there: could it be a CPAM?", "pneumonia", 3, "congenital_lung_malformation"),
        ("Noisy since birth, could it be a floppy windpipe?", "croup", 1, "tracheomalacia"),
        ("Could it be a bruised lung after the crash?", "rib fracture", 34, "lung_contusion"),
    ],
)  # fmt: skip
def test_asked_as_an_alternative(question: str, dx: str, age: int, key: str) -> None:
    assert ("could_it_be", key) in asked_alternatives(question, dx, age)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("mediastinal_mass", "lymphoma"),
        ("mediastinal_mass", "lung_cancer"),
        ("mediastinal_mass", "sarcoidosis"),
        ("bronchopulmonary_dysplasia", "asthma"),
        ("bronchopulmonary_dysplasia", "viral_wheeze"),
        ("bronchopulmonary_dysplasia", "bronchiolitis"),
        ("congenital_lung_malformation", "pneumonia"),
        ("congenital_lung_malformation", "lung_abscess"),
        ("congenital_lung_malformation", "pneumothorax"),
        ("tracheomalacia", "croup"),
        ("tracheomalacia", "asthma"),
        ("tracheomalacia", "foreign_body"),
        ("lung_contusion", "rib_fracture"),
        ("lung_contusion", "pneumonia"),
        ("lung_contusion", "haemothorax"),
    ],
)
def test_each_new_pair_is_told_apart(a: str, b: str) -> None:
    text = told_apart(condition(a), condition(b))
    assert text and text == told_apart(condition(b), condition(a))


def test_a_floppy_windpipe_is_told_from_croup_by_its_start() -> None:
    """Croup starts suddenly with a cold and settles in days; tracheomalacia is there from early
    infancy and lasts months; a bronchoscopy confirms it."""
    text = told_apart(condition("tracheomalacia"), condition("croup"))
    assert "from birth" in text and "bronchoscopy" in text


def test_a_bruised_lung_is_told_from_blood_around_the_lung_by_where_the_blood_lies() -> None:
    text = told_apart(condition("lung_contusion"), condition("haemothorax"))
    assert "in the lung tissue" in text and "space around the lung" in text


def test_a_chest_injury_in_the_story_makes_a_bruised_lung_more_likely() -> None:
    from assistant.drafting.risk_factors import FACTORS

    injury = next(f for f in FACTORS if f.key == "chest_injury")
    assert "lung_contusion" in injury.raises
