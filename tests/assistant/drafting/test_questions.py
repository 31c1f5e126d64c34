"""Sub-questions, named alternatives and structured facts from the intake."""

from __future__ import annotations

import pytest

from assistant.drafting import facts, questions
from assistant.drafting.conditions import conditions_in
from assistant.intake import IntakeRecord, Symptom

ISSUE_INTAKE = IntakeRecord(
    diagnosis_in_question="My GP told me I have right lower lobe pneumonia",
    reason_for_second_opinion="I am not sure, the antibiotics are not working",
    symptoms=[Symptom(description="cough with yellow phlegm and a fever", duration="10 days")],
    medications=["amoxicillin"],
    age=48,
    sex="female",
    main_question="Is this really pneumonia, or could it be something else like a blood clot or a "
    "tumour? And should I be on a different antibiotic?",
)


class TestParseSubQuestions:
    """Typed sub-questions from the patient's question, reason and symptoms."""

    def test_issue_example(self) -> None:
        """The issue's patient gets: diagnosis, clot, tumour, images, treatment."""
        subs = questions.parse_sub_questions(ISSUE_INTAKE, has_images=True)
        assert [(q.kind, q.condition) for q in subs] == [
            ("diagnosis_right", ""),
            ("could_it_be", "pulmonary_embolism"),
            ("could_it_be", "lung_cancer"),
            ("images", ""),
            ("treatment", ""),
            ("next_steps", ""),  # what happens next: every draft answers it, asked or not
        ]
        assert [q.id for q in subs] == ["q1", "q2", "q3", "q4", "q5", "q6"]
        assert subs[-1].summary == questions.UNASKED_NEXT

    @pytest.mark.parametrize(
        ("question", "kind"),
        [
            ("Do I need another x-ray?", "next_steps"),
            ("Should I stay on the blood thinner?", "treatment"),
            ("What does the scan show?", "images"),
            ("What happens next?", "next_steps"),
            ("How long will this pain go on?", "next_steps"),
            ("What signs should we watch for that mean he needs to go back in?", "next_steps"),
            ("Shouldn't they have drained some off and tested it?", "next_steps"),
            ("If I need an operation, how soon would it be?", "treatment"),
        ],
    )
    def test_kinds(self, question: str, kind: str) -> None:
        """Each kind of question is recognised from plain wording."""
        intake = IntakeRecord(diagnosis_in_question="pneumonia", main_question=question)
        assert kind in {q.kind for q in questions.parse_sub_questions(intake, has_images=False)}

    def test_no_images_no_image_question(self) -> None:
        """Without uploads and without asking, there is no image sub-question."""
        intake = IntakeRecord(diagnosis_in_question="asthma", main_question="Is it right?")
        assert [q.kind for q in questions.parse_sub_questions(intake, has_images=False)] == [
            "diagnosis_right",
            "next_steps",
        ]


class TestConditions:
    """Lay words map to conditions; the longest mention wins."""

    @pytest.mark.parametrize(
        ("text", "keys"),
        [
            ("a blood clot or a tumour", ["pulmonary_embolism", "lung_cancer"]),
            ("lung cancer", ["lung_cancer"]),
            ("TB or covid", ["tuberculosis", "covid19"]),
            ("a collapsed lung", ["pneumothorax"]),
            ("could it be my heart or heart failure", ["heart_attack", "heart_failure"]),
            ("nothing relevant here", []),
        ],
    )
    def test_conditions_in(self, text: str, keys: list[str]) -> None:
        """Conditions are found once each, in order of mention."""
        assert [c.key for c in conditions_in(text)] == keys


