"""Helpers shared by the services: loading cases with the right lock, moving state."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant import audit
from assistant.actors import Actor
from assistant.db.models import Case
from assistant.errors import NotFoundError
from assistant.lifecycle import CaseStatus, check_transition


def load_case(session: Session, case_id: str, *, lock: bool = False) -> Case:
    """Load a case; ``lock`` takes a row lock (PostgreSQL) for read-modify-write."""
    stmt = select(Case).where(Case.id == case_id)
    if lock:
        stmt = stmt.with_for_update()
    case = session.scalar(stmt.execution_options(populate_existing=True))
    if case is None:
        raise NotFoundError("Case not found.")
    return case


def move(
    session: Session,
    actor: Actor,
    case: Case,
    target: CaseStatus,
    action: str,
    details: dict[str, object] | None = None,
) -> None:
    """Apply a lifecycle transition and audit it."""
    source = case.status
    check_transition(source, target)
    case.status = target
    audit.record(
        session,
        actor,
        action,
        target_type="case",
        target_id=case.id,
        case_id=case.id,
        details={"from": source.value, "to": target.value, **(details or {})},
    )
    session.flush()
