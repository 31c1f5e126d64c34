"""Twelfth-round conditions: an inhaled object stuck in an airway, a problem with the immune system,
fluid from kidney disease, alpha-1 antitrypsin deficiency, primary ciliary dyskinesia and idiopathic
pulmonary fibrosis, with the lay words patients use for them, "scarring from an old infection" as an
old scar and "a punctured lung" in its other wordings.

Real condition, pair, question and pack tables; no model.
"""

from __future__ import annotations

import pytest

from assistant.drafting import questions
from assistant.drafting.conditions import condition, conditions_in, told_apart
from assistant.intake import IntakeRecord
from tests.assistant.drafting.test_conditions_round11 import asked_alternatives, assert_complete_and_backed

#: The new entries, each with the pack note that backs it (the inhaled-object note predates the entry).
NEW = {
    "foreign_body": "inhaled-foreign-body",
    "immunodeficiency": "immunodeficiency",
    "kidney_disease": "kidney-disease-and-fluid",
    "alpha1_antitrypsin": "alpha-1-antitrypsin-deficiency",
    "primary_ciliary_dyskinesia": "primary-ciliary-dyskinesia",
    "ipf": "idiopathic-pulmonary-fibrosis",
}


@pytest.mark.parametrize(("key", "note"), sorted(NEW.items()))
def test_complete_and_backed_by_a_note_that_names_it(key: str, note: str) -> None:
    assert_complete_and_backed(key, note)


def test_an_inhaled_object_is_assessed_the_same_day_and_settled_by_bronchoscopy() -> None:
    cond = condition("foreign_body")
    assert cond.urgent
    assert "rigid bronchoscopy" in cond.test and "normal chest X-ray does not exclude" in cond.test


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Could there be something stuck in her lung?", "foreign_body"),
        ("I think he breathed in a peanut at the party", "foreign_body"),
        ("She inhaled a bit of popcorn on Saturday and has coughed since", "foreign_body"),
        ("maybe she swallowed something the wrong way", "foreign_body"),
        ("Could there be a piece of food in his lungs?", "foreign_body"),
        ("could the popcorn be in her lung?", "foreign_body"),
        ("Could the peanut be in her lung?", "foreign_body"),
        ("could the lego be in her lung", "foreign_body"),
        ("he choked on a grape the week before", "foreign_body"),
        ("is it an inhaled foreign body?", "foreign_body"),
        ("Could she have an immune problem?", "immunodeficiency"),
        ("is there something wrong with her immune system", "immunodeficiency"),
        ("does he have a weak immune system", "immunodeficiency"),
        ("is it low immunity because she keeps getting ill", "immunodeficiency"),
        ("Could it be her kidneys causing the fluid?", "kidney_disease"),
        ("is it a kidney problem", "kidney_disease"),
        ("Is it the genetic thing?", "alpha1_antitrypsin"),
        ("could it be alpha-1 like my brother", "alpha1_antitrypsin"),
        ("the nurse mentioned alpha one", "alpha1_antitrypsin"),
        ("Could it be PCD?", "primary_ciliary_dyskinesia"),
        ("could it be primary ciliary dyskinesia like his cousin", "primary_ciliary_dyskinesia"),
        ("Is it IPF?", "ipf"),
        ("the consultant said idiopathic pulmonary fibrosis", "ipf"),
        ("is it scarring from my old pneumonia?", "old_scar"),
        ("could it be scarring from an old infection", "old_scar"),
        ("they said pulmonary fibrosis", "pulmonary_fibrosis"),
        ("a punctured lung", "pneumothorax"),
        ("I worry the lung punctured when I fell", "pneumothorax"),
        ("could the lung be punctured?", "pneumothorax"),
    ],
)
def test_named_in_lay_words(text: str, key: str) -> None:
    assert key in [c.key for c in conditions_in(text, fuzzy=True)]


