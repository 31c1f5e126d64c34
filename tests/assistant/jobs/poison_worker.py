"""``python -m tests.assistant.jobs.poison_worker worker``: a worker whose draft handler kills itself.

It stands in for an upload that crashes a native decoder: the worker dies inside the
job every time, before it can record an error. Used by the poison-job tests only.
"""

from __future__ import annotations

import os
import signal

import assistant.jobs.engine as engine
from assistant.cli.main import main
from assistant.jobs.engine import Handler
from assistant.jobs.execution import JobExecution


def _die(_execution: JobExecution) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _poison_handlers() -> dict[str, Handler]:
    return {"draft": _die}


if __name__ == "__main__":
    engine._handlers = _poison_handlers  # type: ignore[assignment]
    main()
