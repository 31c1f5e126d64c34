"""The differential weighs the first diagnosis itself, on the same terms as the alternatives.

Real tables and the project's own knowledge-pack notes; only the language model is the mock.
"""

from __future__ import annotations

import pytest

from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import MockLLM
from assistant.drafting.questions import diagnosis_condition
from assistant.drafting.schemas import DraftContent, ImagingFindings, SectionKey
from assistant.intake import IntakeRecord, Symptom


def _draft(intake: IntakeRecord) -> DraftContent:
    return compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))


def _entry(draft: DraftContent, key: str) -> list[str]:
    return [s.text for s in draft.section(SectionKey.ALTERNATIVES).sentences if s.condition_ref == key]


def test_the_first_diagnosis_has_its_own_entry_before_the_alternatives() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="TB in the lungs",
        main_question="Is it definitely TB or could it be cancer?",
        reason_for_second_opinion="I moved here from Pakistan two years ago. My uncle had TB.",
        symptoms=[
            Symptom(description="night sweats", duration="6 weeks"),
            Symptom(description="weight loss", duration="2 months"),
        ],
        age=38,
        sex="male",
    )
    draft = _draft(intake)
    section = draft.section(SectionKey.ALTERNATIVES).sentences
    assert section[0].condition_ref == "tuberculosis"
    assert section[0].text.startswith("The first diagnosis, tuberculosis (TB), is weighed here")
    tb = " ".join(_entry(draft, "tuberculosis"))
    assert "What would point to it:" in tb and "What argues against it:" in tb
    assert "The test that usually settles it: sputum tests for TB" in tb
    assert "Of the symptoms reported, night sweats and weight loss are among those that can point to" in tb
    assert (
        "From the history, what makes tuberculosis (TB) more likely: living in, or time spent in, a country"
        in tb
    )
    # The alternative the patient asked about follows, compared with the diagnosis.
    cancer = " ".join(_entry(draft, "lung_cancer"))
    assert "discussed because it was asked about" in cancer
    # the comparison is said once, in the answer to the question that asked it
    answers = " ".join(s.text for s in draft.section(SectionKey.ANSWERS).sentences)
    assert "What usually tells a lung cancer or other lung mass (tumour) from tuberculosis (TB):" in answers
    assert "What tells it from tuberculosis (TB):" not in cancer


def test_a_diagnosis_the_table_does_not_know_gets_no_entry_and_no_alternative_is_said_plainly() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="a funny turn",
        main_question="What do you think?",
        age=60,
        sex="female",
    )
    section = _draft(intake).section(SectionKey.ALTERNATIVES).sentences
    assert [s.text for s in section] == [
        "No alternative was named and the validated findings did not raise one."
    ]


def test_with_no_alternative_the_diagnosis_entry_stands_and_says_none_was_raised() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="costochondritis",
        main_question="How long will it last?",
        reason_for_second_opinion="It hurts when I press on my breastbone.",
        age=30,
        sex="female",
    )
    texts = [s.text for s in _draft(intake).section(SectionKey.ALTERNATIVES).sentences]
    assert texts[0].startswith("The first diagnosis, ")
    assert any(t.startswith("From the history, what makes ") for t in texts)
    assert texts[-1] == "No alternative was named and the validated findings did not raise one."


@pytest.mark.parametrize(
    ("diagnosis", "key"),
    [
        ("viral myocarditis", "myocarditis"),
        ("viral pericarditis", "pericarditis"),
        ("viral pleurisy", "pleurisy"),
        ("viral chest infection", "viral_infection"),
        ("viral pneumonia", "viral_infection"),
        ("a heart murmur", "valve_disease"),
    ],
)
def test_a_virus_named_as_the_cause_leaves_the_condition_it_caused_as_the_diagnosis(
    diagnosis: str, key: str
) -> None:
    cond = diagnosis_condition(IntakeRecord(diagnosis_in_question=diagnosis))
    assert cond is not None and cond.key == key


def test_an_innocent_murmur_is_no_valve_disease() -> None:
    assert diagnosis_condition(IntakeRecord(diagnosis_in_question="innocent heart murmur")) is None
