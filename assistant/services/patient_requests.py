"""Requests patients make in the chat, routed to the staff who act on them.

A data-deletion request is an admin task (``/admin``); a follow-up ("talk to a person")
or a question the assistant could not answer goes to the clinician who signed the case's
opinion, or to every clinician (the queue) when nobody has signed yet. A request to stop
is recorded only. Every creation and resolution is an audit event; the request's words
are stored on the row, never in the audit details.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assistant import audit
from assistant.db.base import utcnow
from assistant.db.models import Case, Draft, PatientRequest, ReturnAnswer, Signature, User
from assistant.errors import NotFoundError, ValidationError
from assistant.lifecycle import CaseStatus
from assistant.policy import Action, authorize
from assistant.roles import Role
from assistant.services.common import load_case


class RequestKind(enum.StrEnum):
    """What the patient asked for."""

    DELETE_DATA = "delete_data"
    FOLLOW_UP = "follow_up"
    QUESTION = "question"
    STOP = "stop"


#: Which kinds each staff role sees as tasks.
KINDS_FOR_ROLE: dict[Role, frozenset[RequestKind]] = {
    Role.CLINICIAN: frozenset({RequestKind.FOLLOW_UP, RequestKind.QUESTION}),
    Role.ADMIN: frozenset({RequestKind.DELETE_DATA}),
}
LABELS: dict[str, str] = {
    RequestKind.DELETE_DATA: "Delete my data",
    RequestKind.FOLLOW_UP: "Follow-up with a clinician",
    RequestKind.QUESTION: "Question for the clinician",
    RequestKind.STOP: "Stop",
}
MAX_TEXT = 2000


def _own_case(session: Session, actor: User, case_id: str | None) -> Case:
    """The patient's case, or a stand-in owned by them when the request is about no case."""
    if case_id is None:
        return Case(id="", patient_id=actor.id)
    return load_case(session, case_id)


def signer_of(session: Session, case_id: str) -> int | None:
    """The clinician who signed the case's latest signed version (None before signing)."""
    stmt = (
        select(Signature.signer_id)
        .join(Draft, Draft.id == Signature.draft_id)
        .where(Draft.case_id == case_id)
        .order_by(Draft.version.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def create_request(
    session: Session, actor: User, case_id: str | None, kind: RequestKind, text: str = ""
) -> PatientRequest:
    """Record a patient's request and route it (audited as ``request.create``)."""
    authorize(actor, Action.REQUEST_CREATE, _own_case(session, actor, case_id))
    assigned = signer_of(session, case_id) if case_id and kind in KINDS_FOR_ROLE[Role.CLINICIAN] else None
    request = PatientRequest(
        patient_id=actor.id, case_id=case_id, kind=kind.value, text=text.strip()[:MAX_TEXT],
        status="open", assigned_to_id=assigned,
    )  # fmt: skip
    session.add(request)
    session.flush()
    audit.record(session, actor, "request.create", target_type="patient_request", target_id=request.id,
                 case_id=case_id, details={"kind": kind.value, "assigned_to": assigned})  # fmt: skip
    return request


def open_requests(session: Session, actor: User, *, limit: int = 100) -> Sequence[PatientRequest]:
    """Open requests this staff member should act on, oldest first.

    Clinicians see follow-ups and questions assigned to them or to nobody (the queue);
    admins see data-deletion tasks.
    """
    authorize(actor, Action.REQUEST_LIST)
    kinds = [k.value for k in KINDS_FOR_ROLE.get(actor.role, frozenset())]
    stmt = select(PatientRequest).where(PatientRequest.status == "open", PatientRequest.kind.in_(kinds))
    if actor.role is Role.CLINICIAN:
        stmt = stmt.where(
            or_(PatientRequest.assigned_to_id.is_(None), PatientRequest.assigned_to_id == actor.id)
        )
    return session.scalars(stmt.order_by(PatientRequest.created_at, PatientRequest.id).limit(limit)).all()


def case_requests(session: Session, actor: User, case_id: str) -> Sequence[PatientRequest]:
    """Every request about one case, newest first (for the cockpit's case page)."""
    authorize(actor, Action.REQUEST_LIST)
    stmt = select(PatientRequest).where(PatientRequest.case_id == case_id)
    return session.scalars(stmt.order_by(PatientRequest.id.desc())).all()


def resolve_request(session: Session, actor: User, request_id: int) -> PatientRequest:
    """Mark a request done (audited as ``request.resolve``)."""
    authorize(actor, Action.REQUEST_RESOLVE)
    request = session.get(PatientRequest, request_id)
    if request is None or request.kind not in KINDS_FOR_ROLE.get(actor.role, frozenset()):
        raise NotFoundError("Request not found.")
    if request.status != "open":
        raise ValidationError("This request is already done.")
    request.status, request.resolved_by_id, request.resolved_at = "done", actor.id, utcnow()
    audit.record(session, actor, "request.resolve", target_type="patient_request", target_id=request.id,
                 case_id=request.case_id, details={"kind": request.kind})  # fmt: skip
    return request


def record_return_answer(session: Session, actor: User, case_id: str, answer: str) -> ReturnAnswer:
    """Store the patient's answer to the clinician's question on a returned case (audited)."""
    case = load_case(session, case_id, lock=True)
    authorize(actor, Action.INTAKE_UPDATE, case)
    if case.status is not CaseStatus.RETURNED:
        raise ValidationError("This case is not waiting for your answer.")
    if not answer.strip():
        raise ValidationError("Please write your answer.")
    row = ReturnAnswer(case_id=case.id, patient_id=actor.id, question=case.status_reason,
                       answer=answer.strip()[:MAX_TEXT])  # fmt: skip
    session.add(row)
    session.flush()
    audit.record(session, actor, "case.return_answer", target_type="case", target_id=case.id, case_id=case.id)
    return row


def return_answers(session: Session, case_id: str) -> Sequence[ReturnAnswer]:
    """The answers given on a case, oldest first (callers have already authorised the case read)."""
    stmt = select(ReturnAnswer).where(ReturnAnswer.case_id == case_id).order_by(ReturnAnswer.id)
    return session.scalars(stmt).all()
