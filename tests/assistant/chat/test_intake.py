"""The guided intake state machine and its answer parsers."""

from __future__ import annotations

import pytest

from assistant.chat import intake
from assistant.chat.intake import Step, without_directives
from assistant.intake import IntakeRecord

ANSWERS = [
    "My X-ray report says right lower lobe pneumonia",
    "Antibiotics are not helping",
    "cough since last Monday for 2 weeks; fever started 3 days ago",
    "asthma as a child",
    "I take salbutamol, amoxicillin and paracetamol",
    "none",
    "a chest X-ray two weeks ago",
    "Is it really pneumonia?",
    "54, female",
]


def walk(answers: list[str]) -> intake.IntakeState:
    state = intake.start(IntakeRecord())
    for text in answers:
        state = intake.answer(state, text).state
    return state


class TestDialogue:
    def test_full_walk_fills_the_record(self) -> None:
        """Nine answers fill every field and lead to the upload step."""
        state = walk(ANSWERS)
        rec = state.record
        assert state.step is Step.UPLOADS
        assert rec.diagnosis_in_question.startswith("My X-ray report")
        assert rec.medications == ["salbutamol", "amoxicillin", "paracetamol"]
        assert rec.allergies == []
        assert [(s.onset, s.duration) for s in rec.symptoms] == [
            ("last Monday", "2 weeks"),
            ("3 days ago", ""),
        ]
        assert (rec.age, rec.sex) == (54, "female")

    def test_uploads_then_summary_then_done(self) -> None:
        """'done' shows the summary card; confirming ends the dialogue."""
        state = intake.answer(walk(ANSWERS), "done").state
        assert state.step is Step.CONFIRM
        assert intake.answer(state, "Confirm").state.step is Step.DONE

    def test_required_answer_is_asked_again(self) -> None:
        """An empty diagnosis is not accepted."""
        turn = intake.answer(intake.start(IntakeRecord()), "no")
        assert turn.state.step is Step.DIAGNOSIS
        assert turn.problem
        assert not turn.saved

    def test_correction_returns_to_summary(self) -> None:
        """Changing one answer from the card goes back to the card."""
        at_card = intake.answer(walk(ANSWERS), "done").state
        editing = intake.answer(at_card, "change my medicines").state
        assert (editing.step, editing.editing) == (Step.MEDICATIONS, True)
        after = intake.answer(editing, "metformin")
        assert after.state.step is Step.CONFIRM
        assert after.state.record.medications == ["metformin"]

    def test_resume_from_saved_position(self) -> None:
        """A saved position (transcript meta) resumes exactly where the patient stopped."""
        state = walk(ANSWERS[:4])
        resumed = intake.start(state.record, state.to_meta())
        assert resumed.step is Step.MEDICATIONS
        assert resumed.answered == state.answered

    def test_resume_without_meta_uses_the_record(self) -> None:
        """Without a saved position, the first empty question is asked."""
        record = IntakeRecord(diagnosis_in_question="pneumonia", reason_for_second_opinion="unsure")
        assert intake.start(record).step is Step.SYMPTOMS

    def test_confirm_with_missing_required_answer(self) -> None:
        """Confirming without a main question asks for it first."""
        state = intake.IntakeState(Step.CONFIRM, IntakeRecord(diagnosis_in_question="pneumonia"))
        turn = intake.answer(state, "yes")
        assert turn.state.step is Step.MAIN_QUESTION

    def test_summary_escapes_markup(self) -> None:
        """Patient text is shown as text, not as links or HTML."""
        card = intake.summary_markdown(IntakeRecord(history="[click](http://x) <b>"))
        assert "\\[click\\]\\(http://x\\) \\<b\\>" in card


class TestParsers:
    @pytest.mark.parametrize(
        ("text", "items"),
        [
            ("none", []),
            ("No known allergies", []),
            ("penicillin and latex", ["penicillin", "latex"]),
            ("I'm allergic to penicillin; iodine contrast", ["penicillin", "iodine contrast"]),
            ("metformin 500 mg, ramipril\nsalbutamol", ["metformin 500 mg", "ramipril", "salbutamol"]),
        ],
    )
    def test_lists(self, text: str, items: list[str]) -> None:
        """Lists split on commas, 'and', semicolons and lines; 'none' is empty."""
        assert intake.parse_list(text) == items

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("54, female", (54, "female")), ("I am a 30 year old man", (30, "male")), ("skip it", (None, ""))],
    )
    def test_about(self, text: str, expected: tuple[int | None, str]) -> None:
        """Age and sex are read from short answers."""
        assert intake.parse_about(text) == expected

    def test_llm_items_must_come_from_the_patient(self) -> None:
        """Items the model invents are dropped; items the patient wrote are kept."""
        text = "metformin plus the inhaler salbutamol"
        assert intake.validated_items(["salbutamol", "aspirin", "metformin"], text) == [
            "salbutamol",
            "metformin",
        ]

    def test_extractor_adds_only_validated_items(self) -> None:
        """An extractor's proposal is merged only where the patient's words support it."""
        proposal = "salbutamol inhaler\n- warfarin"
        extractor = intake.completion_extractor(lambda _prompt: proposal)
        state = intake.IntakeState(Step.MEDICATIONS, IntakeRecord())
        turn = intake.answer(state, "my salbutamol inhaler twice daily", extractor)
        assert turn.state.record.medications == ["my salbutamol inhaler twice daily"]
        assert "warfarin" not in " ".join(turn.state.record.medications)


class TestWithoutDirectives:
    """The chat's Markdown reads ':name' as an inline directive and shows nothing for it."""

    def test_a_colon_before_a_letter_is_escaped_and_addresses_are_left_whole(self) -> None:
        text = "Circulation 144(22):e368-e454, https://example.org/a:b, at 08:53 UTC"
        assert without_directives(text) == (
            "Circulation 144(22)\\:e368-e454, https://example.org/a:b, at 08:53 UTC"
        )
        assert without_directives("already \\:escaped") == "already \\:escaped"
