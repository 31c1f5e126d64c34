"""Fourteenth round: phrasings in the last round's cases, now read, that named no alternative."""

from __future__ import annotations

import pytest

from assistant.drafting import questions
from assistant.drafting.composer import compose_draft
from assistant.drafting.conditions import condition, conditions_in
from assistant.drafting.llm import MockLLM
from assistant.drafting.risk_factors import found_factors, history_sentence
from assistant.drafting.schemas import ImagingFinding, ImagingFindings, ModelCardRef, SectionKey
from assistant.intake import IntakeRecord
from tests.assistant.drafting.test_conditions_round11 import asked_alternatives


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Could he have swallowed/breathed in one of the beads?", ["foreign_body"]),
        ("Could vaping have damaged my lungs?", ["evali"]),
        ("Could it be tuberculous pleurisy?", ["tuberculosis"]),
        ("Could his lung be punctured or bleeding inside?", ["pneumothorax", "haemothorax"]),
        ("Could he be breathing food into his lungs?", ["aspiration"]),
        ("Is the milk going into her lungs when she feeds?", ["aspiration"]),
        ("Could it be fluid overload from all the drips?", ["heart_failure"]),
    ],
)
def test_named_in_lay_words(text: str, keys: list[str]) -> None:
    assert [c.key for c in conditions_in(text, fuzzy=True)] == keys


@pytest.mark.parametrize(
    "text",
    [
        "She had the flu jab in October.",
        "Could it be a reaction to the covid vaccine?",
        "He had the pneumonia vaccine last year.",
        "Is it safe to have the covid-19 booster?",
        "Covid 19 vaccination is due next week.",
        "Is she bleeding inside her tummy?",
        "Vaping has not changed my cough.",
    ],
)
def test_vaccines_and_other_senses_name_no_chest_illness(text: str) -> None:
    """A vaccine named after an illness is not the illness; bleeding inside the belly is not blood
    around the lung; vaping that changed nothing is not a lung injury."""
    named = {c.key for c in conditions_in(text, fuzzy=True)}
    assert not named & {"viral_infection", "covid19", "pneumonia", "haemothorax", "evali"}


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Could it be flu?", "viral_infection"),
        ("She has covid-19.", "covid19"),
        ("Is it pneumonia?", "pneumonia"),
    ],
)
def test_the_illness_itself_is_still_named(text: str, key: str) -> None:
    assert key in [c.key for c in conditions_in(text, fuzzy=True)]


@pytest.mark.parametrize(
    ("question", "dx", "asked"),
    [
        ("Is it definitely asthma? Could it be the flour causing it?", "asthma (adult onset)", True),
        ("Could my job be causing it?", "asthma", True),
        ("Is it something at work making it worse?", "late-onset asthma", True),
        ("Could the paint fumes at the garage be behind it?", "asthma", True),
        # Not asthma: dust at work is answered as an exposure, not work-related asthma.
        ("Could the flour be causing it?", "pneumonia", False),
        # Work named without asking about a cause.
        ("Can I go back to my job next week?", "asthma", False),
    ],
)
def test_work_asked_as_the_cause_of_asthma_is_work_related_asthma(
    question: str, dx: str, asked: bool
) -> None:
    assert (("could_it_be", "occupational_asthma") in asked_alternatives(question, dx, 35)) is asked


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Could it be stomach cancer?", []),
        ("She had bowel cancer.", []),
        ("Could it be a brain tumour?", []),
        ("Is it skin cancer?", []),
        ("Is the breast cancer back in her lungs?", ["metastasis"]),
        ("Could the bowel cancer be back?", ["metastasis"]),
        ("Could it be cancer?", ["lung_cancer"]),
        ("Could it be a tumour in the lung?", ["lung_cancer"]),
    ],
)
def test_a_cancer_of_another_organ_is_not_a_lung_cancer(text: str, keys: list[str]) -> None:
    """A bare 'cancer' after another organ names that organ's cancer, which a chest opinion does not
    weigh as a lung cancer; the same cancer come back is read as a spread cancer."""
    assert [c.key for c in conditions_in(text, fuzzy=True)] == keys


