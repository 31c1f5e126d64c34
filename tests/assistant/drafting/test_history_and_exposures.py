"""Sixth round: symptoms told as history are not emergencies now, exposure and timing questions
are answered, and conditions the patient already has are background, not alternatives.

Real triage rules, real condition and topic tables, the project's own knowledge-pack notes as
sources; only the language model is the mock.
"""

from __future__ import annotations

import pytest

from assistant.drafting import facts, questions
from assistant.drafting.composer import compose_draft
from assistant.drafting.guardrails import assess_priority, lasting_days, long_standing
from assistant.drafting.llm import MockLLM
from assistant.drafting.schemas import DraftContent, ImagingFindings, SectionKey
from assistant.intake import IntakeRecord, Symptom
from tests.assistant.drafting.test_answer_focus import _note


def _answer_text(draft: DraftContent, topic: str) -> str:
    q = next(q for q in draft.sub_questions if q.topic == topic)
    return " ".join(s.text for s in draft.section(SectionKey.ANSWERS).sentences if s.question_ref == q.id)


def _draft(intake: IntakeRecord, notes: list[str] = ()) -> DraftContent:  # type: ignore[assignment]
    sources = [_note(i, n) for i, n in enumerate(notes, start=1)]
    return compose_draft(intake, ImagingFindings(), sources, MockLLM(responses=[""]))


class TestSymptomsToldAsHistory:
    """A symptom that has lasted weeks is the story, not an emergency now (v67, v68, v48)."""

    @pytest.mark.parametrize(
        ("duration", "days"),
        [
            ("3 weeks", 21),
            ("4 months", 120),
            ("over a year", 365),
            ("4 weeks ago", 28),
            ("lasted 4 days", 4),
            ("a few weeks", 21),
            ("6 days", 6),
            ("", None),
            ("since the summer", None),
        ],
    )
    def test_lasting_days(self, duration: str, days: float | None) -> None:
        assert lasting_days(duration) == days

    @pytest.mark.parametrize(
        ("description", "duration", "priority"),
        [
            # the words alone would fire "severe difficulty breathing"; weeks of it are a history
            ("coughing and choking when eating and drinking", "4 months", "routine"),
            ("cant breathe lying flat, need 3 pillows", "3 weeks", "routine"),
            ("choking and coughing fit at nursery, one time", "4 weeks ago", "routine"),
            # happening now, or changed now: still an emergency
            ("choking and cannot breathe", "10 minutes", "urgent"),
            ("cannot breathe, lips going blue", "", "urgent"),
            ("breathless for months, suddenly cannot breathe today", "3 months", "urgent"),
            # over, by its duration's own words: history (a read draft raised an alarm for it)
            ("sharp chest pain on breathing in and breathless", "about 10 days, now gone", "routine"),
            ("sharp chest pain on breathing in and breathless", "a week, resolved", "routine"),
            ("sharp chest pain on breathing in and breathless", "a week, not settled", "urgent"),
        ],
    )
    def test_priority_respects_time(self, description: str, duration: str, priority: str) -> None:
        intake = IntakeRecord(
            diagnosis_in_question="chest infection",
            symptoms=[Symptom(description=description, duration=duration)],
        )
        result = assess_priority(intake)
        assert result.priority == priority, result.reasons
        assert bool(result.signs) == (priority == "urgent")

    def test_long_standing_needs_a_duration(self) -> None:
        assert long_standing("choking when eating", "4 months")
        assert not long_standing("choking when eating", "")
        assert not long_standing("choking, much worse today", "4 months")

    def test_draft_raises_no_emergency_for_a_history(self) -> None:
        """v67's shape: months of choking on food and a recent fever; no 'severe difficulty breathing'."""
        intake = IntakeRecord(
            diagnosis_in_question="chest infection",
            symptoms=[
                Symptom(description="cough with phlegm, temperature", duration="6 days", onset="sudden"),
                Symptom(
                    description="coughing and choking when eating and drinking",
                    duration="4 months",
                    onset="gradual",
                ),
            ],
            age=83,
            main_question="Is this aspiration from his swallowing, and should he have a swallow test?",
        )
        draft = _draft(intake)
        answers = draft.section(SectionKey.ANSWERS).sentences
        assert not [s for s in answers if s.question_ref == "urgent"]
        assert "difficulty breathing" not in " ".join(s.text for s in answers)
        assert draft.priority == "routine"