class TestSummary:
    """The summary restates facts in the third person and never pastes the patient's sentences."""

    def test_no_pasting(self) -> None:
        """No run of six words from the question or reason appears in the summary."""
        subs = questions.parse_sub_questions(ISSUE_INTAKE, has_images=True)
        text = " ".join(s.text for s in facts.summary_sentences(ISSUE_INTAKE, subs)).lower()
        assert "my gp told me" not in text
        assert "i am not sure" not in text
        assert "could it be something else like" not in text
        assert "pneumonia (right lower lobe)" in text
        assert "48 years old, female" in text
        assert "a cough with coloured phlegm and fever for about 10 days" in text
        assert "whether it could be a blood clot in the lung (pulmonary embolism) instead" in text

    def test_each_symptom_keeps_its_own_duration(self) -> None:
        """A fever of three days is not reported as lasting the months a cough has."""
        intake = IntakeRecord(
            diagnosis_in_question="pneumonia",
            symptoms=[
                Symptom(description="coughs when he drinks", duration="several months"),
                Symptom(description="fever and more confused than usual", duration="3 days"),
            ],
            main_question="Is this aspiration?",
        )
        text = " ".join(s.text for s in facts.summary_sentences(intake))
        assert "Symptoms reported: a cough for several months; fever and confusion for about 3 days." in text

    def test_pain_made_worse_by_coughing_is_chest_pain_not_a_cough(self) -> None:
        """'pain right side of chest worse when coughing' is chest pain; coughing is only its trigger."""
        assert questions.symptom_names("pain right side of chest worse when coughing or turning in bed") == [
            "chest pain"
        ]
        assert questions.symptom_names("a dry cough for weeks") == ["a cough"]

    def test_emergency_flag_named_in_plain_words(self) -> None:
        """A red flag the chat recorded by its category key is named as patients and clinicians read it."""
        text = " ".join(s.text for s in facts.summary_sentences(ISSUE_INTAKE, [], ["unconscious"]))
        assert "collapse, unresponsiveness or seizure" in text
        assert "unconscious" not in text

    def test_first_diagnosis_not_pasted(self) -> None:
        """The reason is summarised, not quoted as if a doctor had said it."""
        text = " ".join(s.text for s in facts.first_diagnosis_sentences(ISSUE_INTAKE))
        assert "antibiotics are not working" not in text
        assert "pneumonia" in text


def _intake(question: str, **extra: object) -> IntakeRecord:
    return IntakeRecord(diagnosis_in_question="pneumonia", main_question=question, **extra)  # type: ignore[arg-type]


class TestTopicQuestions:
    """Several questions in one sentence; contacts, activity and 'should I ask for X' as next steps."""

    @pytest.mark.parametrize(
        ("question", "topic", "subjects"),
        [
            ("Is my son at risk and does he need a test?", "contacts", ["son"]),
            (
                "could the tests have missed my heart, and is it safe to go back to the gym?",
                "activity",
                ["gym"],
            ),
            ("Should I be asking for a CT scan or is waiting fine?", "tests", ["ct"]),
            (
                "Is this aspiration, should he have a swallow assessment, and is the antibiotic right?",
                "tests",
                ["swallow"],
            ),
            ("what test would tell and should I go to A&E tonight?", "urgent", ["urgent"]),
            (
                "If it is TB do I have to take tablets for six months and can I keep working?",
                "activity",
                ["work"],
            ),
        ],
    )
    def test_next_step_topic(self, question: str, topic: str, subjects: list[str]) -> None:
        """The clause becomes a next-step sub-question with its topic and what it names."""
        subs = questions.parse_sub_questions(_intake(question), has_images=False)
        assert any(q.kind == "next_steps" and q.topic == topic and q.subjects == subjects for q in subs)

    def test_several_activities_are_one_question(self) -> None:
        """Flying, sport and diving asked together are one activity question naming all three."""
        subs = questions.parse_sub_questions(
            _intake("Will it happen again, can I fly to Spain, when can I play football, could I ever dive?"),
            has_images=False,
        )
        activity = [q for q in subs if q.topic == "activity"]
        assert [q.subjects for q in activity] == [["travel", "gym"]]
        assert activity[0].summary == "whether it is safe to carry on with flying, football and diving"

    def test_three_questions_in_one_sentence(self) -> None:
        """Alternative, test and treatment asked in one sentence give three sub-questions."""
        subs = questions.parse_sub_questions(
            _intake(
                "Is this aspiration pneumonia rather than an ordinary chest infection, should he have a "
                "swallow assessment, and is the antibiotic the right one?"
            ),
            has_images=False,
        )
        kinds = [(q.kind, q.condition or q.topic) for q in subs]
        assert ("could_it_be", "aspiration") in kinds and ("next_steps", "tests") in kinds
        assert [q.subjects for q in subs if q.kind == "treatment"] == [["antibiotic"]]

    def test_treatment_names_what_was_asked(self) -> None:
        """'do I need a water tablet' is a treatment question about a diuretic, not a general next step."""
        subs = questions.parse_sub_questions(
            _intake("is the antibiotic any use or do I need a water tablet instead?"), has_images=False
        )
        assert [q.subjects for q in subs if q.kind == "treatment"] == [["antibiotic", "diuretic"]]
        assert not [q for q in subs if q.kind == "next_steps" and q.summary != questions.UNASKED_NEXT]

    def test_past_tests_are_not_a_test_request(self) -> None:
        """'could all those tests have missed my heart' does not ask for a test."""
        subs = questions.parse_sub_questions(
            _intake("could all those tests have missed my heart?"), has_images=False
        )
        assert not [q for q in subs if q.kind == "next_steps" and q.summary != questions.UNASKED_NEXT]


