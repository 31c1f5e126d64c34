"""What a job handler is given: its job, progress reporting and the exactly-once completion hook."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from assistant.context import AppContext
from assistant.errors import ConflictError
from assistant.services import jobs


@dataclass
class JobExecution:
    """What a handler gets: the job, progress reporting, and the final commit hook."""

    ctx: AppContext
    job_id: str
    case_id: str
    worker_id: str
    attempt: int
    finished: bool = field(default=False)

    def progress(self, stage: str, message: str = "") -> None:
        """Record a progress step (its own small transaction) and renew the lease."""
        with self.ctx.db.session() as s:
            if not jobs.renew_lease(s, self.job_id, self.worker_id, self.ctx.settings.jobs.lease_s):
                raise ConflictError("This job was taken over by another worker.")
            jobs.progress(s, self.job_id, stage, message)

    def finish(self, session: Session) -> None:
        """Complete the job inside the handler's final transaction (exactly once)."""
        if not jobs.renew_lease(session, self.job_id, self.worker_id, self.ctx.settings.jobs.lease_s):
            raise ConflictError("This job was taken over by another worker; not finishing it twice.")
        jobs.complete(session, self.job_id)
        self.finished = True
