"""Someone who stopped smoking years ago is not told to stop.

A read draft answered "how can it be COPD when I stopped 30 years ago?" with "stopping smoking is
the most useful single step in COPD". Real tables; only the language model is the mock.
"""

from __future__ import annotations

import pytest

from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import MockLLM
from assistant.drafting.schemas import ImagingFindings, SectionKey
from assistant.drafting.topic_answers import stopped_smoking
from assistant.intake import IntakeRecord


def _copd(
    history: str, question: str = "How can it be COPD when I stopped smoking 30 years ago?"
) -> IntakeRecord:
    return IntakeRecord(
        diagnosis_in_question="COPD",
        main_question=question,
        history=history,
        age=75,
        sex="male",
    )


@pytest.mark.parametrize(
    ("history", "stopped"),
    [
        ("Smoked 20 a day from 15, gave up 30 years ago.", True),
        ("Ex-smoker, 37 pack-years.", True),
        ("I quit in 1994.", True),
        ("I used to smoke.", True),
        ("Smoke 10 a day.", False),
        ("Gave up for a year but still smoking now.", False),
        ("Never smoked.", False),
    ],
)
def test_an_ex_smoker_is_recognised(history: str, stopped: bool) -> None:
    assert stopped_smoking(_copd(history, question="Is it COPD?")) is stopped


def test_the_smoking_answer_for_an_ex_smoker_gives_no_advice_to_stop() -> None:
    draft = compose_draft(_copd("Gave up smoking 30 years ago."), ImagingFindings(), [], MockLLM())
    texts = " ".join(s.text for sec in draft.sections for s in sec.sentences)
    assert "for someone who has already stopped" in texts
    assert "most useful single step" not in texts and "free stop-smoking services" not in texts
    smoker = compose_draft(
        _copd("Smoke 20 a day.", question="Does my smoking matter for the COPD?"),
        ImagingFindings(),
        [],
        MockLLM(),
    )
    assert "free stop-smoking services" in " ".join(s.text for sec in smoker.sections for s in sec.sentences)


def test_a_never_smoker_asking_how_it_can_be_cancer_is_answered() -> None:
    """'How can it be cancer if I never smoked?' was answered with stop-smoking services."""
    intake = IntakeRecord(
        diagnosis_in_question="lung cancer suspected",
        main_question="How can it be cancer if I never smoked? Should we wait and rescan?",
        history="Never smoker. Underactive thyroid.",
        age=52,
        sex="female",
    )
    answers = [
        s.text
        for s in compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
        .section(SectionKey.ANSWERS)
        .sentences
    ]
    said = next(t for t in answers if "for someone who has never smoked" in t)
    assert "one in ten to one in five lung cancers" in said
    assert not any("stop-smoking service" in t for t in answers)
