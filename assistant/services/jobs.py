"""Durable jobs: the jobs table is the source of truth, whatever engine runs them.

A worker leases a job (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; ``BEGIN IMMEDIATE`` on
SQLite), records progress events, and completes or fails it. A job whose worker died
keeps its lease only until ``lease_expires_at``; after that any worker takes it again,
so nothing is lost or stuck. Failures retry with exponential backoff up to
``max_attempts``, then the job is ``failed`` with the error kept for clinicians and admins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assistant import audit
from assistant.db.base import utcnow
from assistant.db.models import Job, JobEvent, User
from assistant.errors import NotFoundError
from assistant.lifecycle import CaseStatus
from assistant.policy import Action, authorize
from assistant.services.common import load_case, move

STAGES = ("queued", "imaging", "retrieval", "drafting", "checking", "done", "failed", "retrying")


def lease_next(
    session: Session,
    worker_id: str,
    lease_s: float,
    job_id: str | None = None,
    max_attempts: int | None = None,
) -> Job | None:
    """Lease the next runnable job (or the named one): queued and due, or running with an expired lease.

    ``max_attempts`` (from settings) is fixed on the job at its first lease.
    """
    now = utcnow()
    due = (Job.status == "queued") & (Job.run_after <= now)
    expired = (Job.status == "running") & (Job.lease_expires_at < now)
    stmt = select(Job).where(or_(due, expired)).order_by(Job.run_after).limit(1)
    if job_id is not None:
        stmt = stmt.where(Job.id == job_id)
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
    session.add(JobEvent(job_id=job.id, stage="started", message=f"attempt {job.attempts}"))
    case = load_case(session, job.case_id, lock=True)
    if case.status is CaseStatus.SUBMITTED:
        move(session, None, case, CaseStatus.DRAFTING, "job.start", details={"job_id": job.id})
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


def complete(session: Session, job_id: str) -> None:
    """Mark a job done."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFoundError("Job not found.")
    job.status = "done"
    job.finished_at = utcnow()
    job.lease_expires_at = None
    session.add(JobEvent(job_id=job.id, stage="done", message="draft ready for clinician review"))


def fail_attempt(session: Session, job_id: str, error: str, backoff_s: float) -> Job:
    """Record a failed attempt: retry later with backoff, or fail for good at the limit."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFoundError("Job not found.")
    job.last_error = error[:4000]
    job.lease_expires_at = None
    if job.attempts >= job.max_attempts:
        job.status = "failed"
        job.finished_at = utcnow()
        session.add(JobEvent(job_id=job.id, stage="failed", message=job.last_error))
        audit.record(
            session,
            None,
            "job.failed",
            target_type="job",
            target_id=job.id,
            case_id=job.case_id,
            details={"attempts": job.attempts},
        )
    else:
        delay = backoff_s * (2 ** (job.attempts - 1))
        job.status = "queued"
        job.run_after = utcnow() + dt.timedelta(seconds=delay)
        session.add(JobEvent(job_id=job.id, stage="retrying", message=f"retry in {delay:.0f} s"))
    session.flush()
    return job


def retry_failed(session: Session, actor: User, job_id: str) -> Job:
    """An admin puts a failed job back in the queue with a fresh attempt budget."""
    authorize(actor, Action.JOB_RETRY)
    job = session.get(Job, job_id)
    if job is None:
        raise NotFoundError("Job not found.")
    job.status = "queued"
    job.run_after = utcnow()
    job.max_attempts = job.attempts + max(1, job.max_attempts)
    audit.record(session, actor, "job.retry", target_type="job", target_id=job.id, case_id=job.case_id)
    return job


def jobs_for_case(session: Session, case_id: str) -> Sequence[Job]:
    """A case's jobs, newest first."""
    return session.scalars(select(Job).where(Job.case_id == case_id).order_by(Job.created_at.desc())).all()


def events_for_job(session: Session, job_id: str) -> Sequence[JobEvent]:
    """A job's progress events in order."""
    return session.scalars(select(JobEvent).where(JobEvent.job_id == job_id).order_by(JobEvent.id)).all()
