"""The patient's own cases for the chat: the "My requests" list and earlier conversations.

:func:`my_requests_markdown` lists every case of the patient (newest first) with its state
in plain words and its signed versions; the chat adds a button per case with an opinion,
so an older signed opinion and its PDF stay reachable after a new request is started.
:func:`earlier_messages` reads the patient's earlier turns back from the transcript
tables (policy-checked and audited) to show them again after logging back in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.chat.intake import escape_markdown
from assistant.db.models import Case, Conversation, Draft, Message, User
from assistant.intake import IntakeRecord
from assistant.lifecycle import OPINION_AVAILABLE, CaseStatus
from assistant.services import cases, transcripts

STATE_WORDS: dict[CaseStatus, str] = {
    CaseStatus.INTAKE: "being filled in by you",
    CaseStatus.SUBMITTED: "submitted; being prepared",
    CaseStatus.DRAFTING: "being prepared",
    CaseStatus.PENDING_REVIEW: "waiting for a clinician",
    CaseStatus.IN_REVIEW: "with a clinician",
    CaseStatus.RETURNED: "a clinician asked you for more information",
    CaseStatus.SIGNED: "opinion signed",
    CaseStatus.DELIVERED: "opinion signed and delivered",
    CaseStatus.AMENDED: "opinion amended",
    CaseStatus.DECLINED: "declined",
}
#: A visit reuses the patient's conversation when its last message is this recent.
VISIT_GAP = dt.timedelta(minutes=30)
REPLAY_LIMIT = 40


@dataclass(frozen=True)
class CaseLine:
    """One of the patient's cases as the list shows it."""

    case_id: str
    title: str
    status: CaseStatus
    created_at: dt.datetime
    signed_versions: int

    @property
    def has_opinion(self) -> bool:
        """Whether a signed opinion can be opened."""
        return self.status in OPINION_AVAILABLE and self.signed_versions > 0


def my_cases(session: Session, actor: User) -> list[CaseLine]:
    """Every case of the patient, newest first, with the number of signed versions."""
    own: Sequence[Case] = cases.list_own_cases(session, actor)
    ids = [c.id for c in own]
    signed = dict(
        session.execute(
            select(Draft.case_id, func.count())
            .where(Draft.case_id.in_(ids), Draft.is_signed.is_(True))
            .group_by(Draft.case_id)
        )
        .tuples()
        .all()
    ) if ids else {}  # fmt: skip
    lines = []
    for c in own:
        title = c.title or IntakeRecord.model_validate(c.intake or {}).diagnosis_in_question or "New request"
        lines.append(CaseLine(c.id, title, c.status, c.created_at, int(signed.get(c.id, 0))))
    return lines


def my_requests_markdown(lines: list[CaseLine], current: str | None) -> str:
    """The "My requests" message."""
    if not lines:
        return "You have no requests yet."
    out = ["### My requests", ""]
    for n, line in enumerate(lines, start=1):
        now = " *(this one)*" if line.case_id == current else ""
        versions = ""
        if line.has_opinion:
            versions = f" · {line.signed_versions} signed version{'s' if line.signed_versions > 1 else ''}"
        out.append(f"{n}. **{escape_markdown(line.title[:120])}**{now} — started {line.created_at:%d %b %Y}: "
                   f"{STATE_WORDS.get(line.status, line.status.value)}{versions}")  # fmt: skip
    if any(line.has_opinion for line in lines):
        out += [
            "",
            "Choose **Open opinion** under a request to read its signed opinion and download the PDF.",
        ]
    return "\n".join(out)


def recent_conversation(session: Session, actor: User, now: dt.datetime) -> str | None:
    """The patient's conversation of this visit (a message within :data:`VISIT_GAP`), if any."""
    last = session.execute(
        select(Conversation.id, func.max(Message.created_at))
        .join(Message, Message.conversation_id == Conversation.id)
        .where(Conversation.patient_id == actor.id)
        .group_by(Conversation.id)
        .order_by(func.max(Message.created_at).desc())
        .limit(1)
    ).first()
    if last is None or last[1] is None:
        return None
    at = last[1] if last[1].tzinfo else last[1].replace(tzinfo=dt.UTC)
    return str(last[0]) if now - at <= VISIT_GAP else None


def earlier_messages(session: Session, actor: User, limit: int = REPLAY_LIMIT) -> list[Message]:
    """The patient's latest turns across their conversations, oldest first (audited reads)."""
    stmt = (
        select(Conversation.id)
        .where(Conversation.patient_id == actor.id)
        .order_by(Conversation.created_at.desc())
        .limit(5)
    )
    out: list[Message] = []
    for conv_id in session.scalars(stmt):
        out = list(transcripts.read_transcript(session, actor, conv_id)) + out
        if len(out) >= limit:
            break
    shown = [m for m in out if m.author in ("patient", "assistant", "clinician")]
    return shown[-limit:]