class TestDiagnosisName:
    """The diagnosis is named from the table, never from the patient's raw (misspelt) text."""

    def test_misspelt_diagnosis(self) -> None:
        """'pnemonia (3rd time this year)' is named pneumonia everywhere."""
        intake = IntakeRecord(
            diagnosis_in_question="pnemonia (3rd time this year)", main_question="is it asthma?"
        )
        assert questions.diagnosis_label(intake) == "pneumonia"
        text = " ".join(s.text for s in facts.summary_sentences(intake))
        assert "pnemonia" not in text and "3rd" not in text

    def test_unknown_diagnosis_is_not_a_placeholder(self) -> None:
        """An unknown diagnosis is named by its first short clause, not 'the condition that was diagnosed'."""
        intake = IntakeRecord(
            diagnosis_in_question="a benign cyst, nothing to worry about", main_question="?"
        )
        assert questions.diagnosis_label(intake) == "a benign cyst"
        subs = questions.parse_sub_questions(intake, has_images=False)
        assert subs[0].summary == "whether the diagnosis of a benign cyst is right"

    def test_family_history_is_not_a_past_condition(self) -> None:
        """'mother had lung cancer' is family history, not the patient's own."""
        intake = IntakeRecord(
            diagnosis_in_question="old scar", history="never smoked; mother had lung cancer"
        )
        text = " ".join(s.text for s in facts.summary_sentences(intake))
        assert "Past conditions" not in text and "family members" in text


