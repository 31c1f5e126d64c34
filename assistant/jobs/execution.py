"""What a stage handler is given: its job and stage, progress, earlier outputs, exactly-once completion."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from assistant.context import AppContext
from assistant.errors import ConflictError
from assistant.services import jobs

OutputT = TypeVar("OutputT", bound=BaseModel)


class MissingStageOutputError(RuntimeError):
    """A stage ran before the stage it reads from stored its output (a bug, or a deleted row)."""


@dataclass
class JobExecution:
    """What a handler gets: the job at one stage, progress reporting, and the final commit hook."""

    ctx: AppContext
    job_id: str
    case_id: str
    worker_id: str
    attempt: int
    stage: str = "imaging"
    finished: bool = field(default=False)

    def progress(self, stage: str, message: str = "") -> None:
        """Record a progress step (its own small transaction) and renew the lease."""
        with self.ctx.db.session() as s:
            if not jobs.renew_lease(s, self.job_id, self.worker_id, self.ctx.settings.jobs.lease_s):
                raise ConflictError("This job was taken over by another worker.")
            jobs.progress(s, self.job_id, stage, message)

    def output(self, stage: str, model: type[OutputT]) -> OutputT:
        """An earlier stage's stored output, read back through the model that wrote it."""
        with self.ctx.db.session() as s:
            stored = jobs.stage_output(s, self.job_id, stage)
        if stored is None:
            raise MissingStageOutputError(
                f"job {self.job_id} is at stage '{self.stage}' but stage '{stage}' stored no output"
            )
        return model.model_validate(stored)

    def finish(self, session: Session) -> None:
        """Complete the job inside the handler's final transaction (exactly once)."""
        if not jobs.renew_lease(session, self.job_id, self.worker_id, self.ctx.settings.jobs.lease_s):
            raise ConflictError("This job was taken over by another worker; not finishing it twice.")
        jobs.complete(session, self.job_id)
        self.finished = True
