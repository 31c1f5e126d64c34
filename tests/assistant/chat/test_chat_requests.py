"""Questions and requests in the chat: answered, recorded and routed; the patient's own cases."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from assistant.chat.answers import MEDICINE_ANSWER
from assistant.chat.conversation import PatientChat, Phase, Reply
from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import AuditEvent, Case, Conversation, PatientRequest, ReturnAnswer, User
from assistant.errors import NotFoundError
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.services import patient_requests
from tests.assistant.factories import status_of, to_state

FIRST_THREE = ["My chest X-ray report says right lower lobe pneumonia", "The antibiotics are not helping",
               "cough for 2 weeks"]  # fmt: skip


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def at_history_step(ctx: AppContext, patient: User) -> PatientChat:
    chat = PatientChat(ctx, patient.id)
    chat.open()
    chat.consent(True)
    for answer in FIRST_THREE:
        chat.message(answer)
    return chat


def requests_of(ctx: AppContext) -> list[PatientRequest]:
    with ctx.db.session() as s:
        return list(s.scalars(select(PatientRequest).order_by(PatientRequest.id)))


def the_case(ctx: AppContext) -> Case:
    with ctx.db.session() as s:
        return s.scalars(select(Case)).one()


@pytest.fixture
def admin(sqlite_db: Database, make_user: Callable[..., User]) -> User:
    """An admin account."""
    return make_user(sqlite_db, Role.ADMIN)


class TestQuestionsDuringIntake:
    def test_question_is_answered_and_not_stored(self, ctx: AppContext, patient: User) -> None:
        """'what is pneumonia?' at the history question is answered; the history stays empty."""
        chat = at_history_step(ctx, patient)
        replies = chat.message("what is pneumonia?")
        assert [r.kind for r in replies] == ["answer", "intake"]
        assert "What other medical conditions" in replies[-1].text
        assert the_case(ctx).intake["history"] == ""
        assert "what is pneumonia" not in str(the_case(ctx).intake)
        replies = chat.message("asthma as a child")
        assert "Which medicines do you take?" in texts(replies)
        assert the_case(ctx).intake["history"] == "asthma as a child"

    def test_medicine_question_gets_the_safety_answer(self, ctx: AppContext, patient: User) -> None:
        """'Should I stop the amoxicillin?' is told to ask the prescriber and offered the clinician."""
        chat = at_history_step(ctx, patient)
        chat.message("none")
        answer = chat.message("Should I stop the amoxicillin?")[0]
        assert answer.text == MEDICINE_ANSWER
        assert not answer.sources
        assert [a.name for a in answer.actions] == ["pass_to_clinician"]
        assert the_case(ctx).intake["medications"] == []
        assert "passed your question" in texts(chat.pass_to_clinician())
        (req,) = requests_of(ctx)
        assert (req.kind, req.text) == ("question", "Should I stop the amoxicillin?")
        assert "no longer active" in texts(chat.pass_to_clinician())


class TestRequests:
    def test_deletion_request_is_an_admin_task(
        self, ctx: AppContext, patient: User, admin: User, clinician: User
    ) -> None:
        """'Please delete all my data' is recorded, audited and listed for admins only."""
        chat = at_history_step(ctx, patient)
        replies = chat.message("Please delete all my data")
        assert "delete your data" in replies[0].text
        assert "radiation" not in texts(replies).lower()
        (req,) = requests_of(ctx)
        assert req.kind == "delete_data"
        assert the_case(ctx).intake["history"] == ""
        with ctx.db.session() as s:
            assert [r.id for r in patient_requests.open_requests(s, admin)] == [req.id]
            assert list(patient_requests.open_requests(s, clinician)) == []
            assert "request.create" in [e.action for e in s.scalars(select(AuditEvent))]
            patient_requests.resolve_request(s, admin, req.id)
        with ctx.db.session() as s:
            assert list(patient_requests.open_requests(s, admin)) == []

    def test_follow_up_reaches_the_signer(
        self, ctx: AppContext, patient: User, clinician: User, make_user: Callable[..., User]
    ) -> None:
        """After delivery, 'Ask a clinician to follow up' is an item for the clinician who signed."""
        other = make_user(ctx.db, Role.CLINICIAN)
        to_state(ctx.db, patient, CaseStatus.SIGNED, clinician)
        chat = PatientChat(ctx, patient.id)
        assert chat.open()[0].kind == "opinion"
        assert clinician.display_name in texts(chat.request_follow_up())
        (req,) = requests_of(ctx)
        assert (req.kind, req.assigned_to_id) == ("follow_up", clinician.id)
        with ctx.db.session() as s:
            assert [r.id for r in patient_requests.open_requests(s, clinician)] == [req.id]
            assert list(patient_requests.open_requests(s, other)) == []

    def test_uncovered_follow_up_question_goes_to_the_clinician(
        self, ctx: AppContext, patient: User, clinician: User
    ) -> None:
        """A question the signed text does not cover becomes a question item for the signer."""
        to_state(ctx.db, patient, CaseStatus.SIGNED, clinician)
        chat = PatientChat(ctx, patient.id)
        chat.open()
        covered = chat.message("Could the shadows be caused by fluid?")
        assert "Here is what your signed opinion says" in texts(covered)
        assert requests_of(ctx) == []
        routed = chat.message("What is a pulmonary embolism?")
        assert "passed your question" in texts(routed)
        (req,) = requests_of(ctx)
        assert (req.kind, req.text, req.assigned_to_id) == (
            "question", "What is a pulmonary embolism?", clinician.id)  # fmt: skip


class TestReturnedCase:
    def test_answer_is_recorded_and_resubmitted(
        self, ctx: AppContext, patient: User, clinician: User
    ) -> None:
        """The clinician's question is shown, the answer stored on the case, and the case resubmitted."""
        case_id = to_state(ctx.db, patient, CaseStatus.RETURNED, clinician)
        chat = PatientChat(ctx, patient.id)
        opened = chat.open()
        assert "Please upload the report." in opened[0].text
        replies = chat.message("The report is from St Mary's, I will upload it now")
        assert "your answer is recorded" in replies[0].text
        with ctx.db.session() as s:
            (row,) = s.scalars(select(ReturnAnswer)).all()
        assert row.question == "Please upload the report."
        assert row.answer == "The report is from St Mary's, I will upload it now"
        assert "a clinician will review" in texts(chat.submit())
        assert status_of(ctx.db, case_id) is CaseStatus.SUBMITTED
        assert not chat.awaiting_return_answer

    def test_card_command_is_not_taken_as_the_answer(
        self, ctx: AppContext, patient: User, clinician: User
    ) -> None:
        """'change medicines' on the card opens that question; the clinician's question still waits."""
        to_state(ctx.db, patient, CaseStatus.RETURNED, clinician)
        chat = PatientChat(ctx, patient.id)
        chat.open()
        assert "Which medicines do you take?" in texts(chat.message("change medicines"))
        with ctx.db.session() as s:
            assert s.scalars(select(ReturnAnswer)).all() == []
        assert chat.awaiting_return_answer