class TestActivityAndLifestyleQuestions:
    """Activities, travel and smoking asked in patients' words, named in those words."""

    def _activity(self, question: str, **extra: object) -> list[tuple[list[str], str]]:
        subs = questions.parse_sub_questions(_intake(question, **extra), has_images=False)
        return [(q.subjects, q.summary) for q in subs if q.topic == "activity"]

    def test_should_she_be_doing_swimming_and_nursery(self) -> None:
        """'should she be doing swimming lessons and going to nursery' is one activity question."""
        found = self._activity(
            "should she be doing swimming lessons and going to nursery when shes wheezy?", age=4
        )
        assert found == [(["gym", "work"], "whether it is safe to carry on with swimming and nursery")]

    def test_a_childs_work_is_school_or_nursery(self) -> None:
        """A child asked about 'work' is asked about school or nursery; an adult about work."""
        assert self._activity("when can he go back to work?", age=3)[0][1].endswith("school or nursery")
        assert self._activity("when can I go back to work?", age=40)[0][1].endswith("carry on with work")

    def test_a_coach_trip_is_travel(self) -> None:
        """'am I ok to go on the coach to my sisters 80th' asks about a journey, not flying."""
        found = self._activity("am I ok to go on the coach to my sisters 80th in 3 weeks?", age=79)
        assert found == [(["travel"], "whether it is safe to go ahead with a coach journey")]

    def test_shifts_holidays_and_the_day_centre(self) -> None:
        """Shifts are work, a holiday is travel, a day centre is a usual activity."""
        assert self._activity("is it ok to go back to 12 hour shifts and to the gym?")[0][0] == [
            "work",
            "gym",
        ]
        assert self._activity("can I carry on working and go on my holiday?")[0][1].endswith(
            "work and a holiday"
        )
        assert self._activity("is it safe for him to keep going to his day centre?")[0][1].endswith(
            "going to the day centre"
        )

    @pytest.mark.parametrize(
        ("question", "summary"),
        [
            ("is there any point stopping smoking at my age?", "whether smoking matters here"),
            ("does the vaping make it more likely to happen again?", "whether vaping matters here"),
            ("will stopping smoking now make the cough worse?", "whether smoking matters here"),
        ],
    )
    def test_smoking_questions(self, question: str, summary: str) -> None:
        """A question about smoking or vaping is a next step of its own."""
        subs = questions.parse_sub_questions(_intake(question), has_images=False)
        assert [q.summary.split(",")[0] for q in subs if q.topic == "smoking"] == [summary]

    def test_smoking_as_a_cause_or_a_statement_is_no_question(self) -> None:
        """'COPD from my smoking' and 'I smoked till 55.' ask nothing about smoking."""
        for question in (
            "Could this just be COPD from my smoking rather than fibrosis?",
            "I smoked till 55.",
        ):
            subs = questions.parse_sub_questions(_intake(question), has_images=False)
            assert not [q for q in subs if q.topic == "smoking"]

    def test_taking_them_with_my_pills_is_an_interaction(self) -> None:
        """'can I take them with my blood pressure pills' asks about taking medicines together."""
        subs = questions.parse_sub_questions(
            _intake("would water tablets help me and can I take them with my blood pressure pills?"),
            has_images=False,
        )
        assert [q.subjects for q in subs if q.kind == "treatment"] == [["diuretic", "interaction"]]

    def test_a_scan_instead_of_waiting(self) -> None:
        """'why wait 3 months instead of a PET scan or biopsy now' asks whether those tests are needed."""
        subs = questions.parse_sub_questions(
            _intake("why wait 3 months instead of a PET scan or biopsy now?"), has_images=False
        )
        assert [q.subjects for q in subs if q.topic == "tests"] == [["pet", "biopsy"]]

    @pytest.mark.parametrize(
        ("question", "verb"),
        [("do I need blood tests?", "are"), ("do I need a CT scan?", "is")],
    )
    def test_a_plural_test_takes_are(self, question: str, verb: str) -> None:
        """'blood tests' are needed; 'a CT scan' is needed."""
        subs = questions.parse_sub_questions(_intake(question), has_images=False)
        assert next(q.summary for q in subs if q.topic == "tests").endswith(f" {verb} needed now")

    @pytest.mark.parametrize(
        ("question", "subject"),
        [
            ("can I drive the lorry on the codeine cough stuff?", "opioid"),
            ("should I stop the pill?", "contraceptive_pill"),
            ("what will nintedanib do to my stomach and is it worth it?", "antifibrotic"),
            ("should he be on thickened drinks or a different antibiotic?", "thickened_drinks"),
        ],
    )
    def test_treatments_named_in_lay_words(self, question: str, subject: str) -> None:
        """Codeine cough medicine, the pill, an antifibrotic and thickened drinks are treatment questions."""
        subs = questions.parse_sub_questions(_intake(question), has_images=False)
        assert subject in next(q.subjects for q in subs if q.kind == "treatment")


def test_a_parents_relatives_are_named_as_the_childs() -> None:
    """A father asked whether "my mother" (the 4-year-old's grandmother, coughing for months) should be
    tested; the draft asked "whether the patient's mother is at risk"."""
    from assistant.drafting.questions import parse_sub_questions

    intake = IntakeRecord(
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion="I am writing about my son Aarav, 4 years.",
        main_question="Should my mother be tested for TB? Can my wife catch it?",
        age=4,
    )
    contacts = [q.summary for q in parse_sub_questions(intake, has_images=False) if q.topic == "contacts"]
    assert any("the patient's grandmother" in c for c in contacts)
    assert any("the patient's mother" in c for c in contacts)
    adult = intake.model_copy(update={"age": 40, "reason_for_second_opinion": "I have pneumonia."})
    assert any("the patient's mother" in q.summary for q in parse_sub_questions(adult, has_images=False))