@pytest.mark.parametrize(
    ("story", "found"),
    [
        ("She finished radiotherapy for breast cancer in March.", True),
        ("I had chemo and radiation treatment to my chest for Hodgkin lymphoma.", True),
        ("Lung cancer treated with radiotherapy last year.", True),
        ("He had radiotherapy for prostate cancer in 2019.", False),
        ("Breast cancer treated with surgery only, no radiotherapy.", False),
    ],
)
def test_radiotherapy_to_the_chest_bears_on_radiation_pneumonitis(story: str, found: bool) -> None:
    intake = IntakeRecord(diagnosis_in_question="pneumonia", history=story, age=62)
    keys = {f.factor.key for f in found_factors(intake)}
    assert ("chest_radiotherapy" in keys) is found
    said = history_sentence(intake, condition("radiation_pneumonitis"))
    assert ("radiotherapy to the chest" in said) is found


def _answers(intake: IntakeRecord, imaging: ImagingFindings | None = None) -> dict[str, str]:
    draft = compose_draft(intake, imaging or ImagingFindings(), [], MockLLM(responses=[""]))
    sentences = draft.section(SectionKey.ANSWERS).sentences
    return {
        q.kind + (":" + q.topic if q.topic else ""): " ".join(
            s.text for s in sentences if s.question_ref == q.id
        )
        for q in draft.sub_questions
    }


def test_a_bakers_flour_is_answered_as_a_cause_of_asthma_not_as_asbestos() -> None:
    """A baker's 'could it be the flour?' names the agents known to cause asthma at work and who
    decides about reducing the exposure, not the asbestos and mesothelioma of the general dust note."""
    intake = IntakeRecord(
        diagnosis_in_question="asthma", main_question="Could it be the flour causing it?", age=32
    )
    exposure = _answers(intake)["next_steps:exposure"]
    assert "flour and grain dust" in exposure and "days off" in exposure
    assert "occupational health" in exposure
    assert "asbestos" not in exposure and "mesothelioma" not in exposure


def test_a_film_no_model_may_read_is_not_called_normal_or_abnormal() -> None:
    """With every film result unusable, the images answer says this analysis cannot tell whether
    the X-ray is normal, and who can."""
    finding = ImagingFinding(
        label="pneumonia",
        probability=0.2,
        threshold=0.5,
        positive=False,
        model_card=ModelCardRef(id="cxr", name="chest X-ray", limitations=[]),
    )
    imaging = ImagingFindings(modality="chest X-ray", kinds=["cxr"], findings=[finding])
    intake = IntakeRecord(diagnosis_in_question="asthma", main_question="Is my x-ray normal?", age=32)
    images = _answers(intake, imaging)["images"]
    assert "cannot say whether the X-ray is normal" in images and "radiologist's report" in images


@pytest.mark.parametrize(
    ("question", "dx", "asked"),
    [
        ("Should I be on antibiotics for the yellow phlegm?", "Covid pneumonia (covid in both lungs)", True),
        ("Should she be on antibiotics like my mum says?", "bronchiolitis, RSV positive", True),
        ("What is the shadow, do I need antibiotics?", "small pneumothorax (collapsed lung)", True),
        ("Does he need antibiotics?", "asthma attack", True),
        # A diagnosis treated with antibiotics: the question is about the treatment, not another illness.
        ("Is amoxicillin strong enough?", "community-acquired pneumonia", False),
        ("Does she need more antibiotics?", "empyema", False),
        # Antibiotics named in a statement, not asked about.
        ("She finished antibiotics last week. Is it still covid?", "covid-19", False),
    ],
)
def test_antibiotics_asked_after_a_diagnosis_not_treated_with_them_asks_about_a_bacterial_pneumonia(
    question: str, dx: str, asked: bool
) -> None:
    assert (("could_it_be", "pneumonia") in asked_alternatives(question, dx, 40)) is asked


def test_a_bacterial_pneumonia_is_asked_as_well_as_or_instead_of_the_virus() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="COVID-19", main_question="Should I be on antibiotics for the yellow phlegm?"
    )
    subs = {q.condition: q.summary for q in questions.parse_sub_questions(intake, has_images=False)}
    assert subs["pneumonia"] == "whether a bacterial pneumonia could be present, as well as or instead of it"


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Will my lungs scar?", ["pulmonary_fibrosis"]),
        ("Will it leave a scar?", ["pulmonary_fibrosis"]),
        ("Is the shadow an old scar?", ["old_scar"]),
        ("I am worried because I am overweight and my calf aches.", []),
        ("Could it be because I am overweight?", ["deconditioning"]),
    ],
)
def test_scarring_to_come_and_a_reason_given_are_read_as_meant(text: str, keys: list[str]) -> None:
    """Scarring asked about for the future is lasting scarring, not an old scar; 'because I'm
    overweight' given as a worry's reason asks nothing about being unfit."""
    assert [c.key for c in conditions_in(text, fuzzy=True)] == keys
