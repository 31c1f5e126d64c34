"""Run the whole app on loopback for the integrity tests, with settings from the environment.

Like ``tests/browser/_server.py`` (mock LLM, no in-process job runner), except that every
other setting comes from ``SECOND_OPINION_*`` variables, so a test can start the app with
small quotas or as production.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import uvicorn


def main() -> None:
    """``python -m tests.security._integrity_server DATA_DIR PORT``."""
    data_dir, port = Path(sys.argv[1]), int(sys.argv[2])
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from assistant.context import AppContext
    from assistant.settings import Settings
    from assistant.web.app import create_app

    os.environ.setdefault("SECOND_OPINION_ENVIRONMENT", "test")
    os.environ.setdefault("SECOND_OPINION_LLM__MODE", "mock")
    settings = Settings(data_dir=data_dir)
    ctx = AppContext(settings)
    app = create_app(settings, context=ctx, run_jobs=False)
    logging.basicConfig(level=logging.WARNING)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
