"""``python -m tests.assistant.jobs.poison_worker worker``: a worker whose imaging stage kills itself.

It stands in for an upload that crashes a native decoder: the worker dies inside the
stage every time, before it can record an error. Used by the poison-job tests only.
"""

from __future__ import annotations

import os
import signal

import assistant.jobs.engine as engine
from assistant.cli.main import main
from assistant.jobs.draft_job import draft_stages
from assistant.jobs.engine import Pipelines
from assistant.jobs.execution import JobExecution


def _die(_execution: JobExecution) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _poison_pipelines() -> Pipelines:
    return {"draft": {**draft_stages(), "imaging": _die}}


if __name__ == "__main__":
    engine._pipelines = _poison_pipelines  # type: ignore[assignment]
    main()