class TestMyRequests:
    def test_old_opinion_reachable_after_a_new_request(
        self, ctx: AppContext, patient: User, clinician: User
    ) -> None:
        """Every case is listed with its state; an earlier signed opinion and its PDF stay reachable."""
        first = to_state(ctx.db, patient, CaseStatus.SIGNED, clinician)
        chat = PatientChat(ctx, patient.id)
        chat.open()
        chat.new_case()
        listing = chat.message("My requests")[0]
        assert "Pneumonia on chest X-ray" in listing.text
        assert "opinion signed and delivered" in listing.text
        assert "being filled in by you" in listing.text
        assert [(a.name, a.payload) for a in listing.actions] == [("open_opinion", {"case": first})]
        opinion = chat.open_opinion(first)[0]
        assert opinion.kind == "opinion"
        assert opinion.pdf is not None and opinion.pdf.read_bytes().startswith(b"%PDF")
        assert chat.phase is Phase.INTAKE

    def test_another_patients_opinion_is_not_found(
        self, ctx: AppContext, patient: User, clinician: User, make_user: Callable[..., User]
    ) -> None:
        """A forged case id in the button's payload finds nothing."""
        theirs = to_state(ctx.db, make_user(ctx.db, Role.PATIENT), CaseStatus.SIGNED, clinician)
        chat = PatientChat(ctx, patient.id)
        chat.open()
        with pytest.raises(NotFoundError):
            chat.open_opinion(theirs)


class TestVisits:
    def test_earlier_conversation_is_shown_again(self, ctx: AppContext, patient: User) -> None:
        """Logging back in replays the earlier turns from the transcript, then continues."""
        at_history_step(ctx, patient)
        replies = PatientChat(ctx, patient.id).open()
        history = [r for r in replies if r.kind == "history"]
        assert ("patient", FIRST_THREE[0]) in [(r.author, r.text) for r in history]
        assert "Welcome back" in replies[len(history)].text

    def test_one_conversation_per_visit(self, ctx: AppContext, patient: User) -> None:
        """Reopening the chat within a visit continues the same conversation."""
        at_history_step(ctx, patient)
        PatientChat(ctx, patient.id).open()
        with ctx.db.session() as s:
            assert len(s.scalars(select(Conversation)).all()) == 1

    def test_stale_buttons_say_so(self, ctx: AppContext, patient: User, clinician: User) -> None:
        """A button from an earlier step says it is no longer active instead of doing nothing."""
        to_state(ctx.db, patient, CaseStatus.SUBMITTED)
        chat = PatientChat(ctx, patient.id)
        chat.open()
        for press in (chat.submit, lambda: chat.edit("symptoms"), lambda: chat.consent(True)):
            assert "no longer active" in texts(press())
