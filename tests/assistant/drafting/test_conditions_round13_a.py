"""Thirteenth-round conditions (a): fungal lung infections, non-tuberculous mycobacteria, a tear in a
heart artery (SCAD), cardiomyopathy, congenital heart disease and pneumomediastinum, with the lay
words patients use for them, kept apart from the allergic ABPA, from TB, from a tear in the aorta and
from heart failure.

Real condition, pair, question and pack tables; no model.
"""

from __future__ import annotations

import pytest

from assistant.drafting.conditions import condition, conditions_in, main_condition, told_apart
from tests.assistant.drafting.test_conditions_round11 import asked_alternatives, assert_complete_and_backed

#: The new entries, each with the pack note that backs it.
NEW = {
    "fungal_infection": "fungal-lung-infections",
    "ntm": "non-tuberculous-mycobacteria",
    "scad": "spontaneous-coronary-artery-dissection",
    "cardiomyopathy": "cardiomyopathy",
    "congenital_heart_disease": "congenital-heart-disease",
    "pneumomediastinum": "pneumomediastinum",
}


@pytest.mark.parametrize(("key", "note"), sorted(NEW.items()))
def test_complete_and_backed_by_a_note_that_names_it(key: str, note: str) -> None:
    assert_complete_and_backed(key, note)


def test_a_torn_heart_artery_and_air_in_the_chest_are_assessed_the_same_day() -> None:
    assert condition("scad").urgent and "coronary angiogram" in condition("scad").test
    assert condition("pneumomediastinum").urgent and "gullet" in condition("pneumomediastinum").test


def test_mycobacteria_other_than_tb_are_not_passed_between_people() -> None:
    """Unlike TB, NTM is picked up from water and soil: no contact tracing, no time off work."""
    assert "not from other people" in condition("ntm").infectious
    assert "azithromycin" in condition("ntm").follow_up


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Could it be a fungal infection from the pigeons?", "fungal_infection"),
        ("Could it be an old histoplasmosis granuloma from Ohio?", "fungal_infection"),
        ("could it be histoplasmosis from caving", "fungal_infection"),
        ("I lived in Arizona, could it be valley fever?", "fungal_infection"),
        ("is it coccidiomycosis", "fungal_infection"),
        ("could it be a fungus ball in the old TB cavity", "aspergillosis"),
        ("they mentioned an aspergilloma", "aspergillosis"),
        ("chronic pulmonary aspergillosis", "aspergillosis"),
        ("could it be a fungus?", "fungal_infection"),
        ("Could it be a mycobacterial infection like MAC?", "ntm"),
        ("Could it be this mycobacterium (Lady Windermere)?", "ntm"),
        ("I read about thin older ladies getting 'MAC' infection", "ntm"),
        ("non-tuberculous mycobacteria", "ntm"),
        ("is it nontuberculous mycobacterial disease", "ntm"),
        ("could it be atypical TB", "ntm"),
        ("is it NTM?", "ntm"),
        ("Or a SCAD like my friend?", "scad"),
        ("a friend had a tear in her heart artery after her baby", "scad"),
        ("could it be a spontaneous coronary artery dissection", "scad"),
        ("could I have a torn heart artery", "scad"),
        ("Could it be a heart problem from the pregnancy?", "cardiomyopathy"),
        ("is it a weak heart after the baby", "cardiomyopathy"),
        ("could it be peripartum cardiomyopathy", "cardiomyopathy"),
        ("my brother had a heart problem found at 30 (hypertrophic something)", "cardiomyopathy"),
        ("is it HCM like his uncle", "cardiomyopathy"),
        ("a thickened heart muscle", "cardiomyopathy"),
        ("Could the baby heart murmur be behind the breathlessness?", "congenital_heart_disease"),
        ("could he have a hole in the heart", "congenital_heart_disease"),
        ("she was born with a heart defect", "congenital_heart_disease"),
        ("a murmur when he was a baby", "congenital_heart_disease"),
        ("he had a VSD repaired", "congenital_heart_disease"),
        ("I have repaired tetralogy of Fallot", "congenital_heart_disease"),
        ("could there be air around the heart after all that vomiting", "pneumomediastinum"),
        ("is it air in the middle of my chest", "pneumomediastinum"),
        ("the CT said pneumomediastinum", "pneumomediastinum"),
    ],
)
def test_named_in_lay_words(text: str, key: str) -> None:
    assert key in [c.key for c in conditions_in(text, fuzzy=True)]


