"""Signs described now that call for a doctor today are said first, for the setting described."""

from __future__ import annotations

import pytest

from assistant.drafting.composer import compose_draft
from assistant.drafting.guardrails import assess_priority
from assistant.drafting.llm import MockLLM
from assistant.drafting.same_day import same_day_signs
from assistant.drafting.schemas import ImagingFindings, SectionKey
from assistant.intake import IntakeRecord, Symptom


def _intake(
    age: int, *symptoms: str, reason: str = "", history: str = "", dx: str = "bronchiolitis"
) -> IntakeRecord:
    return IntakeRecord(
        diagnosis_in_question=dx,
        age=age,
        reason_for_second_opinion=reason,
        history=history,
        symptoms=[Symptom(description=s, duration="2 days") for s in symptoms],
    )


BABY = _intake(
    0,
    "fast breathing with tummy sucking in under ribs",
    "taking about half her normal feeds, fewer wet nappies",
    "pauses in his breathing at night",
)


def test_a_babys_signs_are_named() -> None:
    assert same_day_signs(BABY) == [
        "the chest or tummy drawing in with each breath",
        "feeding much less than usual, with fewer wet nappies",
        "pauses in breathing",
    ]


def test_they_lead_the_answers_and_make_the_case_urgent() -> None:
    draft = compose_draft(BABY, ImagingFindings(), [], MockLLM(responses=[""]))
    answers = [s.text for s in draft.section(SectionKey.ANSWERS).sentences]
    first = next(i for i, t in enumerate(answers) if t.startswith("The account describes signs that need"))
    assert first < next(i for i, t in enumerate(answers) if t.startswith("On whether the diagnosis"))
    # a baby's pauses in breathing are an emergency, not a same-day appointment
    assert "call emergency services now, or go straight to A&E" in answers[first]
    assert draft.priority == "urgent"


def test_a_young_childs_signs_mean_hospital_today_and_an_adults_a_doctor_today() -> None:
    from assistant.drafting.same_day import same_day_sentence

    baby = _intake(0, "fast breathing with tummy sucking in under ribs")
    assert "taken to hospital now (A&E or a children's assessment unit)" in same_day_sentence(
        baby, same_day_signs(baby), "call emergency services now"
    )
    adult = _intake(44, "breathless", reason="My watch says my oxygen drops to 91 when I climb stairs.")
    assert "seen by a doctor today (A&E or an urgent care centre" in same_day_sentence(
        adult, same_day_signs(adult), "call emergency services now"
    )
    # a possible clot, or new confusion with an infection at 81: hospital today
    clot = _intake(34, "tight left calf", "breathless on stairs", dx="chest infection")
    older = _intake(81, "more sleepy and confused", "temperature", dx="pneumonia")
    for intake in (clot, older):
        assert "assessed in hospital today (A&E)" in same_day_sentence(
            intake, same_day_signs(intake), "call emergency services now"
        )


@pytest.mark.parametrize(
    ("intake", "sign"),
    [
        (_intake(52, "oxygen 93-94 at rest, 89 walking (home finger monitor)", dx="long covid"), "93%"),
        (
            _intake(
                60,
                "breathless",
                reason="My watch says my oxygen drops to 91 when I climb stairs.",
                dx="pneumonia",
            ),
            "91%",
        ),
        (_intake(29, "racing heart 110-120 at rest on watch", dx="covid"), "resting pulse of about 110"),
        (_intake(81, "more sleepy and confused", "temperature", dx="pneumonia"), "new confusion"),
        (_intake(34, "tight left calf", "breathless on stairs", dx="chest infection"), "calf"),
    ],
)
def test_adult_signs(intake: IntakeRecord, sign: str) -> None:
    assert any(sign in s for s in same_day_signs(intake))


@pytest.mark.parametrize(
    "intake",
    [
        # told of the past: a reading in A&E, the ward's reading when sent home
        _intake(1, "cough", reason="In A&E his oxygen was 94 and they sent us home."),
        # already in hospital: the ward team is there
        _intake(0, "tummy sucking in under ribs", reason="She is on the children's ward now."),
        # a question about what might happen
        _intake(0, "cough", reason="Should I worry if he starts grunting?"),
        # something read online and feared, not seen
        _intake(
            0,
            "cough",
            reason="I read on internet babies with RSV can stop breathing in sleep and I dont sleep.",
        ),
        # a COPD patient's usual target range
        _intake(70, "oxygen 90% at rest", history="COPD for years", dx="COPD flare"),
        # a pulse that is fast on effort only, and a child's pulse
        _intake(40, "heart rate 120 when running", dx="asthma"),
        # a calf ache without breathlessness or chest pain
        _intake(30, "sore calf after football", dx="muscle strain"),
        # confusion without an infection, in a younger adult
        _intake(40, "a bit confused by all the tablets", dx="asthma"),
    ],
)
def test_no_sign(intake: IntakeRecord) -> None:
    assert same_day_signs(intake) == []
    assert assess_priority(intake).priority == "routine"