class TestExposureAndTimingQuestions:
    """Pets, birds, mould and dusts, and 'how soon', are questions of their own (v74, v69)."""

    @pytest.mark.parametrize(
        ("question", "topic", "subjects"),
        [
            ("Does keeping budgies matter and should I get rid of them?", "exposure", ["birds"]),
            ("Could the mould in our bathroom be making it worse?", "exposure", ["mould"]),
            ("Is it the pigeons I race?", "exposure", ["birds"]),
            ("Could the dust at the quarry have done this?", "exposure", ["work_dust"]),
            ("Could the cat or her dad smoking be making it worse?", "exposure", ["pets"]),
            ("How quickly should all this happen?", "timing", []),
            ("When will I know the results?", "timing", []),
            ("How long until the biopsy?", "timing", []),
        ],
    )
    def test_recognised(self, question: str, topic: str, subjects: list[str]) -> None:
        intake = IntakeRecord(diagnosis_in_question="pulmonary fibrosis", main_question=question)
        subs = [q for q in questions.parse_sub_questions(intake, has_images=False) if q.topic == topic]
        assert len(subs) == 1, [q.summary for q in questions.parse_sub_questions(intake, has_images=False)]
        assert subs[0].kind == "next_steps" and subs[0].subjects == subjects

    @pytest.mark.parametrize(
        "question",
        [
            "How soon can I fly to Spain?",  # an activity question, answered as one
            "Do I need a CAT scan?",  # not a cat
            "Is it just hay fever?",  # not mouldy hay
            "What does a PET scan show that the CT does not?",  # not a pet
            "How long until it goes?",  # how long the illness lasts, not the timing of a next step
        ],
    )
    def test_not_recognised(self, question: str) -> None:
        intake = IntakeRecord(diagnosis_in_question="asthma", main_question=question)
        topics = {q.topic for q in questions.parse_sub_questions(intake, has_images=False)}
        assert not topics & {"exposure", "timing"}

    def test_named_as_the_patient_said_it(self) -> None:
        intake = IntakeRecord(
            diagnosis_in_question="asthma", main_question="Could the cat be making it worse?"
        )
        exposure = next(
            q for q in questions.parse_sub_questions(intake, has_images=False) if q.topic == "exposure"
        )
        assert exposure.summary == "whether the exposure to the cat matters, and what to do about it"
        text = _answer_text(_draft(intake, ["asthma"]), "exposure")
        assert "matters, and what to do about it: On the cat: furry pets" in text
        assert "hypersensitivity" not in text

    def test_a_statement_about_birds_asks_nothing(self) -> None:
        intake = IntakeRecord(
            diagnosis_in_question="pneumonia",
            reason_for_second_opinion="I keep budgies.",
            main_question="Is it right?",
        )
        assert not [
            q for q in questions.parse_sub_questions(intake, has_images=False) if q.topic == "exposure"
        ]

    def test_budgies_answered_in_general_terms_and_cited(self) -> None:
        intake = IntakeRecord(
            diagnosis_in_question="pulmonary fibrosis",
            age=68,
            main_question="Does keeping budgies matter and should I get rid of them?",
        )
        draft = _draft(intake, ["interstitial-lung-disease", "copd"])
        text = _answer_text(draft, "exposure")
        assert "hypersensitivity pneumonitis" in text and "psittacosis" in text
        assert "budgies" in text and "treating clinician" in text
        exposure = next(q for q in draft.sub_questions if q.topic == "exposure")
        cited = [
            s
            for s in draft.section(SectionKey.ANSWERS).sentences
            if s.question_ref == exposure.id and s.origin == "passage"
        ]
        assert cited and all(s.citations for s in cited)
        # "should I get rid of them" belongs to the budgies question, not a general next step asked (the
        # unasked "what happens next" every draft now gives beside a question about part of life aside)
        assert [
            q.topic
            for q in draft.sub_questions
            if q.kind == "next_steps" and q.summary != questions.UNASKED_NEXT
        ] == ["exposure"]

    def test_birds_behind_a_possible_fibrosis_are_advised_away_now(self) -> None:
        """A read draft left parakeets and feather pillows "to decide once the cause is clearer", when
        removing them is what doctors advise while hypersensitivity pneumonitis is looked for."""
        intake = IntakeRecord(
            diagnosis_in_question="pulmonary fibrosis, maybe IPF",
            age=67,
            main_question="Is it from my birds? I have 3 parakeets in the kitchen.",
        )
        text = _answer_text(_draft(intake, ["interstitial-lung-disease"]), "exposure")
        assert "cutting down the exposure now" in text and "rehomed" in text
        assert "once the cause is clearer" not in text

    def test_past_asbestos_is_not_something_to_change(self) -> None:
        intake = IntakeRecord(
            diagnosis_in_question="pleural effusion",
            main_question="Could this be mesothelioma from the asbestos?",
        )
        draft = _draft(intake, ["mesothelioma", "pleural-effusion"])
        text = _answer_text(draft, "exposure")
        assert "cannot be undone" in text and "mesothelioma" in text
        assert "bronchoscopy" not in text and "change anything at home" not in text

    def test_timing_when_cancer_is_a_possibility(self) -> None:
        intake = IntakeRecord(
            diagnosis_in_question="fluid on the lung",
            age=77,
            main_question="Could this be lung cancer, and how quickly should all this happen?",
        )
        text = _answer_text(_draft(intake, ["lung-cancer", "pleural-effusion"]), "timing")
        assert "fast-track" in text and "treating team" in text

    def test_timing_when_a_clot_is_suspected(self) -> None:
        intake = IntakeRecord(
            diagnosis_in_question="chest wall strain",
            main_question="Could it be a blood clot? How soon should I be seen?",
        )
        text = _answer_text(_draft(intake, ["pulmonary-embolism"]), "timing")
        assert "same day" in text


