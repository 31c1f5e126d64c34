"""A heart rhythm problem's triggers asked about, and its symptoms named.

A read draft turned "Could my thyroid or the wine be causing it?" after a diagnosis of atrial
fibrillation into a question about a heart attack ("my heart goes all over the place" read as a
vague heart problem with "sweaty"), listed only "weight loss" of five symptoms, and did not say
that AF which comes and goes carries a similar stroke risk. Real tables; only the language model
is the mock.
"""

from __future__ import annotations

import pytest

from assistant.drafting import questions
from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import MockLLM
from assistant.drafting.schemas import ImagingFindings
from assistant.intake import IntakeRecord, Symptom
from tests.assistant.drafting.pack_notes import pack_note


def _af() -> IntakeRecord:
    return IntakeRecord(
        diagnosis_in_question="atrial fibrillation (AF), paroxysmal",
        reason_for_second_opinion=(
            "I get fluttery spells where my heart goes all over the place. I have been losing weight and "
            "feeling hot and sweaty. I drink a bottle of wine most nights."
        ),
        main_question=(
            "Do I really need apixaban if the AF comes and goes? Could my thyroid or the wine be causing it?"
        ),
        symptoms=[
            Symptom(description="episodes of fast irregular heartbeat, fluttering", duration="3 months"),
            Symptom(description="light-headed during episodes, never fainted", duration="3 months"),
            Symptom(description="feeling hot, sweaty, hands shaky", duration="2 months"),
        ],
        history="Sister has an underactive thyroid.",
        age=66,
        sex="female",
    )


def test_the_triggers_are_asked_about_as_causes_and_no_heart_attack_is() -> None:
    subs = questions.parse_sub_questions(_af(), has_images=False)
    asked = {q.condition: q.summary for q in subs if q.kind == "could_it_be"}
    assert set(asked) == {"overactive_thyroid", "alcohol_trigger"}
    assert all("could be behind it or present as well" in s for s in asked.values())


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("episodes of fast irregular heartbeat, fluttering", ["palpitations"]),
        ("my heart goes all over the place", ["palpitations"]),
        ("light-headed during episodes, never fainted", ["dizziness"]),
        ("feeling hot, sweaty, hands shaky", ["sweating", "shakiness"]),
        ("sweating at night", ["night sweats"]),
        ("no palpitations and not dizzy", []),
    ],
)
def test_rhythm_and_thyroid_symptoms_are_named(text: str, names: list[str]) -> None:
    assert questions.asserted_symptom_names(text) == names


def test_a_thyroid_tablet_or_a_glass_of_wine_in_the_history_names_nothing() -> None:
    intake = _af().model_copy(
        update={
            "main_question": "Do I need the blood thinner?",
            "reason_for_second_opinion": (
                "I take levothyroxine for my thyroid and have a glass of wine at weekends."
            ),
        }
    )
    subs = questions.parse_sub_questions(intake, has_images=False)
    assert not [q for q in subs if q.kind == "could_it_be"]


def test_the_draft_answers_each_trigger_and_the_stroke_risk_of_af_that_comes_and_goes() -> None:
    draft = compose_draft(_af(), ImagingFindings(), [], MockLLM())
    texts = " ".join(s.text for sec in draft.sections for s in sec.sentences)
    assert "a thyroid blood test (TSH with free T4 and T3)" in texts
    assert "a drink diary" in texts
    assert "close to that of constant atrial fibrillation" in texts
    assert "palpitations" in texts and "heart attack" not in texts


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("Could it be my thyroid?", "overactive_thyroid"),
        ("Is the wine to blame?", "alcohol_trigger"),
        ("Could the drinking be setting it off?", "alcohol_trigger"),
        ("Is it from my thyroid problem?", "overactive_thyroid"),
    ],
)
def test_a_trigger_asked_in_other_words(question: str, key: str) -> None:
    intake = _af().model_copy(update={"main_question": question, "reason_for_second_opinion": ""})
    subs = questions.parse_sub_questions(intake, has_images=False)
    assert key in {q.condition for q in subs if q.kind == "could_it_be"}


@pytest.mark.parametrize(
    ("sentence", "other"),
    [
        ("Heart block that causes symptoms is treated with a pacemaker.", True),
        ("A long QT is an inherited or medicine-related change in the heart's recovery between beats.", True),
        ("For AF, medicines slow the heart rate.", False),
        ("A heart rhythm problem (an arrhythmia) is a fault in that signal.", False),
        ("Pneumonia is an infection of the lung.", False),
    ],
)
def test_a_sentence_about_another_form_of_the_diagnosis(sentence: str, other: bool) -> None:
    """A rhythm note's heart-block and long-QT sentences are someone else's illness for a patient
    with atrial fibrillation; its general and AF sentences are hers."""
    assert questions.another_form(sentence, _af()) is other
    # Told in the patient's own words, the same form is hers.
    told = _af().model_copy(update={"history": "I also have heart block and a long QT."})
    assert questions.another_form(sentence, told) is False


def test_the_af_draft_has_no_sentence_about_heart_block_or_a_long_qt() -> None:
    note = pack_note(1, "heart-rhythm-problems")
    assert "heart block" in note.text.lower() and "long qt" in note.text.lower()
    draft = compose_draft(_af(), ImagingFindings(), [note], MockLLM())
    cited = [s.text for sec in draft.sections for s in sec.sentences if s.citations]
    assert cited, "the note's atrial fibrillation sentences are still cited"
    assert not [t for t in cited if "heart block" in t.lower() or "long qt" in t.lower()]