@pytest.mark.parametrize(
    "text",
    [
        "she has a fungal nail infection",
        "a fungal infection of the skin on his feet",
        "is it a mould allergy in his lungs",
        "I send the scans from my Mac",
        "the doctor mentioned scads of tests",
        "my heart was pounding like 130 on my watch",
        "could it be my heart? crushing pain at the gym",
        "a tear in the aorta",
        "she went blue around the lips when coughing",
        "there was a hole in the top of the lung on the x-ray",
        "breathless going up the stairs since the baby",
        "the GP heard a heart murmur",
        "air on the x-ray between the lung and the chest wall",
        "she breathed in some air freshener",
    ],
)
def test_not_read_into_other_words(text: str) -> None:
    keys = [c.key for c in conditions_in(text, fuzzy=True)]
    assert not set(NEW) & set(keys), keys


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        # The allergic form stays ABPA; the fungus growing in the lung is an infection.
        ("allergic bronchopulmonary aspergillosis", ["abpa"]),
        ("is he allergic to aspergillus", ["abpa"]),
        ("an aspergilloma in the old cavity", ["aspergillosis"]),
        # Mycobacteria other than TB are not TB, even when "tuberculous" is read as a misspelling.
        ("non-tuberculous mycobacteria", ["ntm"]),
        ("Mycobacterium tuberculosis", ["tuberculosis"]),
        # A tear in a heart artery is not a tear in the aorta, which "a dissection" alone still is.
        ("coronary artery dissection", ["scad"]),
        ("could it be a dissection", ["aortic_dissection"]),
        # A heart problem present from birth is not one that began after a birth.
        ("a heart problem from birth", ["congenital_heart_disease"]),
        ("a heart problem after the birth", ["cardiomyopathy"]),
    ],
)
def test_kept_apart_from_its_neighbours(text: str, keys: list[str]) -> None:
    assert [c.key for c in conditions_in(text, fuzzy=True)] == keys


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("could it be his heart? his uncle died suddenly at 30", "cardiomyopathy"),
        ("is it my heart? my sister has hypertrophic cardiomyopathy", "cardiomyopathy"),
        ("could it be my heart? crushing pain at the gym", "heart_attack"),
        ("could it be my heart, my ankles are swollen", "heart_failure"),
    ],
)
def test_my_heart_read_as_the_heart_muscle_from_its_context(text: str, key: str) -> None:
    """'My heart' with a sudden death young or a thickened heart muscle in the family is read as a
    cardiomyopathy; crushing pain and swollen ankles keep their readings."""
    assert conditions_in(text)[0] == condition(key)


@pytest.mark.parametrize(
    ("text", "child", "key"),
    [
        # A child's chest pain and sweating point to a heart attack in an adult; beside a sudden death
        # young in the family they point to the heart muscle in a child.
        ("could it be his heart? chest pain and sweating, his uncle died suddenly", True, "cardiomyopathy"),
        ("could it be his heart? chest pain and sweating, his uncle died suddenly", False, "heart_attack"),
        # Nothing points anywhere: a child's vague heart word is a heart problem from birth (read drafts
        # answered angina and troponin to the mother of a baby with a murmur), an adult's a heart attack.
        ("could it be her heart?", True, "congenital_heart_disease"),
        ("could it be her heart?", False, "heart_attack"),
        ("is it her heart? her ankles are puffy", True, "heart_failure"),
    ],
)
def test_a_childs_vague_heart_word_is_read_as_a_childs(text: str, child: bool, key: str) -> None:
    assert conditions_in(text, child=child)[0] == condition(key)