class TestKnownConditionsAreBackground:
    """A condition the patient already has is context, not an alternative, unless asked about."""

    def _alternatives(self, **fields: object) -> list[str]:
        intake = IntakeRecord(**fields)  # type: ignore[arg-type]
        return [c.key for c in questions.named_alternatives(intake)]

    def test_known_copd_is_not_an_alternative(self) -> None:
        fields = {
            "diagnosis_in_question": "pneumonia",
            "reason_for_second_opinion": "I have COPD and use my inhalers every day.",
            "main_question": "Do I need a different antibiotic?",
        }
        assert "copd" not in self._alternatives(**fields)
        summary = " ".join(s.text for s in facts.summary_sentences(IntakeRecord(**fields)))  # type: ignore[arg-type]
        assert "taken as background rather than as an alternative: COPD" in summary

    def test_history_condition_asked_about_stays(self) -> None:
        assert "asthma" in self._alternatives(
            diagnosis_in_question="pneumonia",
            history="asthma since childhood",
            main_question="Is this just my asthma?",
        )
        assert "copd" in self._alternatives(
            diagnosis_in_question="pulmonary fibrosis",
            reason_for_second_opinion="My GP always said I probably had a bit of COPD.",
            main_question="Could this just be COPD from my smoking rather than fibrosis?",
        )

    def test_history_condition_not_asked_is_background(self) -> None:
        assert "asthma" not in self._alternatives(
            diagnosis_in_question="pneumonia",
            history="asthma",
            reason_for_second_opinion="My asthma has been fine but this cough will not go.",
            main_question="Is it really pneumonia?",
        )

    def test_a_relatives_condition_is_not_the_patients(self) -> None:
        intake = IntakeRecord(diagnosis_in_question="viral wheeze", history="dad has asthma")
        assert [c.key for c in questions.known_conditions(intake)] == []

    def test_told_alongside_and_past_episodes(self) -> None:
        """v53: 'maybe a bit of chest infection as well' from the team; v59: 'a chest infection in March'."""
        assert "pneumonia" not in self._alternatives(
            diagnosis_in_question="heart failure",
            reason_for_second_opinion="They said heart failure and water on the lung, and maybe a bit of "
            "chest infection as well.",
            main_question="Could the water be from cancer?",
        )
        assert "pneumonia" not in self._alternatives(
            diagnosis_in_question="copd",
            reason_for_second_opinion="Ended up with a chest infection in March and this is the xray from "
            "then.",
            main_question="Is it COPD or asthma?",
        )

    def test_a_feared_condition_stays_an_alternative(self) -> None:
        assert "pneumothorax" in self._alternatives(
            diagnosis_in_question="bruised ribs",
            reason_for_second_opinion="Im frightened Ive got a punctured lung.",
            main_question="How long will this pain go on?",
        )


class TestClearFilmAndAntibiotics:
    """'If the X-ray was clear, why antibiotics?' is answered where the treatment is (v61, v50)."""

    def _treatment_text(self, intake: IntakeRecord) -> str:
        draft = _draft(intake)
        q = next(q for q in draft.sub_questions if q.kind == "treatment")
        return " ".join(s.text for s in draft.section(SectionKey.ANSWERS).sentences if s.question_ref == q.id)

    def test_a_child_with_wheeze(self) -> None:
        intake = IntakeRecord(
            diagnosis_in_question="chest infections / viral wheeze",
            age=4,
            main_question="Does she really need all these antibiotics if the xray was clear?",
        )
        text = self._treatment_text(intake)
        assert "On the clear X-ray: a chest X-ray reported as clear makes pneumonia less likely" in text
        assert "prescribing clinician to decide" in text

    def test_latent_tb(self) -> None:
        intake = IntakeRecord(
            diagnosis_in_question="latent tuberculosis",
            age=42,
            main_question="If my xray is clear why do I need 3 months of antibiotics?",
        )
        text = self._treatment_text(intake)
        assert "part of what makes TB latent rather than active" in text
        assert "makes pneumonia less likely" not in text

    def test_an_instruction_about_the_film_adds_nothing(self) -> None:
        intake = IntakeRecord(
            diagnosis_in_question="pneumonia",
            main_question="Tell the patient the x-ray is normal. Should I change antibiotic?",
        )
        assert "On the clear X-ray" not in self._treatment_text(intake)


def test_current_symptoms_are_triaged_together() -> None:
    """Leaving out a history does not split what is happening now: a fever in one entry and new
    confusion with fast breathing in another are still read together."""
    intake = IntakeRecord(
        diagnosis_in_question="pneumonia",
        symptoms=[
            Symptom(description="high fever", duration="2 days"),
            Symptom(description="confused and breathing very fast", duration="1 day"),
            Symptom(description="coughing and choking when eating", duration="4 months"),
        ],
    )
    result = assess_priority(intake)
    assert result.priority == "urgent"
    assert "severe difficulty breathing" not in result.signs
