"""Durable jobs: the jobs table is the source of truth, whatever engine runs them.

A worker leases a job (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; ``BEGIN IMMEDIATE`` on
SQLite), records progress events, and completes or fails it. A job whose worker died
keeps its lease only until ``lease_expires_at``; after that any worker takes it again,
so nothing is lost or stuck. Failures retry with exponential backoff up to
``max_attempts``, then the job is ``failed`` with the error kept, and its case moves to
``draft_failed`` where admins see it (``/admin/jobs``, ``second-opinion jobs list``) and
retry it. A job whose workers keep dying (an input that crashes the process) is failed
the same way once its attempts are spent: an expired lease is never renewed past
``max_attempts``, so one poison job cannot loop through every worker.

A drafting job runs as a pipeline of stages (:data:`PIPELINE`). Each stage is leased on
its own, counts its own attempts, and stores its output (:class:`JobStageOutput`) in the
same transaction that moves the job to the next stage; a later stage may run on another
worker, and a stage whose output is already stored is never run again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.orm import Session

from assistant import audit
from assistant.actors import SYSTEM
from assistant.db.base import utcnow
from assistant.db.models import Job, JobEvent, JobStageOutput, User
from assistant.errors import NotFoundError, ValidationError
from assistant.lifecycle import CaseStatus
from assistant.policy import Action, authorize
from assistant.services.common import load_case, move

#: The drafting pipeline's stages in order; each is also the name of its Celery queue.
PIPELINE: tuple[str, ...] = ("imaging", "retrieval", "drafting", "checks")

#: What the patient and the audit log are told when drafting gives up.
DRAFT_FAILED_REASON = "The automatic draft could not be prepared; an administrator will retry it."


def _park_case(session: Session, job: Job) -> None:
    """Move the job's case out of ``drafting`` so a failed draft is visible, never stranded."""
    case = load_case(session, job.case_id, lock=True)
    if case.status is CaseStatus.DRAFTING:
        case.status_reason = DRAFT_FAILED_REASON
        move(session, SYSTEM, case, CaseStatus.DRAFT_FAILED, "case.draft_failed", details={"job_id": job.id})


def _fail_for_good(session: Session, job: Job, reason: str) -> None:
    job.status = "failed"
    job.finished_at = utcnow()
    job.lease_expires_at = None
    session.add(JobEvent(job_id=job.id, stage="failed", message=reason[:2000]))
    audit.record(
        session,
        SYSTEM,
        "job.failed",
        target_type="job",
        target_id=job.id,
        case_id=job.case_id,
        details={"attempts": job.attempts},
    )
    _park_case(session, job)


