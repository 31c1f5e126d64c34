"""A patient's chat end to end through the services: consent, intake, triage, progress, delivery."""

from __future__ import annotations

import json
from base64 import b64encode
from collections.abc import Callable
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from assistant.chat.auth import patient_session_in
from assistant.chat.consent import current_consent
from assistant.chat.conversation import PatientChat, Phase, Reply
from assistant.chat.errors import ChatAccessError, ChatSessionEndedError
from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import AuditEvent, Case, Consent, Job, Message, User
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.services import jobs
from assistant.services.sessions import open_session, revoke_token
from assistant.web.security import SESSION_TOKEN
from tests.assistant.factories import SECTIONS, status_of, to_state

INTAKE = [
    "My chest X-ray report says right lower lobe pneumonia",
    "The antibiotics are not helping",
    "cough for 2 weeks",
    "none",
    "amoxicillin",
    "penicillin",
    "none",
    "Is it really pneumonia?",
    "skip",
]


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def consented_chat(ctx: AppContext, patient: User) -> PatientChat:
    chat = PatientChat(ctx, patient.id)
    chat.open()
    chat.consent(True)
    return chat


def the_case(ctx: AppContext) -> Case:
    with ctx.db.session() as s:
        return s.scalars(select(Case)).one()


class TestConsent:
    def test_consent_comes_first(self, ctx: AppContext, patient: User) -> None:
        """The first reply is the consent text; messages before consent start no intake."""
        chat = PatientChat(ctx, patient.id)
        first = chat.open()
        assert first[0].kind == "consent"
        assert "not for emergencies" in first[0].text
        reply = chat.message("My report says pneumonia")
        assert "choose **I agree**" in texts(reply)
        assert chat.phase is Phase.CONSENT
        with ctx.db.session() as s:
            assert s.scalars(select(Case)).all() == []

    def test_declining_stops_everything(self, ctx: AppContext, patient: User) -> None:
        """Declining records nothing and explains that nothing proceeds."""
        chat = PatientChat(ctx, patient.id)
        chat.open()
        assert "cannot prepare a second opinion without your agreement" in texts(chat.consent(False))
        with ctx.db.session() as s:
            assert s.scalars(select(Consent)).all() == []

    def test_consent_recorded_with_version_and_time(self, ctx: AppContext, patient: User) -> None:
        """Agreeing records the text version and time, then the intake starts."""
        chat = PatientChat(ctx, patient.id)
        chat.open()
        replies = chat.consent(True)
        assert "Which diagnosis or report" in texts(replies)
        with ctx.db.session() as s:
            consent = s.scalars(select(Consent)).one()
        assert consent.text_version == current_consent().version
        assert consent.consented_at is not None

    def test_non_patients_are_refused(self, ctx: AppContext, sqlite_db: Database,
                                      make_user: Callable[..., User]) -> None:  # fmt: skip
        """A clinician's id cannot drive the patient chat."""
        with pytest.raises(ChatAccessError, match="for patients"):
            PatientChat(ctx, make_user(sqlite_db, Role.CLINICIAN).id).open()


def login_cookie(ctx: AppContext, patient: User) -> tuple[str, str]:
    """A real login session for the patient: its token and the ``so_session`` cookie header naming it."""
    with ctx.db.session() as s:
        token, _ = open_session(s, patient.id, 3600)
    data = b64encode(json.dumps({SESSION_TOKEN: token}).encode())
    return token, "so_session=" + TimestampSigner(str(ctx.settings.security.secret_key)).sign(data).decode()


class TestLoginSessionCheck:
    def test_a_turn_after_logout_ends_before_it_acts(self, ctx: AppContext, patient: User) -> None:
        """Each turn checks the login session in its own transaction; once revoked, nothing is written."""
        token, cookie = login_cookie(ctx, patient)
        chat = PatientChat(
            ctx, patient.id, session_open=lambda s: patient_session_in(s, ctx, cookie) is not None
        )
        chat.open()
        chat.consent(True)
        chat.message(INTAKE[0])
        with ctx.db.session() as s:
            revoke_token(s, token, "logout")
            before = len(s.scalars(select(Message)).all())
        with pytest.raises(ChatSessionEndedError, match="session has ended"):
            chat.message(INTAKE[1])
        with ctx.db.session() as s:
            assert len(s.scalars(select(Message)).all()) == before
        assert the_case(ctx).intake["reason_for_second_opinion"] in ("", None)

    def test_a_cookie_for_another_patient_or_none_is_not_open(
        self, ctx: AppContext, patient: User, sqlite_db: Database, make_user: Callable[..., User]
    ) -> None:
        """The in-transaction check finds the cookie's own open patient session, and nothing else."""
        _, cookie = login_cookie(ctx, patient)
        staff = make_user(sqlite_db, Role.CLINICIAN)
        _, staff_cookie = login_cookie(ctx, staff)
        with ctx.db.session() as s:
            found = patient_session_in(s, ctx, cookie)
            assert found is not None and found.user.id == patient.id
            assert patient_session_in(s, ctx, staff_cookie) is None
            assert patient_session_in(s, ctx, None) is None
            assert patient_session_in(s, ctx, cookie.replace("so_session=", "so_session=x")) is None


