"""Conversations and their transcripts; support review and flags; a case's audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from assistant import audit
from assistant.db.models import AuditEvent, Case, Conversation, Message, SupportFlag, User
from assistant.errors import NotFoundError, ValidationError
from assistant.policy import Action, authorize
from assistant.services.common import load_case

FLAG_CATEGORIES = ("safety", "quality", "privacy", "tone", "technical", "other")
AUTHORS = ("patient", "assistant", "clinician", "system")


def _load_conversation(session: Session, conversation_id: str) -> Conversation:
    conv = session.get(Conversation, conversation_id)
    if conv is None:
        raise NotFoundError("Conversation not found.")
    return conv


def _case_of(session: Session, conv: Conversation) -> Case | None:
    return load_case(session, conv.case_id) if conv.case_id else None


def _authorize_conversation(session: Session, actor: User, action: Action, conv: Conversation) -> None:
    case = _case_of(session, conv)
    if case is None:
        # A conversation not yet tied to a case belongs to its patient alone.
        case = Case(id="", patient_id=conv.patient_id)
    authorize(actor, action, case)


def start_conversation(session: Session, actor: User, case_id: str | None) -> Conversation:
    """A patient's chat thread, tied to their case when there is one."""
    if case_id is not None:
        authorize(actor, Action.MESSAGE_POST, load_case(session, case_id))
    else:
        authorize(actor, Action.CASE_CREATE)
    conv = Conversation(patient_id=actor.id, case_id=case_id)
    session.add(conv)
    session.flush()
    return conv


def attach_case(session: Session, actor: User, conversation_id: str, case_id: str) -> Conversation:
    """Tie a patient's conversation to one of their cases."""
    conv = _load_conversation(session, conversation_id)
    _authorize_conversation(session, actor, Action.MESSAGE_POST, conv)
    authorize(actor, Action.MESSAGE_POST, load_case(session, case_id))
    conv.case_id = case_id
    return conv


def conversations_for_case(session: Session, case_id: str) -> Sequence[Conversation]:
    """The case's conversations, oldest first (callers have already authorised)."""
    stmt = select(Conversation).where(Conversation.case_id == case_id).order_by(Conversation.created_at)
    return session.scalars(stmt).all()


def add_message(
    session: Session,
    actor: User,
    conversation_id: str,
    author: str,
    content: str,
    meta: dict[str, Any] | None = None,
) -> Message:
    """Append a turn to the patient's conversation (the patient's words or the assistant's replies)."""
    if author not in AUTHORS:
        raise ValidationError(f"Unknown message author '{author}'.")
    conv = _load_conversation(session, conversation_id)
    _authorize_conversation(session, actor, Action.MESSAGE_POST, conv)
    msg = Message(conversation_id=conv.id, author=author, content=content, meta=meta or {})
    session.add(msg)
    session.flush()
    return msg


def post_notice(session: Session, actor: User, case_id: str, text: str, kind: str) -> Message | None:
    """A clinician's notice to the patient in the case's latest conversation (None if it has none)."""
    case = load_case(session, case_id)
    authorize(actor, Action.NOTICE_POST, case)
    latest = conversations_for_case(session, case.id)[-1:]
    if not latest:
        return None
    msg = Message(conversation_id=latest[0].id, author="clinician", content=text, meta={"kind": kind})
    session.add(msg)
    session.flush()
    audit.record(session, actor, "notice.post", target_type="conversation", target_id=latest[0].id,
                 case_id=case.id, details={"kind": kind})  # fmt: skip
    return msg


def read_transcript(session: Session, actor: User, conversation_id: str) -> Sequence[Message]:
    """Every message of a conversation, read-only (PHI access, audited)."""
    conv = _load_conversation(session, conversation_id)
    _authorize_conversation(session, actor, Action.TRANSCRIPT_READ, conv)
    audit.record(
        session, actor, "transcript.view", target_type="conversation", target_id=conv.id, case_id=conv.case_id
    )
    stmt = select(Message).where(Message.conversation_id == conv.id).order_by(Message.id)
    return session.scalars(stmt).all()


@dataclass(frozen=True)
class TranscriptHit:
    """A conversation found by a support search."""

    conversation: Conversation
    case_status: str
    n_messages: int
    flagged: bool


def search_transcripts(
    session: Session,
    actor: User,
    *,
    text: str = "",
    status: str = "",
    flagged: bool | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 50,
) -> list[TranscriptHit]:
    """Support search over conversations by text, case status, flag and date (audited)."""
    authorize(actor, Action.TRANSCRIPT_SEARCH)
    n_messages = (
        select(func.count(Message.id)).where(Message.conversation_id == Conversation.id).scalar_subquery()
    )
    is_flagged = exists().where(SupportFlag.conversation_id == Conversation.id)
    stmt = select(Conversation, Case.status, n_messages, is_flagged).outerjoin(
        Case, Case.id == Conversation.case_id
    )
    if text:
        like = f"%{text.lower()}%"
        stmt = stmt.where(
            exists().where(Message.conversation_id == Conversation.id, func.lower(Message.content).like(like))
            | or_(func.lower(Case.title).like(like))
        )
    if status:
        stmt = stmt.where(Case.status == status)
    if flagged is not None:
        stmt = stmt.where(is_flagged if flagged else ~is_flagged)
    if since:
        stmt = stmt.where(Conversation.updated_at >= since)
    if until:
        stmt = stmt.where(Conversation.updated_at <= until)
    rows = session.execute(stmt.order_by(Conversation.updated_at.desc()).limit(limit)).all()
    audit.record(session, actor, "transcript.search", details={"results": len(rows)})
    return [TranscriptHit(conv, st.value if st else "", int(n or 0), bool(fl)) for conv, st, n, fl in rows]


def flag_conversation(
    session: Session, actor: User, conversation_id: str, category: str, note: str
) -> SupportFlag:
    """A support reviewer flags a conversation for quality or safety follow-up."""
    authorize(actor, Action.FLAG_CREATE)
    if category not in FLAG_CATEGORIES:
        raise ValidationError("Choose a category: " + ", ".join(FLAG_CATEGORIES))
    conv = _load_conversation(session, conversation_id)
    flag = SupportFlag(conversation_id=conv.id, flagged_by_id=actor.id, category=category, note=note.strip())
    session.add(flag)
    session.flush()
    audit.record(
        session,
        actor,
        "conversation.flag",
        target_type="conversation",
        target_id=conv.id,
        case_id=conv.case_id,
        details={"category": category},
    )
    return flag


def flags_for(session: Session, conversation_id: str) -> Sequence[SupportFlag]:
    """Flags on a conversation, oldest first (callers have already authorised)."""
    stmt = select(SupportFlag).where(SupportFlag.conversation_id == conversation_id).order_by(SupportFlag.id)
    return session.scalars(stmt).all()


def audit_trail(session: Session, actor: User, case_id: str) -> Sequence[AuditEvent]:
    """Every audit event about a case, in order (reading it is itself audited)."""
    authorize(actor, Action.AUDIT_READ)
    load_case(session, case_id)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)
    ).all()
    audit.record(session, actor, "audit.view", target_type="case", target_id=case_id, case_id=case_id)
    return events