def test_a_relatives_cardiomyopathy_is_asked_about_through_my_heart() -> None:
    """'Could it be his heart like my brother?' with the brother's thickened heart muscle in the story
    asks about a cardiomyopathy, although the story tells it as the relative's."""
    asked = asked_alternatives(
        "Could it be his heart like my brother?",
        "asthma",
        11,
        "My brother had a heart problem found at 30 (hypertrophic something) and he felt dizzy.",
    )
    assert ("could_it_be", "cardiomyopathy") in asked


@pytest.mark.parametrize(
    ("question", "dx", "age", "key"),
    [
        ("Could it be a fungal infection from the pigeons?", "lung cancer", 68, "fungal_infection"),
        ("Could it be histoplasmosis from caving in Ohio?", "lung nodule", 52, "fungal_infection"),
        ("Could it be a mycobacterial infection like MAC?", "bronchiectasis", 79, "ntm"),
        ("Or a SCAD like my friend?", "costochondritis", 31, "scad"),
        ("Could it be a heart problem from the pregnancy?", "costochondritis", 34, "cardiomyopathy"),
        ("Could the baby heart murmur be behind it?", "asthma", 6, "congenital_heart_disease"),
        ("Could it be air around the heart instead?", "pneumothorax", 19, "pneumomediastinum"),
        ("Could it be cardiomyopathy?", "heart failure", 38, "cardiomyopathy"),
    ],
)  # fmt: skip
def test_asked_as_an_alternative(question: str, dx: str, age: int, key: str) -> None:
    assert ("could_it_be", key) in asked_alternatives(question, dx, age)


def test_cardiomyopathy_does_not_refine_heart_failure() -> None:
    """A cardiomyopathy causes heart failure but is not a form of it (a thickened heart muscle found by
    family screening may never cause it): no `refines`, so a patient told they have a cardiomyopathy
    can still ask whether it is heart failure, and the pair says how the two relate."""
    assert condition("cardiomyopathy").refines == ""
    assert main_condition("hypertrophic cardiomyopathy") == condition("cardiomyopathy")
    assert ("could_it_be", "heart_failure") in asked_alternatives(
        "Is it heart failure now?", "hypertrophic cardiomyopathy", 45
    )
    assert "one of its causes" in told_apart(condition("cardiomyopathy"), condition("heart_failure"))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("fungal_infection", "lung_cancer"),
        ("fungal_infection", "tuberculosis"),
        ("fungal_infection", "abpa"),
        ("fungal_infection", "nodule"),
        ("ntm", "tuberculosis"),
        ("ntm", "bronchiectasis"),
        ("ntm", "lung_cancer"),
        ("scad", "heart_attack"),
        ("scad", "panic_attack"),
        ("scad", "costochondritis"),
        ("scad", "pulmonary_embolism"),
        ("cardiomyopathy", "heart_failure"),
        ("cardiomyopathy", "pulmonary_embolism"),
        ("cardiomyopathy", "myocarditis"),
        ("cardiomyopathy", "asthma"),
        ("congenital_heart_disease", "asthma"),
        ("congenital_heart_disease", "heart_failure"),
        ("congenital_heart_disease", "pulmonary_hypertension"),
        ("congenital_heart_disease", "bronchiolitis"),
        ("pneumomediastinum", "pneumothorax"),
        ("pneumomediastinum", "pericarditis"),
        ("pneumomediastinum", "costochondritis"),
    ],
)
def test_each_new_pair_is_told_apart(a: str, b: str) -> None:
    text = told_apart(condition(a), condition(b))
    assert text and text == told_apart(condition(b), condition(a))
