"""The urgent suspected-cancer referral, said when the story meets the usual criteria.

A read draft told a smoker with coughing blood, weight loss and a 41 mm mass, offered a routine
wait of weeks, nothing about the fast-track pathway. Real tables and knowledge-pack notes; only
the language model is the mock.
"""

from __future__ import annotations

import pytest

from assistant.drafting.composer import compose_draft
from assistant.drafting.conditions import condition
from assistant.drafting.llm import MockLLM
from assistant.drafting.schemas import ImagingFindings, SectionKey
from assistant.drafting.topic_answers import fast_track_sentence
from assistant.intake import IntakeRecord, Symptom


def _intake(**update: object) -> IntakeRecord:
    base = IntakeRecord(
        diagnosis_in_question="chest infection",
        main_question="Could it be lung cancer? What should happen next?",
        symptoms=[Symptom(description="coughing up blood", duration="3 weeks")],
        history="Smoker, 30 a day.",
        age=58,
        sex="male",
    )
    return base.model_copy(update=update)


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        ({}, "coughing up blood at 40 or over"),
        (
            {"symptoms": [], "prior_imaging": "X-ray showed a 41 mm mass in the right upper lobe."},
            "a scan described as showing a mass",
        ),
        (
            {"symptoms": [], "reason_for_second_opinion": "The CT showed a spiculated nodule."},
            "a scan described",
        ),
    ],
)
def test_the_criteria_give_the_pathway(update: dict[str, object], expected: str) -> None:
    text = fast_track_sentence(_intake(**update), [condition("lung_cancer")])
    assert expected in text and "urgent suspected-cancer referral" in text


@pytest.mark.parametrize(
    ("update", "conds"),
    [
        # Under the age threshold coughing blood alone is not the criterion; nor for a child.
        ({"age": 32}, ["lung_cancer"]),
        ({"age": 15}, ["lung_cancer"]),
        # Lung cancer is not among the possibilities.
        ({}, ["pneumonia"]),
        # Denied, or a body mass index, or a scan that found no mass.
        ({"symptoms": [Symptom(description="no blood when coughing")]}, ["lung_cancer"]),
        ({"symptoms": [], "history": "Body mass index 31."}, ["lung_cancer"]),
        ({"symptoms": [], "prior_imaging": "CT: no mass seen."}, ["lung_cancer"]),
        # Already diagnosed by biopsy: the cancer team leads.
        ({"prior_imaging": "Bronchoscopy biopsy showed adenocarcinoma."}, ["lung_cancer"]),
    ],
)
def test_no_pathway_without_the_criteria(update: dict[str, object], conds: list[str]) -> None:
    assert fast_track_sentence(_intake(**update), [condition(k) for k in conds]) == ""


def test_the_draft_says_it_once() -> None:
    intake = _intake(
        prior_imaging="Chest X-ray: 41 mm mass right upper lobe. Told to wait 6-8 weeks for clinic."
    )
    draft = compose_draft(intake, ImagingFindings(), [], MockLLM())
    texts = [s.text for sec in draft.sections for s in sec.sentences]
    hits = [t for t in texts if "urgent suspected-cancer referral" in t]
    assert len(hits) == 1
    answers = next(sec for sec in draft.sections if sec.key is SectionKey.ANSWERS)
    assert any("urgent suspected-cancer referral" in s.text for s in answers.sentences)
    # a case its own draft sends down the two-week pathway is in the urgent queue (read drafts were routine)
    assert draft.priority == "urgent"
    assert any("suspected-cancer referral" in f.detail for f in draft.flags if f.kind == "red_flag")


def test_suspected_pneumocystis_is_seen_the_same_day() -> None:
    """Possible Pneumocystis pneumonia with low oxygen was left to wait in a read draft."""
    cond = condition("pneumocystis_pneumonia")
    assert cond.urgent
    intake = _intake(
        diagnosis_in_question="viral chest infection",
        main_question="Could it be PCP? I am on methotrexate and my oxygen was 91%.",
        symptoms=[Symptom(description="breathless on walking", duration="10 days")],
        history="Rheumatoid arthritis on methotrexate and prednisolone.",
        age=52,
    )
    draft = compose_draft(intake, ImagingFindings(), [], MockLLM())
    texts = " ".join(s.text for sec in draft.sections for s in sec.sentences)
    assert "it is usually assessed the same day" in texts


@pytest.mark.parametrize(
    "reason",
    [
        # TB found in the sputum explains the blood; a question in brackets leaves the statement one
        "Now the spit test showed the germ, they started me on 4 tablets (my pee is orange, is this normal?)",
        "The hospital took the spit 3 days, doctor said the test show TB bacteria.",
        # a biopsy has shown cancer; what the team still waits for is other tests
        "They did a biopsy through the back with a needle and it came back adenocarcinoma, "
        "waiting for molecular tests.",
    ],
)
def test_no_referral_once_tb_or_cancer_is_confirmed(reason: str) -> None:
    intake = _intake(reason_for_second_opinion=reason)
    assert fast_track_sentence(intake, [condition("lung_cancer")]) == ""
    draft = compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
    text = " ".join(s.text for s in draft.section(SectionKey.ANSWERS).sentences)
    assert "suspected-cancer referral" not in text


def test_a_nodule_alone_is_followed_under_nodule_guidance() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="small nodule, probably old scarring",
        main_question="Could it be cancer? 3 months feels like forever, how soon should the scan be done?",
        age=45,
        sex="female",
    )
    draft = compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
    text = " ".join(s.text for s in draft.section(SectionKey.ANSWERS).sentences)
    assert "under nodule guidance" in text