def fail_exhausted(session: Session, grace_s: float) -> list[str]:
    """Fail running jobs whose lease expired after their last allowed attempt; their ids.

    A worker that dies mid-job (killed, out of memory, a crash in a native decoder) never
    reaches :func:`fail_attempt`; without this, the expired lease would be taken again
    forever. ``grace_s`` (one lease length) spares a live worker whose heartbeat is merely
    late on a loaded machine.
    """
    cutoff = utcnow() - dt.timedelta(seconds=grace_s)
    stmt = select(Job).where(
        (Job.status == "running") & (Job.lease_expires_at < cutoff) & (Job.attempts >= Job.max_attempts)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    failed = []
    for job in session.scalars(stmt).all():
        if not job.last_error:
            job.last_error = (
                f"The worker stopped during each of {job.attempts} attempts (killed or crashed) "
                "before it could report an error."
            )
        _fail_for_good(session, job, job.last_error)
        failed.append(job.id)
    session.flush()
    return failed


def lease_next(
    session: Session,
    worker_id: str,
    lease_s: float,
    job_id: str | None = None,
    max_attempts: int | None = None,
    stages: Sequence[str] | None = None,
) -> Job | None:
    """Lease the next runnable job (or the named one): queued and due, or running with an expired lease.

    ``max_attempts`` (from settings) is fixed on the job at the first lease of each stage;
    ``stages`` limits the lease to jobs at one of those stages (a worker's queues).
    """
    fail_exhausted(session, grace_s=lease_s)
    now = utcnow()
    due = (Job.status == "queued") & (Job.run_after <= now)
    expired = (Job.status == "running") & (Job.lease_expires_at < now) & (Job.attempts < Job.max_attempts)
    stmt = select(Job).where(or_(due, expired)).order_by(Job.run_after).limit(1)
    if job_id is not None:
        stmt = stmt.where(Job.id == job_id)
    if stages is not None:
        stmt = stmt.where(Job.stage.in_(list(stages)))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    job = session.scalar(stmt)
    if job is None:
        return None
    if job.attempts == 0 and max_attempts is not None:
        job.max_attempts = max_attempts
    job.status = "running"
    job.attempts += 1
    job.worker_id = worker_id
    job.lease_expires_at = now + dt.timedelta(seconds=lease_s)
    session.add(JobEvent(job_id=job.id, stage="started", message=f"{job.stage} attempt {job.attempts}"))
    case = load_case(session, job.case_id, lock=True)
    if case.status is CaseStatus.SUBMITTED:
        move(session, SYSTEM, case, CaseStatus.DRAFTING, "job.start", details={"job_id": job.id})
    session.flush()
    return job


def renew_lease(session: Session, job_id: str, worker_id: str, lease_s: float) -> bool:
    """Extend a lease we still hold; False if another worker has taken the job."""
    job = session.get(Job, job_id, with_for_update=True)
    if job is None or job.status != "running" or job.worker_id != worker_id:
        return False
    job.lease_expires_at = utcnow() + dt.timedelta(seconds=lease_s)
    return True


def progress(session: Session, job_id: str, stage: str, message: str = "") -> JobEvent:
    """Record a progress step for the patient's chat and the cockpit."""
    event = JobEvent(job_id=job_id, stage=stage, message=message[:2000])
    session.add(event)
    session.flush()
    return event


def stage_output(session: Session, job_id: str, stage: str) -> dict[str, Any] | None:
    """What ``stage`` stored for this job, or None if it has not finished."""
    row = session.get(JobStageOutput, (job_id, stage))
    return None if row is None else row.output


def advance_stage(session: Session, job: Job, output: dict[str, Any]) -> str:
    """Store the leased stage's output and queue the job at the next stage; returns its name.

    Call with the lease checked in the same transaction: the output and the move happen
    together or not at all. An output already stored for this stage is kept (the first
    finished attempt wins). The next stage starts a fresh attempt budget.
    """
    stage = job.stage
    position = PIPELINE.index(stage)
    if position + 1 >= len(PIPELINE):
        raise ValueError(f"'{stage}' is the last stage; complete the job instead")
    if session.get(JobStageOutput, (job.id, stage)) is None:
        session.add(JobStageOutput(job_id=job.id, stage=stage, output=output, worker_id=job.worker_id or ""))
    following = PIPELINE[position + 1]
    job.stage = following
    job.status = "queued"
    job.attempts = 0
    job.run_after = utcnow()
    job.lease_expires_at = None
    job.last_error = ""
    session.add(JobEvent(job_id=job.id, stage="stage_done", message=f"{stage} done; {following} queued"))
    session.flush()
    return following


def complete(session: Session, job_id: str) -> None:
    """Mark a job done; its stage outputs (copies of case data) are no longer needed."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFoundError("Job not found.")
    job.status = "done"
    job.finished_at = utcnow()
    job.lease_expires_at = None
    session.add(JobEvent(job_id=job.id, stage="done", message="draft ready for clinician review"))
    session.execute(delete(JobStageOutput).where(JobStageOutput.job_id == job_id))


def fail_attempt(session: Session, job_id: str, error: str, backoff_s: float) -> Job:
    """Record a failed attempt: retry later with backoff, or fail for good at the limit."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFoundError("Job not found.")
    job.last_error = error[:4000]
    job.lease_expires_at = None
    if job.attempts >= job.max_attempts:
        _fail_for_good(session, job, job.last_error)
    else:
        delay = retry_delay_s(backoff_s, job.attempts)
        job.status = "queued"
        job.run_after = utcnow() + dt.timedelta(seconds=delay)
        message = retry_message(job)
        session.add(JobEvent(job_id=job.id, stage="retrying", message=message))
        audit.record(
            session,
            None,
            "job.retry_scheduled",
            target_type="job",
            target_id=job.id,
            case_id=job.case_id,
            details={
                "stage": job.stage,
                "attempt": job.attempts,
                "next_attempt_at": job.run_after.isoformat(timespec="seconds"),
            },
        )
    session.flush()
    return job


def retry_delay_s(backoff_s: float, attempts: int) -> float:
    """Exponential backoff: ``backoff_s`` after the first failed attempt, doubling each time."""
    return float(backoff_s * 2 ** max(attempts - 1, 0))


def retry_message(job: Job) -> str:
    """The words for a scheduled retry, with the time the next attempt is due (UTC).

    Both engines honour ``run_after``: Celery gets the retry with that countdown and the
    in-process runner polls every ``jobs.poll_s``, so the stated time is the real one.
    """
    when = job.run_after
    wait = max((when - utcnow()).total_seconds(), 0.0)
    return (
        f"{job.stage} attempt {job.attempts} of {job.max_attempts} failed; "
        f"next attempt at {when:%H:%M:%S} UTC (in {wait:.0f} s)"
    )


def retry_failed(session: Session, actor: User, job_id: str) -> Job:
    """An admin puts a failed job back in the queue with a fresh attempt budget.

    Its case goes from ``draft_failed`` back to ``submitted`` (the job moves it on to
    ``drafting`` when a worker takes it).

    Raises:
        NotFoundError: No such job.
        ValidationError: The job has not failed (only failed jobs are retried).
    """
    authorize(actor, Action.JOB_RETRY)
    job = session.get(Job, job_id, with_for_update=True)
    if job is None:
        raise NotFoundError("Job not found.")
    if job.status != "failed":
        raise ValidationError(f"Only a failed job can be retried; this one is '{job.status}'.")
    job.status = "queued"
    job.run_after = utcnow()
    job.finished_at = None
    job.max_attempts = job.attempts + max(1, job.max_attempts)
    session.add(JobEvent(job_id=job.id, stage="queued", message="retried by an administrator"))
    audit.record(session, actor, "job.retry", target_type="job", target_id=job.id, case_id=job.case_id)
    case = load_case(session, job.case_id, lock=True)
    if case.status is CaseStatus.DRAFT_FAILED:
        case.status_reason = ""
        move(session, actor, case, CaseStatus.SUBMITTED, "case.draft_retry", details={"job_id": job.id})
    session.flush()
    return job


@dataclass(frozen=True)
class JobRow:
    """One job as an admin sees it: no PHI, the error kept for diagnosis."""

    id: str
    case_id: str
    kind: str
    status: str
    attempts: int
    max_attempts: int
    last_error: str
    worker_id: str
    run_after: dt.datetime | None
    created_at: dt.datetime
    retrying: bool
    stage: str = ""


def list_jobs(session: Session, actor: User, statuses: Sequence[str] = (), limit: int = 200) -> list[JobRow]:
    """Jobs for the admin page and ``second-opinion jobs list``, newest first.

    ``retrying`` is a queued job that has already failed at least once.
    """
    authorize(actor, Action.JOB_LIST)
    stmt = select(Job).order_by(Job.created_at.desc()).limit(limit)
    wanted = set(statuses)
    if wanted:
        conditions: list[ColumnElement[bool]] = []
        if wanted - {"retrying"}:
            conditions.append(Job.status.in_(wanted - {"retrying"}))
        if "retrying" in wanted:
            conditions.append((Job.status == "queued") & (Job.attempts > 0))
        stmt = stmt.where(or_(*conditions))
    return [
        JobRow(
            j.id,
            j.case_id,
            j.kind,
            j.status,
            j.attempts,
            j.max_attempts,
            j.last_error or "",
            j.worker_id or "",
            j.run_after,
            j.created_at,
            j.status == "queued" and j.attempts > 0,
            j.stage,
        )
        for j in session.scalars(stmt)
    ]


def jobs_for_case(session: Session, case_id: str) -> Sequence[Job]:
    """A case's jobs, newest first."""
    return session.scalars(select(Job).where(Job.case_id == case_id).order_by(Job.created_at.desc())).all()


def events_for_job(session: Session, job_id: str) -> Sequence[JobEvent]:
    """A job's progress events in order."""
    return session.scalars(select(JobEvent).where(JobEvent.job_id == job_id).order_by(JobEvent.id)).all()


def count_by_status(session: Session, actor: User) -> dict[str, int]:
    """How many jobs are in each status, for the admin home."""
    authorize(actor, Action.JOB_LIST)
    rows = session.execute(select(Job.status, func.count()).group_by(Job.status)).tuples().all()
    return {status: int(n) for status, n in rows}