def test_pulmonary_fibrosis_alone_is_not_ipf() -> None:
    """'Pulmonary fibrosis' is scarring of any cause; only 'idiopathic' or 'IPF' names IPF."""
    assert [c.key for c in conditions_in("pulmonary fibrosis")] == ["pulmonary_fibrosis"]
    assert [c.key for c in conditions_in("idiopathic pulmonary fibrosis")] == ["ipf"]
    assert [c.key for c in conditions_in("has the pneumonia left permanent scarring")] == [
        "pneumonia",
        "pulmonary_fibrosis",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "She's breathing a bit better today",
        "there's a bit of fluid in his lungs",
        "I feel something in my chest",
        "it feels like something is stuck in my throat",
        "a piece of food stuck in my chest when I eat",
        "he inhaled a bit of smoke at the bonfire",
        "is it an autoimmune problem",
        "she is on immunotherapy",
        "she had a kidney infection last year",
        "the water tablets affected her kidneys",
        "is it the genetic thing my cousin has, cystic fibrosis?",
    ],
)
def test_not_read_into_other_words(text: str) -> None:
    keys = [c.key for c in conditions_in(text)]
    new = set(NEW) - {"ipf"}
    assert not new & set(keys), keys


@pytest.mark.parametrize(
    ("question", "dx", "age", "key"),
    [
        ("Could the popcorn be in her lung? Inhalers do nothing.", "viral wheeze", 2, "foreign_body"),
        ("Could he have breathed something in?", "asthma", 3, "foreign_body"),
        ("Her second pneumonia: could she have an immune problem?", "pneumonia", 4, "immunodeficiency"),
        ("Could it be her kidneys causing the fluid?", "heart failure", 78, "kidney_disease"),
        ("I'm only 42 and hardly smoked, could it be the genetic thing?", "COPD", 42, "alpha1_antitrypsin"),
        ("A wet cough since birth, could it be PCD?", "bronchiectasis", 7, "primary_ciliary_dyskinesia"),
        ("Is it IPF?", "pulmonary fibrosis", 71, "ipf"),
        ("Could it be scarring from my old pneumonia?", "lung nodule", 58, "old_scar"),
        ("Could the lung be punctured?", "rib fracture", 66, "pneumothorax"),
    ],
)  # fmt: skip
def test_asked_as_an_alternative(question: str, dx: str, age: int, key: str) -> None:
    assert ("could_it_be", key) in asked_alternatives(question, dx, age)


def test_ipf_is_not_asked_about_pulmonary_fibrosis_as_something_else() -> None:
    """IPF is a form of pulmonary fibrosis: the diagnosis read from 'IPF', with pulmonary fibrosis in
    its family, so only the medicine the question names is an alternative."""
    intake = IntakeRecord(
        diagnosis_in_question="IPF", main_question="Is it really pulmonary fibrosis or from the methotrexate?"
    )
    assert questions.diagnosis_condition(intake) == condition("ipf")
    asked = [(q.kind, q.condition) for q in questions.parse_sub_questions(intake, has_images=False)]
    assert ("could_it_be", "drug_induced_lung") in asked
    assert ("could_it_be", "pulmonary_fibrosis") not in asked


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("foreign_body", "viral_wheeze"),
        ("foreign_body", "asthma"),
        ("foreign_body", "pneumonia"),
        ("foreign_body", "croup"),
        ("foreign_body", "bronchiolitis"),
        ("foreign_body", "aspiration"),
        ("immunodeficiency", "pneumonia"),
        ("immunodeficiency", "empyema"),
        ("kidney_disease", "heart_failure"),
        ("kidney_disease", "pleural_effusion"),
        ("alpha1_antitrypsin", "copd"),
        ("alpha1_antitrypsin", "asthma"),
        ("primary_ciliary_dyskinesia", "cystic_fibrosis"),
        ("primary_ciliary_dyskinesia", "bronchiectasis"),
        ("primary_ciliary_dyskinesia", "asthma"),
        ("ipf", "connective_tissue_ild"),
        ("ipf", "hypersensitivity_pneumonitis"),
        ("ipf", "drug_induced_lung"),
        ("ipf", "pulmonary_fibrosis"),
        ("ipf", "old_scar"),
    ],
)
def test_each_new_pair_is_told_apart(a: str, b: str) -> None:
    text = told_apart(condition(a), condition(b))
    assert text and text == told_apart(condition(b), condition(a))
