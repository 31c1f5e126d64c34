"""The clinician's review queue as one page of display rows, in a fixed number of queries.

:func:`queue_page` orders urgent first, then oldest submission, using the
``ix_cases_queue`` index, then loads the page's
latest drafts, uploads and claimants with one query each, so a page costs the same at
10 cases or 10,000.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from assistant import audit
from assistant.db.base import utcnow
from assistant.db.models import Case, Draft, Upload, User
from assistant.drafting.guardrails import red_flag_names
from assistant.lifecycle import CaseStatus
from assistant.policy import Action, authorize
from assistant.services.draft_view import Warnings, modality_of, stored_warnings

QueueState = Literal["open", "waiting", "in_review", "mine"]
QUEUE_STATES: dict[str, tuple[CaseStatus, ...]] = {
    "open": (CaseStatus.PENDING_REVIEW, CaseStatus.IN_REVIEW),
    "waiting": (CaseStatus.PENDING_REVIEW,),
    "in_review": (CaseStatus.IN_REVIEW,),
    "mine": (CaseStatus.IN_REVIEW,),
}
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class QueueFilters:
    """What the clinician narrowed the queue to."""

    state: QueueState = "open"
    urgent_only: bool = False
    text: str = ""
    modality: str = ""
    warnings_only: bool = False


@dataclass(frozen=True)
class QueueRow:
    """One case as the queue shows it."""

    case_id: str
    title: str
    question: str
    status: CaseStatus
    urgent: bool
    red_flags: tuple[str, ...]
    submitted_at: dt.datetime | None
    age: dt.timedelta
    claimed_by: str
    claimed_by_me: bool
    modality: str
    warnings: Warnings


@dataclass(frozen=True)
class QueueResult:
    """A page of rows and where it sits in the whole queue."""

    rows: Sequence[QueueRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the filtered queue has (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))


def _where(actor: User, filters: QueueFilters) -> list[Any]:
    where: list[Any] = [Case.status.in_(QUEUE_STATES[filters.state])]
    if filters.state == "mine":
        where.append(Case.claimed_by_id == actor.id)
    if filters.urgent_only:
        where.append(Case.priority == 0)
    text = filters.text.strip().lower()
    if text:
        where.append(func.lower(Case.title).contains(text, autoescape=True))
    if filters.modality or filters.warnings_only:
        where.append(_ai_draft_matches(filters))
    return where


def _ai_draft_matches(filters: QueueFilters) -> Any:
    """EXISTS an AI draft of the case with the modality and/or check failures asked for."""
    conditions: list[Any] = [Draft.case_id == Case.id, Draft.kind == "ai_original"]
    if filters.modality:
        modality = func.lower(Draft.evidence["findings"]["modality"].as_string())
        conditions.append(modality.contains(filters.modality.strip().lower(), autoescape=True))
    if filters.warnings_only:
        citations = Draft.checks["citations"]
        conditions.append(
            or_(
                citations["n_unsupported"].as_integer() > 0,
                citations["n_unresolved_removed"].as_integer() > 0,
            )
        )
    return exists().where(*conditions)


def _latest_drafts(session: Session, ids: list[str]) -> dict[str, tuple[Any, Any]]:
    latest = (
        select(Draft.case_id, func.max(Draft.version).label("v"))
        .where(Draft.case_id.in_(ids))
        .group_by(Draft.case_id)
        .subquery()
    )
    stmt = select(Draft.case_id, Draft.checks, Draft.evidence).join(
        latest, and_(Draft.case_id == latest.c.case_id, Draft.version == latest.c.v)
    )
    return {case_id: (checks, evidence) for case_id, checks, evidence in session.execute(stmt)}


def _upload_summaries(session: Session, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for case_id, summary in session.execute(
        select(Upload.case_id, Upload.summary).where(Upload.case_id.in_(ids))
    ):
        out.setdefault(case_id, []).append(summary or {})
    return out


def queue_page(
    session: Session,
    actor: User,
    filters: QueueFilters | None = None,
    *,
    page: int = 1,
    per_page: int = 25,
    now: dt.datetime | None = None,
) -> QueueResult:
    """One page of the review queue with everything the queue table shows.

    Args:
        session: An open database session.
        actor: The clinician asking (``queue.read`` is checked).
        filters: State, urgency and title text to narrow the queue.
        page: 1-based page number (clamped to at least 1).
        per_page: Rows per page (clamped to 1..100).
        now: The time ages are measured to (defaults to now).

    Returns:
        The page's rows, urgent first and then oldest submission first, and the total.
    """
    authorize(actor, Action.QUEUE_READ)
    filters = filters or QueueFilters()
    page, per_page = max(page, 1), min(max(per_page, 1), MAX_PER_PAGE)
    where = _where(actor, filters)
    total = session.scalar(select(func.count()).select_from(Case).where(*where)) or 0
    # Sort and skip over narrow rows only, then load the page's full rows by id.
    page_ids = (
        select(Case.id, Case.priority, Case.submitted_at)
        .where(*where)
        .order_by(Case.priority, Case.submitted_at, Case.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .subquery()
    )
    claimant = select(User.display_name).where(User.id == Case.claimed_by_id).scalar_subquery()
    stmt = (
        select(Case, claimant)
        .join(page_ids, page_ids.c.id == Case.id)
        .order_by(page_ids.c.priority, page_ids.c.submitted_at, page_ids.c.id)
    )
    cases = session.execute(stmt).all()
    ids = [c.id for c, _ in cases]
    drafts = _latest_drafts(session, ids) if ids else {}
    uploads = _upload_summaries(session, ids) if ids else {}
    now = now or utcnow()
    rows = []
    for case, claimed_by in cases:
        checks, evidence = drafts.get(case.id, ({}, {}))
        intake = case.intake or {}
        rows.append(
            QueueRow(
                case_id=case.id,
                title=case.title or str(intake.get("diagnosis_in_question", "")),
                question=str(intake.get("main_question", "")),
                status=case.status,
                urgent=case.priority == 0,
                red_flags=tuple(red_flag_names([str(f) for f in case.red_flags or []])),
                submitted_at=case.submitted_at,
                age=now - (case.submitted_at or case.created_at),
                claimed_by=claimed_by or "",
                claimed_by_me=case.claimed_by_id == actor.id,
                modality=modality_of(evidence, uploads.get(case.id, [])),
                warnings=stored_warnings(checks, evidence),
            )
        )
    # The rows show patient-written text (titles, questions): the read is a PHI access.
    audit.record(session, actor, "queue.view", target_type="case", details={"cases": ids, "page": page})
    return QueueResult(rows, total, page, per_page)


def format_age(age: dt.timedelta) -> str:
    """A short age such as ``3 d 4 h``, ``5 h 12 min`` or ``7 min``."""
    minutes = max(int(age.total_seconds() // 60), 0)
    days, rem = divmod(minutes, 24 * 60)
    hours, mins = divmod(rem, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{mins} min"
