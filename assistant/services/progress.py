"""What the patient sees while their case is being prepared and reviewed.

A :class:`ProgressSnapshot` is read from the case row and the ``job_events`` table the
job runner writes (stages ``imaging``, ``retrieval``, ``drafting``, ``checking``,
``done``, ``failed``, ``retrying``). It never contains a draft: only stage names,
times and the case's status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from assistant.db.models import User
from assistant.lifecycle import OPINION_AVAILABLE, CaseStatus
from assistant.policy import Action, authorize
from assistant.services import jobs
from assistant.services.common import load_case

#: Stage -> the words shown in the chat's step list.
STAGE_LABELS: dict[str, str] = {
    "queued": "Your case is in the queue",
    "imaging": "Checking your images",
    "retrieval": "Reading the medical evidence",
    "drafting": "Preparing a draft for the clinician",
    "checking": "Checking every statement against its sources",
    "done": "Draft ready for a clinician",
}
WAITING = "Waiting for a clinician to review your case"
REVIEW_STATES = frozenset({CaseStatus.PENDING_REVIEW, CaseStatus.IN_REVIEW})
PREPARING_STATES = frozenset({CaseStatus.SUBMITTED, CaseStatus.DRAFTING, CaseStatus.DRAFT_FAILED})
DRAFT_FAILED_TEXT = (
    "We could not prepare the first draft of your opinion automatically. Our team has been told "
    "and will restart it; you do not need to do anything or upload your files again. "
    "Your case is kept, and your opinion will appear here once a clinician has signed it."
)


@dataclass(frozen=True)
class StageEvent:
    """One progress stage reached."""

    id: int
    stage: str
    label: str
    at: dt.datetime


@dataclass(frozen=True)
class ProgressSnapshot:
    """The case's status and the stages its newest job has reached."""

    status: CaseStatus
    stages: list[StageEvent] = field(default_factory=list)
    failed: bool = False
    retrying: bool = False
    status_reason: str = ""

    @property
    def waiting_for_clinician(self) -> bool:
        """The draft is with the clinicians (the patient cannot see it)."""
        return self.status in REVIEW_STATES

    @property
    def draft_failed(self) -> bool:
        """Drafting gave up; an administrator will retry it."""
        return self.status is CaseStatus.DRAFT_FAILED

    @property
    def opinion_ready(self) -> bool:
        """A signed opinion exists."""
        return self.status in OPINION_AVAILABLE


def read_progress(session: Session, actor: User, case_id: str) -> ProgressSnapshot:
    """The patient's view of their case's progress (policy-checked, not audited: it is polled)."""
    case = load_case(session, case_id)
    authorize(actor, Action.CASE_READ, case)
    stages: list[StageEvent] = []
    failed = retrying = False
    job_list = jobs.jobs_for_case(session, case.id)
    if job_list:
        job = job_list[0]
        seen: set[str] = set()
        for event in jobs.events_for_job(session, job.id):
            failed = event.stage == "failed"
            retrying = event.stage == "retrying"
            if event.stage in STAGE_LABELS and event.stage not in seen:
                seen.add(event.stage)
                stages.append(StageEvent(event.id, event.stage, STAGE_LABELS[event.stage], event.created_at))
    return ProgressSnapshot(case.status, stages, failed, retrying, case.status_reason)
