"""One patient's chat, independent of Chainlit: consent, intake, uploads, triage, progress, delivery.

:class:`PatientChat` holds the position of one chat session and turns each patient
event (a message, a file, a button) into :class:`Reply` objects for the UI to render.
Every turn runs through the services (so the access policy is checked every time), and
every patient and assistant turn is written to the transcript. Red flags are checked
first on every message and every intake answer; their advice is always the first reply.
Ids never come from the client: the chat acts only on the case it found for this user.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant import audit
from assistant.chat import intake
from assistant.chat.answers import general_answer, looks_like_question
from assistant.chat.consent import current_consent
from assistant.chat.delivery import answer_follow_up, opinion_markdown
from assistant.chat.errors import ChatAccessError
from assistant.chat.progress import PREPARING_STATES, REVIEW_STATES, ProgressSnapshot, read_progress
from assistant.chat.red_flags import RedFlag, load_rules
from assistant.chat.uploads import process_upload
from assistant.context import AppContext
from assistant.db.models import Case, Conversation, Message, User
from assistant.errors import DomainError, SignedContentMismatchError
from assistant.intake import IntakeRecord
from assistant.integrity import alert_on_mismatch, audit_alert
from assistant.lifecycle import OPINION_AVAILABLE, CaseStatus
from assistant.opinion_document import load_signed_opinion, write_pdf
from assistant.roles import Role
from assistant.services import cases, transcripts

SUBMITTED_TEXT = (
    "Thank you. Your case has been submitted. We are now checking your images and reading the "
    "medical evidence, then a clinician will review and sign your second opinion. "
    "You can close this window and come back at any time; your opinion will appear here."
)
WAITING_TEXT = (
    "Your case is **waiting for a clinician** to review it. You can leave and come back; "
    "your signed opinion will appear here."
)


class Phase(enum.StrEnum):
    """Where the patient is in the service."""

    CONSENT = "consent"
    INTAKE = "intake"
    WAITING = "waiting"
    DELIVERED = "delivered"
    DECLINED = "declined"


@dataclass(frozen=True)
class ActionSpec:
    """A button under a reply; the payload is a hint only and is always re-checked."""

    name: str
    label: str
    payload: dict[str, str] = field(default_factory=dict)


@dataclass
class Reply:
    """Something to show the patient."""

    text: str
    kind: str = "info"  # emergency|consent|intake|summary|upload|answer|progress|opinion|info
    actions: list[ActionSpec] = field(default_factory=list)
    images: list[Path] = field(default_factory=list)
    pdf: Path | None = None
    sources: list[tuple[int, str, str, str]] = field(default_factory=list)


def _confirm_actions() -> list[ActionSpec]:
    edits = [ActionSpec("edit_field", f"Change: {intake.LABELS[s].lower()}", {"step": s.value})
             for s in intake.QUESTION_STEPS]  # fmt: skip
    return [ActionSpec("submit_case", "Confirm and submit"), ActionSpec("edit_field", "Add files",
            {"step": intake.Step.UPLOADS.value}), *edits]  # fmt: skip


class PatientChat:
    """The state of one patient's chat session (see the module docstring)."""

    def __init__(self, ctx: AppContext, user_id: int, extractor: intake.Extractor | None = None) -> None:
        self.ctx = ctx
        self.user_id = user_id
        self.extractor = extractor
        self.phase = Phase.CONSENT
        self.case_id: str | None = None
        self.conversation_id: str | None = None
        self.state: intake.IntakeState | None = None
        self.pending_flags: list[str] = []
        self.announced_waiting = False
        self.refused_drafts: set[str] = set()

    # -- helpers -----------------------------------------------------------------------------
    def _user(self, s: Session) -> User:
        user = s.get(User, self.user_id)
        if user is None or not user.is_active or user.role is not Role.PATIENT:
            raise ChatAccessError()
        return user

    def _say(self, s: Session, user: User | None, reply: Reply, **meta: Any) -> Reply:
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
        """Red-flag check; the advice is returned first and recorded, the case marked urgent."""
        rules = load_rules()
        flags: list[RedFlag] = rules.check(text)
        if not flags:
            return []
        ids = [f.id for f in flags]
        if self.case_id is not None:
            cases.mark_red_flags(s, user, self.case_id, ids)
        else:
            self.pending_flags += [i for i in ids if i not in self.pending_flags]
        reply = Reply(rules.advice_text(flags), kind="emergency")
        return [self._say(s, user, reply, red_flags=ids)]

    # -- opening -----------------------------------------------------------------------------
    def open(self) -> list[Reply]:
        """Start a visit: consent first, then resume whatever the patient's case needs."""
        with self.ctx.db.session() as s:
            user = self._user(s)
            self.conversation_id = transcripts.start_conversation(s, user, None).id
            consent = current_consent()
            if not cases.has_consented(s, user, consent.version):
                self.phase = Phase.CONSENT
                actions = [
                    ActionSpec("consent_agree", "I agree"),
                    ActionSpec("consent_decline", "I do not agree"),
                ]
                return [
                    self._say(
                        s, user, Reply(consent.text, "consent", actions), consent_version=consent.version
                    )
                ]
            return self._resume(s, user)

    def consent(self, agree: bool) -> list[Reply]:
        """Record the patient's choice; nothing proceeds without agreement."""
        with self.ctx.db.session() as s:
            user = self._user(s)
            if self.phase is not Phase.CONSENT:
                return []
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
            text = (f"A clinician asked for more information: **{case.status_reason}**\n\n"
                    "Please add files or change your answers, then confirm and submit again.")  # fmt: skip
            return [self._say(s, user, Reply(text, "info")), self._summary(s, user)]
        if self.state.step is intake.Step.CONFIRM:
            return [self._summary(s, user)]
        opening = "Welcome back; let's continue where you left off.\n\n" if meta or self.state.answered else (
            "Thank you. I will ask a few questions about your case, one at a time.\n\n")  # fmt: skip
        return [self._say(s, user, Reply(opening + intake.question(self.state), "intake"))]

    def _summary(self, s: Session, user: User) -> Reply:
        assert self.state is not None
        text = intake.summary_markdown(self.state.record) + "\n\n" + intake.question_for(intake.Step.CONFIRM)
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
            if self.phase is Phase.INTAKE and not self._is_side_question(text):
                return replies + self._intake_turn(s, user, text)
        return replies + self._question(text)

    def _answers_with_symptoms(self) -> bool:
        """An emergency message is kept as the answer only when symptoms were asked for."""
        return self.state is not None and self.state.step is intake.Step.SYMPTOMS

    def _is_side_question(self, text: str) -> bool:
        assert self.state is not None
        return self.state.step in (intake.Step.UPLOADS, intake.Step.CONFIRM) and looks_like_question(text)

    def _intake_turn(self, s: Session, user: User, text: str) -> list[Reply]:
        assert self.state is not None
        assert self.case_id is not None
        turn = intake.answer(self.state, text, self.extractor)
        self.state = turn.state
        if turn.saved:
            cases.update_intake(s, user, self.case_id, turn.state.record)
        if turn.state.step is intake.Step.DONE:
            return self._submit(s, user)
        if turn.state.step is intake.Step.CONFIRM:
            return [self._summary(s, user)]
        return [self._say(s, user, Reply(turn.reply, "intake"), problem=turn.problem or None)]

    def _question(self, text: str) -> list[Reply]:
        """A question outside the intake: signed text first, else general cited information."""
        reply: Reply | None = None
        if self.phase is Phase.DELIVERED and self.case_id is not None:
            with alert_on_mismatch(self.ctx.db, self.user_id, "chat"), self.ctx.db.session() as s:
                found = answer_follow_up(load_signed_opinion(s, self._user(s), self.case_id), text)
            if found:
                reply = Reply(
                    found, "answer", [ActionSpec("request_follow_up", "Ask a clinician to follow up")]
                )
        if reply is None:
            answer = general_answer(self.ctx, text)
            reply = Reply(answer.text, "answer", sources=answer.sources)
        with self.ctx.db.session() as s:
            user = self._user(s)
            self._say(s, user, reply)
            if self.phase is Phase.INTAKE and self.state is not None:
                return [reply, self._say(s, user, Reply(intake.question(self.state), "intake"))]
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
            return []
        self.state = intake.edit(self.state, step)
        with self.ctx.db.session() as s:
            return [self._say(s, self._user(s), Reply(intake.question(self.state), "intake"))]

    def submit(self) -> list[Reply]:
        """The patient confirmed the summary."""
        if self.phase is not Phase.INTAKE or self.state is None:
            return []
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
            cases.submit_case(s, user, self.case_id, current_consent().version)
        except DomainError as e:  # the checks run before anything is written
            if self.state is not None:
                self.state = intake.IntakeState(intake.Step.CONFIRM, self.state.record, self.state.answered)
            return [self._say(s, user, Reply(e.message, "intake", _confirm_actions()))]
        self.phase = Phase.WAITING
        return [self._say(s, user, Reply(SUBMITTED_TEXT, "progress"))]

    def request_follow_up(self) -> list[Reply]:
        """The patient asks for a human clinician to follow up."""
        if self.case_id is None:
            return []
        with self.ctx.db.session() as s:
            user = self._user(s)
            case = cases.get_case(s, user, self.case_id)
            self._hear(s, user, "Please ask a clinician to follow up.", action="follow_up")
            audit.record(s, user, "followup.request", target_type="case", target_id=case.id, case_id=case.id)
            text = (
                "Your request has been recorded. A clinician from the team will contact you about your "
                "opinion. If your symptoms get worse, contact your own doctor or emergency services."
            )
            return [self._say(s, user, Reply(text, "info"), follow_up_requested=True)]

    def new_case(self) -> list[Reply]:
        """Start a new request after a delivered or declined one."""
        if self.phase not in (Phase.DELIVERED, Phase.DECLINED):
            return []
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
        with self.ctx.db.session() as s:
            user = self._user(s)
            if snapshot.opinion_ready:
                return self._deliver(s, user)
            if snapshot.status in (CaseStatus.RETURNED, CaseStatus.DECLINED):
                return self._resume(s, user)
            if snapshot.waiting_for_clinician and not self.announced_waiting:
                self.announced_waiting = True
                return [self._say(s, user, Reply(WAITING_TEXT, "progress"))]
        return []

    def _deliver(self, s: Session, user: User) -> list[Reply]:
        assert self.case_id is not None
        try:
            op = load_signed_opinion(s, user, self.case_id, self.ctx.storage)
        except SignedContentMismatchError as e:  # refused; alert once per version, keep checking
            self.phase = Phase.WAITING
            if e.draft_id in self.refused_drafts:
                return []
            self.refused_drafts.add(e.draft_id)
            audit_alert(s, user, e, "chat")
            return [self._say(s, user, Reply(e.message, "info"))]
        pdf = write_pdf(
            op, self.ctx.settings.data_dir / "opinions" / op.case_id / f"opinion-v{op.version}.pdf"
        )
        cases.acknowledge_opinion(s, user, self.case_id)
        self.phase = Phase.DELIVERED
        sources = [(c.number, c.title, c.url, c.text) for c in op.citations]
        actions = [ActionSpec("request_follow_up", "Ask a clinician to follow up"),
                   ActionSpec("new_case", "Start a new request")]  # fmt: skip
        reply = Reply(opinion_markdown(op), "opinion", actions, images=op.images, pdf=pdf, sources=sources)
        note = Reply(
            "You can ask questions about your opinion here; I will answer from its signed text.", "info"
        )
        return [self._say(s, user, reply, draft_id=op.draft_id, version=op.version), self._say(s, user, note)]