class TestIntake:
    def test_complete_intake_and_submit(self, ctx: AppContext, patient: User) -> None:
        """Answers fill the case's intake; confirming submits a durable job."""
        chat = consented_chat(ctx, patient)
        for answer in INTAKE:
            chat.message(answer)
        card = chat.message("done")
        assert card[0].kind == "summary"
        assert "penicillin" in card[0].text
        assert any(a.name == "submit_case" for a in card[0].actions)
        submitted = chat.submit()
        assert "a clinician will review" in texts(submitted)
        case = the_case(ctx)
        assert case.status is CaseStatus.SUBMITTED
        assert case.intake["allergies"] == ["penicillin"]
        with ctx.db.session() as s:
            assert s.scalars(select(Job)).one().case_id == case.id

    def test_resume_after_logout(self, ctx: AppContext, patient: User) -> None:
        """A new visit continues the same case at the next unanswered question."""
        chat = consented_chat(ctx, patient)
        for answer in INTAKE[:4]:
            chat.message(answer)
        again = [r for r in PatientChat(ctx, patient.id).open() if r.kind != "history"]
        assert "Welcome back" in again[0].text
        assert "Which medicines do you take?" in again[0].text
        assert the_case(ctx).intake["diagnosis_in_question"].startswith("My chest X-ray")

    def test_edit_payload_is_validated(self, ctx: AppContext, patient: User) -> None:
        """An unknown step name from the browser does nothing."""
        chat = consented_chat(ctx, patient)
        assert chat.edit("../../admin") == []

    def test_transcript_holds_both_sides(self, ctx: AppContext, patient: User) -> None:
        """Every patient and assistant turn is stored in the project's tables."""
        chat = consented_chat(ctx, patient)
        chat.message(INTAKE[0])
        with ctx.db.session() as s:
            authors = [m.author for m in s.scalars(select(Message).order_by(Message.id))]
            contents = [m.content for m in s.scalars(select(Message).order_by(Message.id))]
        assert authors[:4] == ["assistant", "patient", "assistant", "patient"]
        assert INTAKE[0] in contents


class TestRedFlags:
    def test_emergency_advice_comes_first(self, ctx: AppContext, patient: User) -> None:
        """Chest pain with breathlessness: advice first, recorded, and the case is urgent."""
        chat = consented_chat(ctx, patient)
        replies = chat.message("I have chest pain and I am short of breath since this morning")
        assert replies[0].kind == "emergency"
        assert "emergency number" in replies[0].text
        case = the_case(ctx)
        assert case.red_flags == ["cardiac"]
        assert case.is_urgent
        with ctx.db.session() as s:
            actions = [e.action for e in s.scalars(select(AuditEvent))]
        assert "case.red_flag" in actions

    def test_flags_before_consent_are_kept(self, ctx: AppContext, patient: User) -> None:
        """Advice is given even before consent, and the flag lands on the case once it exists."""
        chat = PatientChat(ctx, patient.id)
        chat.open()
        assert chat.message("my face is drooping")[0].kind == "emergency"
        chat.consent(True)
        assert the_case(ctx).red_flags == ["stroke"]


def play_worker(db: Database, case_id: str, stages: list[str]) -> None:
    """Stand in for the job runner: lease the case's job and record progress stages."""
    with db.session() as s:
        job = jobs.jobs_for_case(s, case_id)[0]
        jobs.lease_next(s, "test-worker", 60, job_id=job.id)
        for stage in stages:
            jobs.progress(s, job.id, stage)