def test_a_baby_going_purple_or_floppy_after_a_fit_is_an_emergency() -> None:
    """A 4-month-old going "purple-ish round the lips" in coughing fits and once "quiet and floppy"
    was filed routine with no word that this is an emergency."""
    baby = _intake(
        0,
        "coughing fits, red then purplish around lips, gasp at the end",
        reason="Once on Tuesday she went quiet and floppy for a few seconds after the fit.",
    )
    assert same_day_signs(baby) == ["going blue, grey or floppy"]
    draft = compose_draft(baby, ImagingFindings(), [], MockLLM(responses=[""]))
    assert draft.priority == "urgent"
    assert any("need emergency care" in s.text for s in draft.section(SectionKey.ANSWERS).sentences)
    # red in the face is not blue, and an older child's colour is left to the triage
    assert same_day_signs(_intake(0, "coughs and goes red in the face")) == []
    assert same_day_signs(_intake(6, "went blue round the lips")) == []


def test_a_fever_after_a_stay_where_malaria_is_common_needs_a_test_today() -> None:
    """A pregnant nurse back from Lagos 12 days with a fever was told it was only COVID; malaria was never
    named. Being from a country is not a recent stay."""
    back = _intake(31, "fever and cough", reason="I came back from Lagos 12 days ago.", dx="covid")
    assert any("malaria" in s for s in same_day_signs(back))
    native = _intake(
        31, "fever and cough", reason="I am from Nigeria and live in Leeds for 10 years.", dx="covid"
    )
    assert not any("malaria" in s for s in same_day_signs(native))
    no_fever = _intake(31, "dry cough", reason="I came back from Lagos 12 days ago.", dx="covid")
    assert not any("malaria" in s for s in same_day_signs(no_fever))


def test_fainting_during_exercise_is_a_same_day_sign_and_nearly_fainting_is_not() -> None:
    assert "fainting during exercise" in same_day_signs(
        _intake(14, "fainted during a race last week", dx="asthma")
    )
    assert "fainting during exercise" not in same_day_signs(
        _intake(14, "nearly fainted during a race", dx="asthma")
    )


def test_the_urgent_care_question_answered_yes_when_the_story_has_signs_for_today() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="reflux",
        main_question="Does she need to go to hospital?",
        symptoms=[Symptom(description="pauses in breathing after a coughing fit, goes floppy")],
        age=0,
        sex="female",
    )
    draft = compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
    text = draft.section(SectionKey.ANSWERS).text
    # pauses in a baby's breathing need emergency care, and the answer says so (read answers had said "a
    # doctor's review today" under an opening that said to call emergency services)
    assert "Yes, now: the signs described at the start of these answers need emergency care" in text
    assert "if the symptoms are getting worse" not in text
    today = intake.model_copy(
        update={"symptoms": [Symptom(description="fast breathing with tummy sucking in under ribs")]}
    )
    text = (
        compose_draft(today, ImagingFindings(), [], MockLLM(responses=[""])).section(SectionKey.ANSWERS).text
    )
    assert "Yes: the signs described at the start of these answers need a doctor's review today" in text


def test_an_onset_weeks_ago_is_history_but_the_object_it_suggests_makes_the_case_urgent() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="asthma",
        main_question="Could he have breathed in a piece of the toy?",
        symptoms=[
            Symptom(
                description="cough", duration="3 weeks", onset="sudden, right after choking episode with toy"
            ),
            Symptom(description="wheeze heard on the right side", duration="3 weeks"),
            Symptom(description="choking and hard coughing episode, red face", duration="once, 3 weeks ago"),
        ],
        age=2,
        sex="male",
    )
    assessed = assess_priority(intake)
    assert assessed.signs == []  # the choking was three weeks ago: no emergency now
    draft = compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
    assert draft.priority == "urgent"
    assert any("inhaled foreign body" in f.detail for f in draft.flags if f.kind == "red_flag")
