"""One patient's chat, independent of Chainlit: consent, intake, uploads, triage, progress, delivery.

:class:`PatientChat` holds the position of one chat session and turns each patient
event (a message, a file, a button) into :class:`Reply` objects for the UI to render.
Every turn runs through the services (so the access policy is checked every time), and
every patient and assistant turn is written to the transcript. Red flags are checked
first on every message and every intake answer; their advice is always the first reply.
Ids never come from the client: the chat acts only on the case it found for this user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.chat import intake, my_cases
from assistant.chat.answers import general_answer
from assistant.chat.consent import current_consent
from assistant.chat.delivery import answer_follow_up, opinion_reply, render_opinion_pdf
from assistant.chat.errors import ChatAccessError, ChatSessionEndedError
from assistant.chat.intent import IntentKind, QuestionType, analyse_question, classify, wants_case_list
from assistant.chat.replies import ActionSpec, Phase, Reply
from assistant.chat.routing import STALE, route_request
from assistant.context import AppContext
from assistant.db.base import utcnow
from assistant.db.models import Case, Conversation, Message, User
from assistant.errors import DomainError, SignedContentMismatchError
from assistant.intake import IntakeRecord
from assistant.integrity import alert_on_mismatch, audit_alert
from assistant.jobs.dispatch import dispatch_after_commit
from assistant.lifecycle import OPINION_AVAILABLE, CaseStatus
from assistant.opinion_document import PdfRenderer, SignedOpinion, load_signed_opinion, opinion_pdf
from assistant.roles import Role
from assistant.services import alerts, cases, patient_requests, transcripts
from assistant.services.patient_requests import RequestKind
from assistant.services.progress import (
    DRAFT_FAILED_TEXT,
    PREPARING_STATES,
    REVIEW_STATES,
    ProgressSnapshot,
    read_progress,
)
from assistant.services.uploads import process_upload
from assistant.triage import triage_for

__all__ = ["ActionSpec", "PatientChat", "Phase", "Reply"]

SUBMITTED_TEXT = (
    "Thank you. Your case has been submitted. We are now checking your images and reading the "
    "medical evidence, then a clinician will review and sign your second opinion. "
    "You can close this window and come back at any time; your opinion will appear here."
)
WAITING_TEXT = (
    "Your case is **waiting for a clinician** to review it. You can leave and come back; "
    "your signed opinion will appear here."
)


def _confirm_actions() -> list[ActionSpec]:
    edits = [ActionSpec("edit_field", f"Change: {intake.LABELS[s].lower()}", {"step": s.value})
             for s in intake.QUESTION_STEPS]  # fmt: skip
    return [ActionSpec("submit_case", "Confirm and submit"), ActionSpec("edit_field", "Add files",
            {"step": intake.Step.UPLOADS.value}), *edits]  # fmt: skip


class PatientChat:
    """The state of one patient's chat session (see the module docstring)."""

    def __init__(
        self,
        ctx: AppContext,
        user_id: int,
        extractor: intake.Extractor | None = None,
        pdf_renderer: PdfRenderer = opinion_pdf,
        session_open: Callable[[Session], bool] | None = None,
    ) -> None:
        """``session_open`` says, in a turn's own transaction, whether the login session the chat
        was opened with is still open; every turn checks it first (None: no login session)."""
        self.ctx = ctx
        self.session_open = session_open
        self.pdf_renderer = pdf_renderer
        self._unrendered: list[SignedOpinion] = []  # delivered in this turn, PDF not yet written
        self.user_id = user_id
        self.extractor = extractor
        self.phase = Phase.CONSENT
        self.case_id: str | None = None
        self.conversation_id: str | None = None
        self.state: intake.IntakeState | None = None
        self.pending_flags: list[str] = []
        self.announced_waiting = False
        self.announced_failure = False
        self.pending_question: str | None = None  # a question the patient may pass to a clinician
        self.awaiting_return_answer = False  # a clinician's question on a returned case is open
        self.refused_drafts: set[str] = set()

    # -- helpers -----------------------------------------------------------------------------
    @contextmanager
    def _delivering(self) -> Iterator[Session]:
        """A transaction that may deliver opinions; their PDFs are rendered after it commits.

        Rendering inside the session would hold the database (on SQLite a lock every
        request of this process waits on) for as long as the PDF takes.
        """
        self._unrendered.clear()
        try:
            with self.ctx.db.session() as s:
                yield s
            for op in self._unrendered:
                render_opinion_pdf(self.ctx, op, self.pdf_renderer)
        finally:
            self._unrendered.clear()

    def _user(self, s: Session) -> User:
        if self.session_open is not None and not self.session_open(s):
            raise ChatSessionEndedError()
        user = s.get(User, self.user_id)
        if user is None or not user.is_active or user.role is not Role.PATIENT:
            raise ChatAccessError()
        return user

    def _say(self, s: Session, user: User, reply: Reply, **meta: Any) -> Reply:
        if self.state is not None and self.phase is Phase.INTAKE:
            meta.setdefault("intake", self.state.to_meta())
        if self.conversation_id is not None:
            transcripts.add_message(s, user, self.conversation_id, "assistant", reply.text,
                                    {"kind": reply.kind, **meta})  # fmt: skip
        return reply

    def _hear(self, s: Session, user: User, text: str, **meta: Any) -> None:
        if self.conversation_id is not None:
            transcripts.add_message(s, user, self.conversation_id, "patient", text, meta or None)

    def _triage(self, s: Session, user: User, text: str) -> list[Reply]:
        """Triage; on an emergency the advice is returned first, staff alerted, the case marked urgent."""
        triage = triage_for(self.ctx)
        decision = triage.check(text)
        if not decision.emergency:
            return []
        ids = list(decision.categories)
        alerts.raise_alert(s, user, decision, case_id=self.case_id, conversation_id=self.conversation_id)
        if self.case_id is not None:
            cases.mark_red_flags(s, user, self.case_id, ids)
        else:
            self.pending_flags += [i for i in ids if i not in self.pending_flags]
        reply = Reply(triage.advice_text(decision), kind="emergency")
        return [self._say(s, user, reply, red_flags=ids, triage=decision.audit_detail())]

    # -- opening -----------------------------------------------------------------------------
    def open(self) -> list[Reply]:
        """Start a visit: consent first, then resume whatever the patient's case needs."""
        with self._delivering() as s:
            user = self._user(s)
            history = [
                Reply(m.content, "history", author=m.author) for m in my_cases.earlier_messages(s, user)
            ]
            reuse = my_cases.recent_conversation(s, user, utcnow())
            self.conversation_id = reuse or transcripts.start_conversation(s, user, None).id
            consent = current_consent()
            if not cases.has_consented(s, user, consent.version):
                self.phase = Phase.CONSENT
                actions = [
                    ActionSpec("consent_agree", "I agree"),
                    ActionSpec("consent_decline", "I do not agree"),
                ]
                return [
                    *history,
                    self._say(
                        s, user, Reply(consent.text, "consent", actions), consent_version=consent.version
                    ),
                ]
            return history + self._resume(s, user)

    def consent(self, agree: bool) -> list[Reply]:
        """Record the patient's choice; nothing proceeds without agreement."""
        with self._delivering() as s:
            user = self._user(s)
            if self.phase is not Phase.CONSENT:
                return [Reply(STALE.format(why="you have already agreed"), "info")]
            self._hear(s, user, "I agree" if agree else "I do not agree", action="consent")
            if not agree:
                text = ("We cannot prepare a second opinion without your agreement. Nothing you share is "
                        "used until you agree. You can agree at any time with the button below.")  # fmt: skip
                return [self._say(s, user, Reply(text, "consent", [ActionSpec("consent_agree", "I agree")]))]
            consent = current_consent()
            cases.record_consent(s, user, consent.version, consent.text)
            return self._resume(s, user)

    def _latest_case(self, s: Session, user: User) -> Case | None:
        own = cases.list_own_cases(s, user)
        return own[0] if own else None

    def _resume(self, s: Session, user: User) -> list[Reply]:
        case = self._latest_case(s, user)
        if case is None:
            case = cases.create_case(s, user)
        self.case_id = case.id
        assert self.conversation_id is not None
        conv = s.get(Conversation, self.conversation_id)
        if conv is not None and conv.case_id not in (None, case.id):  # this visit's thread is another case's
            self.conversation_id = transcripts.start_conversation(s, user, case.id).id
        else:
            transcripts.attach_case(s, user, self.conversation_id, case.id)
        if self.pending_flags:
            cases.mark_red_flags(s, user, case.id, self.pending_flags)
            self.pending_flags = []
        status = case.status
        if status in (CaseStatus.INTAKE, CaseStatus.RETURNED):
            return self._resume_intake(s, user, case)
        if status in PREPARING_STATES | REVIEW_STATES:
            self.phase = Phase.WAITING
            text = WAITING_TEXT if status in REVIEW_STATES else SUBMITTED_TEXT
            if status is CaseStatus.DRAFT_FAILED:
                text, self.announced_failure = DRAFT_FAILED_TEXT, True
            self.announced_waiting = status in REVIEW_STATES
            return [self._say(s, user, Reply("Welcome back. " + text, "progress"))]
        if status in OPINION_AVAILABLE:
            return self._deliver(s, user)
        self.phase = Phase.DECLINED
        text = ("The clinician was not able to give a second opinion on this case. Their reason: "
                f"{case.status_reason or 'not given'}. You can start a new request below.")  # fmt: skip
        return [self._say(s, user, Reply(text, "info", [ActionSpec("new_case", "Start a new request")]))]

    def _last_intake_meta(self, s: Session, case_id: str) -> dict[str, Any] | None:
        stmt = (
            select(Message.meta)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(Conversation.case_id == case_id, Message.author == "assistant")
            .order_by(Message.id.desc())
            .limit(50)
        )
        for meta in s.scalars(stmt):
            if isinstance(meta, dict) and isinstance(meta.get("intake"), dict):
                return dict(meta["intake"])
        return None

    def _resume_intake(self, s: Session, user: User, case: Case) -> list[Reply]:
        self.phase = Phase.INTAKE
        record = IntakeRecord.model_validate(case.intake or {})
        meta = self._last_intake_meta(s, case.id)
        self.state = intake.start(record, meta)
        if case.status is CaseStatus.RETURNED:
            self.state = intake.IntakeState(intake.Step.CONFIRM, record, self.state.answered)
            self.awaiting_return_answer = True
            asked = intake.escape_markdown(case.status_reason)
            text = (f"A clinician asked for more information:\n\n> **{asked}**\n\n"
                    "Please write your answer here. You can also add files or change your answers; "
                    "then confirm and submit again.")  # fmt: skip
            return [self._say(s, user, Reply(text, "returned")), self._summary(s, user)]
        if self.state.step is intake.Step.CONFIRM:
            return [self._summary(s, user)]
        opening = "Welcome back; let's continue where you left off.\n\n" if meta or self.state.answered else (
            "Thank you. I will ask a few questions about your case, one at a time.\n\n")  # fmt: skip
        return [self._say(s, user, Reply(opening + intake.question(self.state), "intake"))]

    def _summary(self, s: Session, user: User) -> Reply:
        assert self.state is not None
        files = (
            [(u.filename, u.kind, u.status) for u in cases.list_uploads(s, user, self.case_id)]
            if self.case_id is not None
            else None
        )
        text = (
            intake.summary_markdown(self.state.record, files)
            + "\n\n"
            + intake.question_for(intake.Step.CONFIRM)
        )
        return self._say(s, user, Reply(text, "summary", _confirm_actions()))

    # -- patient events ----------------------------------------------------------------------
    def screen(self, text: str) -> list[Reply]:
        """Record the patient's words and run red-flag triage only (before their files are read)."""
        with self.ctx.db.session() as s:
            user = self._user(s)
            self._hear(s, user, text or "[files]")
            return self._triage(s, user, text)

    def message(self, text: str, *, screened: bool = False) -> list[Reply]:
        """A message typed by the patient (``screened``: already recorded and triaged)."""
        with self.ctx.db.session() as s:
            user = self._user(s)
            replies: list[Reply] = []
            if not screened:
                self._hear(s, user, text)
                replies = self._triage(s, user, text)
            if self.phase is Phase.CONSENT:
                note = "Please read the information above and choose **I agree** to continue."
                actions = [ActionSpec("consent_agree", "I agree")]
                return [*replies, self._say(s, user, Reply(note, "consent", actions))]
            if self.phase is Phase.INTAKE and replies and not self._answers_with_symptoms():
                assert self.state is not None
                again = "When you are safe to continue, please answer: " + intake.question(self.state)
                return [*replies, self._say(s, user, Reply(again, "intake"))]
            if wants_case_list(text):
                return [*replies, self._my_requests(s, user)]
            step = self.state.step if self.phase is Phase.INTAKE and self.state is not None else None
            intent = classify(text, step)
            if intent.kind is IntentKind.REQUEST and intent.request is not None:
                return replies + self._request(s, user, intent.request, text)
            if self.phase is Phase.INTAKE and intent.kind is IntentKind.ANSWER:
                if self.awaiting_return_answer and not self._is_card_command(text):
                    return replies + self._return_answer(s, user, text)
                return replies + self._intake_turn(s, user, text)
        return replies + self._question(text)

    @staticmethod
    def _is_card_command(text: str) -> bool:
        """'confirm' or a short 'change medicines' on the summary card (not an answer to the clinician)."""
        return intake.is_confirmation(text) or (
            len(text.split()) <= 3 and intake.step_named(text) is not None
        )

    def _answers_with_symptoms(self) -> bool:
        """An emergency message is kept as the answer only when symptoms were asked for."""
        return self.state is not None and self.state.step is intake.Step.SYMPTOMS

    def _request(self, s: Session, user: User, kind: RequestKind, text: str) -> list[Reply]:
        """Record and route a request; during intake a follow-up request asks the question again."""
        reply = self._say(s, user, Reply(route_request(s, user, self.case_id, kind, text), "request"),
                          request=kind.value)  # fmt: skip
        if kind is RequestKind.FOLLOW_UP and self.phase is Phase.INTAKE and self.state is not None:
            return [reply, self._say(s, user, Reply(intake.question(self.state), "intake"))]
        return [reply]

    def _return_answer(self, s: Session, user: User, text: str) -> list[Reply]:
        """Store the patient's answer to the clinician's question on the returned case."""
        assert self.case_id is not None
        patient_requests.record_return_answer(s, user, self.case_id, text)
        self.awaiting_return_answer = False
        note = ("Thank you, your answer is recorded on your case and the clinician will see it. "
                "Add files if you were asked for them, then confirm and submit again.")  # fmt: skip
        return [self._say(s, user, Reply(note, "info")), self._summary(s, user)]

    def _my_requests(self, s: Session, user: User) -> Reply:
        lines = my_cases.my_cases(s, user)
        actions = [ActionSpec("open_opinion", f"Open opinion {n}", {"case": line.case_id})
                   for n, line in enumerate(lines, start=1) if line.has_opinion]  # fmt: skip
        return self._say(s, user, Reply(my_cases.my_requests_markdown(lines, self.case_id), "cases", actions))

    def my_requests(self) -> list[Reply]:
        """The "My requests" list: every case, its state, and buttons to open signed opinions."""
        with self.ctx.db.session() as s:
            user = self._user(s)
            self._hear(s, user, "My requests", action="my_requests")
            return [self._my_requests(s, user)]

    def open_opinion(self, case_id: str) -> list[Reply]:
        """Show an earlier signed opinion and its PDF (the case id is checked by the policy)."""
        with self._delivering() as s:
            user = self._user(s)
            op = load_signed_opinion(s, user, case_id, self.ctx.storage)
            self._unrendered.append(op)
            reply = opinion_reply(self.ctx, op, [])
            return [self._say(s, user, reply, draft_id=op.draft_id, version=op.version)]

    def pass_to_clinician(self) -> list[Reply]:
        """Pass the question the assistant could not answer to a clinician."""
        question, self.pending_question = self.pending_question, None
        with self.ctx.db.session() as s:
            user = self._user(s)
            if not question:
                return [Reply(STALE.format(why="that question has already been passed on"), "info")]
            self._hear(s, user, "Please pass my question to the clinician.", action="pass_to_clinician")
            return self._request(s, user, RequestKind.QUESTION, question)

    def _intake_turn(self, s: Session, user: User, text: str) -> list[Reply]:
        assert self.state is not None
        assert self.case_id is not None
        turn = intake.answer(self.state, text, self.extractor)
        self.state = turn.state
        if turn.state.step is intake.Step.DONE:
            if turn.saved:
                cases.update_intake(s, user, self.case_id, turn.state.record)
            return self._submit(s, user)
        if turn.state.step is intake.Step.CONFIRM:
            replies = [self._summary(s, user)]
        else:
            replies = [self._say(s, user, Reply(turn.reply, "intake"), problem=turn.problem or None)]
        if turn.saved:  # last: its audit event holds the audit log's lock until this transaction commits
            cases.update_intake(s, user, self.case_id, turn.state.record)
        return replies

    def _question(self, text: str) -> list[Reply]:
        """A question: after delivery the signed text answers it or it goes to the clinician;
        otherwise general cited information (never stored as an intake answer)."""
        medicine = analyse_question(text).type is QuestionType.MEDICATION_CHANGE
        if self.phase is Phase.DELIVERED and self.case_id is not None and not medicine:
            with alert_on_mismatch(self.ctx.db, self.user_id, "chat"), self.ctx.db.session() as s:
                user = self._user(s)
                found = answer_follow_up(load_signed_opinion(s, user, self.case_id), text)
                if not found:
                    return self._request(s, user, RequestKind.QUESTION, text)
                actions = [ActionSpec("request_follow_up", "Ask a clinician to follow up")]
                return [self._say(s, user, Reply(found, "answer", actions))]
        answer = general_answer(self.ctx, text)
        self.pending_question = text if answer.offer_clinician else None
        actions = (
            [ActionSpec("pass_to_clinician", "Pass my question to a clinician")]
            if answer.offer_clinician
            else []
        )
        reply = Reply(answer.text, "answer", actions, sources=answer.sources)
        with self.ctx.db.session() as s:
            user = self._user(s)
            self._say(s, user, reply, question=True)
            if self.phase is Phase.INTAKE and self.state is not None:
                again = "Now, back to your case: " + intake.question(self.state)
                return [reply, self._say(s, user, Reply(again, "intake"))]
        return [reply]

    def upload(self, path: Path, filename: str, content_type: str) -> list[Reply]:
        """A file attached by the patient."""
        with self.ctx.db.session() as s:
            user = self._user(s)
            self._hear(s, user, f"[uploaded {Path(filename).name}]", upload=True)
            if self.phase is not Phase.INTAKE or self.case_id is None:
                text = ("Files can be added while you tell us about your case, before it is submitted. "
                        "If a clinician needs more, they will ask you here.")  # fmt: skip
                return [self._say(s, user, Reply(text, "upload"))]
            user_obj, case_id = user, self.case_id
        outcome = process_upload(self.ctx, user_obj, case_id, path, filename, content_type)
        with self.ctx.db.session() as s:
            reply = Reply(outcome.message, "upload", images=outcome.previews)
            return [self._say(s, self._user(s), reply, upload_id=outcome.upload_id, status=outcome.status)]

    def edit(self, step_name: str) -> list[Reply]:
        """The patient chose to change one answer on the summary card."""
        try:
            step = intake.Step(step_name)
        except ValueError:
            return []
        if self.phase is not Phase.INTAKE or self.state is None:
            return [Reply(STALE.format(why="your case has been submitted"), "info")]
        self.state = intake.edit(self.state, step)
        with self.ctx.db.session() as s:
            return [self._say(s, self._user(s), Reply(intake.question(self.state), "intake"))]

    def submit(self) -> list[Reply]:
        """The patient confirmed the summary."""
        if self.phase is not Phase.INTAKE or self.state is None:
            return [Reply(STALE.format(why="your case has already been submitted"), "info")]
        with self.ctx.db.session() as s:
            user = self._user(s)
            self._hear(s, user, "Confirm and submit", action="submit")
            at_card = intake.IntakeState(intake.Step.CONFIRM, self.state.record, self.state.answered)
            turn = intake.answer(at_card, "confirm")
            self.state = turn.state
            if turn.state.step is not intake.Step.DONE:
                return [self._say(s, user, Reply(turn.reply, "intake"))]
            return self._submit(s, user)

    def _submit(self, s: Session, user: User) -> list[Reply]:
        assert self.case_id is not None
        try:
            job = cases.submit_case(s, user, self.case_id, current_consent().version)
        except DomainError as e:  # the checks run before anything is written
            if self.state is not None:
                self.state = intake.IntakeState(intake.Step.CONFIRM, self.state.record, self.state.answered)
            return [self._say(s, user, Reply(e.message, "intake", _confirm_actions()))]
        dispatch_after_commit(self.ctx, s, job)  # the imaging stage starts now, not at the next sweep
        self.phase = Phase.WAITING
        self.announced_waiting = self.awaiting_return_answer = False
        return [self._say(s, user, Reply(SUBMITTED_TEXT, "progress"))]

    def request_follow_up(self) -> list[Reply]:
        """The patient asks for a human clinician to follow up."""
        if self.case_id is None:
            return []
        with self.ctx.db.session() as s:
            user = self._user(s)
            self._hear(s, user, "Please ask a clinician to follow up.", action="follow_up")
            return self._request(s, user, RequestKind.FOLLOW_UP, "Please ask a clinician to follow up.")

    def new_case(self) -> list[Reply]:
        """Start a new request after a delivered or declined one."""
        if self.phase not in (Phase.DELIVERED, Phase.DECLINED):
            return [Reply(STALE.format(why="you already have a request in progress"), "info")]
        with self.ctx.db.session() as s:
            user = self._user(s)
            case = cases.create_case(s, user)
            self.case_id = case.id
            self.conversation_id = transcripts.start_conversation(s, user, case.id).id
            return self._resume_intake(s, user, case)

    # -- progress and delivery ---------------------------------------------------------------
    def progress(self) -> ProgressSnapshot | None:
        """The case's progress (None before there is a case)."""
        if self.case_id is None:
            return None
        with self.ctx.db.session() as s:
            return read_progress(s, self._user(s), self.case_id)

    def announce(self, snapshot: ProgressSnapshot) -> list[Reply]:
        """Messages a progress change calls for: waiting for a clinician, returned, declined, signed."""
        if self.phase is not Phase.WAITING:
            return []
        with self._delivering() as s:
            user = self._user(s)
            if snapshot.opinion_ready:
                return self._deliver(s, user)
            if snapshot.status in (CaseStatus.RETURNED, CaseStatus.DECLINED):
                return self._resume(s, user)
            if snapshot.draft_failed and not self.announced_failure:
                self.announced_failure = True
                return [self._say(s, user, Reply(DRAFT_FAILED_TEXT, "progress"))]
            if not snapshot.draft_failed:
                self.announced_failure = False
            if snapshot.waiting_for_clinician and not self.announced_waiting:
                self.announced_waiting = True
                return [self._say(s, user, Reply(WAITING_TEXT, "progress"))]
        return []

    def _deliver(self, s: Session, user: User) -> list[Reply]:
        assert self.case_id is not None
        actions = [ActionSpec("request_follow_up", "Ask a clinician to follow up"),
                   ActionSpec("new_case", "Start a new request"),
                   ActionSpec("my_requests", "My requests")]  # fmt: skip
        try:
            op = load_signed_opinion(s, user, self.case_id, self.ctx.storage)
        except SignedContentMismatchError as e:  # refused; alert once per version, keep checking
            self.phase = Phase.WAITING
            if e.draft_id in self.refused_drafts:
                return []
            self.refused_drafts.add(e.draft_id)
            audit_alert(s, user, e, "chat")
            return [self._say(s, user, Reply(e.message, "info"))]
        self._unrendered.append(op)  # rendered by _delivering once this session has closed
        reply = opinion_reply(self.ctx, op, actions)
        cases.acknowledge_opinion(s, user, self.case_id)
        self.phase = Phase.DELIVERED
        note = Reply(
            "You can ask questions about your opinion here; I will answer from its signed text.", "info"
        )
        return [self._say(s, user, reply, draft_id=op.draft_id, version=op.version), self._say(s, user, note)]