class TestProgressAndDelivery:
    def test_progress_shows_stages_not_drafts(self, ctx: AppContext, patient: User, clinician: User) -> None:
        """While a draft waits for review the patient sees stages and 'waiting', never its text."""
        case_id = to_state(ctx.db, patient, CaseStatus.IN_REVIEW, clinician)
        chat = PatientChat(ctx, patient.id)
        opened = chat.open()
        snapshot = chat.progress()
        assert snapshot is not None
        assert snapshot.waiting_for_clinician
        said = texts(opened + chat.message("What does my draft say?"))
        assert "waiting for a clinician" in said
        assert not [t for t in SECTIONS.values() if t.split(" [")[0] in said]
        assert status_of(ctx.db, case_id) is CaseStatus.IN_REVIEW

    def test_stages_from_job_events(self, ctx: AppContext, patient: User) -> None:
        """Job events become the patient's progress steps, in order."""
        case_id = to_state(ctx.db, patient, CaseStatus.SUBMITTED)
        play_worker(ctx.db, case_id, ["imaging", "retrieval", "drafting"])
        chat = PatientChat(ctx, patient.id)
        chat.open()
        snapshot = chat.progress()
        assert snapshot is not None
        labels = [e.label for e in snapshot.stages]
        assert labels == ["Checking your images", "Reading the medical evidence",
                          "Preparing a draft for the clinician"]  # fmt: skip

    def test_signed_opinion_is_delivered(self, ctx: AppContext, patient: User, clinician: User) -> None:
        """Once signed: the opinion, its PDF, the signer and time; the case becomes delivered."""
        case_id = to_state(ctx.db, patient, CaseStatus.SIGNED, clinician)
        replies = PatientChat(ctx, patient.id).open()
        opinion = replies[0]
        assert opinion.kind == "opinion"
        assert SECTIONS["agreement"] in opinion.text
        assert f"Signed by {clinician.display_name}" in opinion.text
        assert opinion.pdf is not None
        assert opinion.pdf.read_bytes().startswith(b"%PDF")
        assert status_of(ctx.db, case_id) is CaseStatus.DELIVERED

    def test_live_delivery_and_follow_up(self, ctx: AppContext, patient: User, clinician: User) -> None:
        """A waiting chat receives the opinion when it is signed, then answers from its text."""
        to_state(ctx.db, patient, CaseStatus.IN_REVIEW, clinician)
        chat = PatientChat(ctx, patient.id)
        chat.open()
        from assistant.services import drafts, review
        from tests.conftest import TEST_PASSWORD

        with ctx.db.session() as s:
            case_id = the_case(ctx).id
            latest = drafts.latest_draft(s, case_id)
            assert latest is not None
            review.sign_draft(s, clinician, case_id, latest.id, TEST_PASSWORD)
        snapshot = chat.progress()
        assert snapshot is not None
        assert chat.announce(snapshot)[0].kind == "opinion"
        answer = texts(chat.message("Could the shadows be caused by fluid?"))
        assert "Other causes of shadows include fluid or collapse" in answer
        assert "talk to your doctor" in answer
        assert "recorded" in texts(chat.request_follow_up())

    def test_failed_draft_is_explained(self, ctx: AppContext, patient: User) -> None:
        """A case whose drafting gave up tells the patient in plain words, at once and on return."""
        case_id = to_state(ctx.db, patient, CaseStatus.SUBMITTED)
        chat = PatientChat(ctx, patient.id)
        chat.open()
        with ctx.db.session() as s:
            job = jobs.jobs_for_case(s, case_id)[0]
            jobs.lease_next(s, "test-worker", 60, job_id=job.id)
            job.max_attempts = job.attempts
            jobs.fail_attempt(s, job.id, "RuntimeError: model crashed", backoff_s=0)
        snapshot = chat.progress()
        assert snapshot is not None and snapshot.draft_failed
        told = texts(chat.announce(snapshot))
        assert "could not prepare the first draft" in told and "RuntimeError" not in told
        assert chat.announce(snapshot) == []  # said once, not on every poll
        again = texts(PatientChat(ctx, patient.id).open())
        assert "could not prepare the first draft" in again

    def test_summary_lists_the_uploaded_files(self, ctx: AppContext, patient: User, radiograph: Path) -> None:
        """The card the patient confirms names every file they sent, with its kind; none says so."""
        chat = consented_chat(ctx, patient)
        for answer in INTAKE:
            chat.message(answer)
        chat.upload(radiograph, "my_xray.jpeg", "image/jpeg")
        card = chat.message("done")[0]
        assert card.kind == "summary"
        assert "**Files:** my\\_xray.jpeg (picture)" in card.text

    def test_summary_says_when_no_file_was_sent(self, ctx: AppContext, patient: User) -> None:
        """Without uploads the card says none were sent and how to add some."""
        chat = consented_chat(ctx, patient)
        for answer in INTAKE:
            chat.message(answer)
        card = chat.message("done")[0]
        assert "**Files:** *none uploaded*" in card.text and "Add files" in card.text

    def test_returned_case_reopens_intake(self, ctx: AppContext, patient: User, clinician: User) -> None:
        """A clinician's question is shown and the patient can add files and resubmit."""
        to_state(ctx.db, patient, CaseStatus.RETURNED, clinician)
        replies = PatientChat(ctx, patient.id).open()
        assert "Please upload the report." in replies[0].text
        assert replies[1].kind == "summary"


def test_uploads_only_during_intake(ctx: AppContext, patient: User, radiograph: Path) -> None:
    """After submission a file is not added; the patient is told why."""
    to_state(ctx.db, patient, CaseStatus.SUBMITTED)
    chat = PatientChat(ctx, patient.id)
    chat.open()
    assert "before it is submitted" in texts(chat.upload(radiograph, "cxr.jpeg", "image/jpeg"))
