"""Run the whole app on loopback for the browser tests (started in a subprocess by conftest).

Embedded defaults (SQLite, local storage, in-process everything) except two choices made
for speed, both stated here: the LLM runs in ``mock`` mode, and the in-process job runner
is off, so each test plays the drafting worker itself through the job services.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import uvicorn


def main() -> None:
    """``python -m tests.browser._server DATA_DIR PORT``."""
    data_dir, port = Path(sys.argv[1]), int(sys.argv[2])
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from assistant.context import AppContext
    from assistant.settings import Settings
    from assistant.web.app import create_app

    settings = Settings(environment="test", data_dir=data_dir, llm={"mode": "mock"})  # type: ignore[arg-type]
    ctx = AppContext(settings)
    try:
        app = create_app(settings, context=ctx, run_jobs=False)  # type: ignore[call-arg]
    except TypeError:  # an app factory without a job runner
        app = create_app(settings, context=ctx)
    logging.basicConfig(level=logging.WARNING)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
