"""Process-wide defaults a long-running server or worker needs before heavy libraries load.

- Math-library threads: PyTorch and the BLAS libraries start one spinning thread per
  core in every process. A server answers many requests at once and a worker runs
  several jobs at once, on cores shared with other processes; measured on a 2-core host,
  two OpenMP threads made a short query embedding 4 to 25 times slower than one
  (docs/knowledge.md). So ``serve`` and ``worker`` default to one thread per process
  (per concurrent job) unless the operator set the variables; other commands keep the
  library defaults (a one-off ``knowledge ingest`` may use every core).
- Progress bars: tqdm writes carriage-return bars meant for a terminal; in a log file or
  journal they are noise, so they are off whenever standard error is not a terminal.

Operators override any of these by setting the variable themselves (docs/operations.md).
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from typing import TextIO

THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
LONG_RUNNING_COMMANDS = frozenset({"serve", "worker"})
PROGRESS_BAR_VARIABLES = {"TQDM_DISABLE": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1"}


def thread_defaults(command: str | None, env: MutableMapping[str, str]) -> dict[str, str]:
    """The thread variables to set for ``command`` (those the operator left unset)."""
    if command not in LONG_RUNNING_COMMANDS:
        return {}
    return {name: "1" for name in THREAD_VARIABLES if not env.get(name)}


def progress_bar_defaults(stream: TextIO, env: MutableMapping[str, str]) -> dict[str, str]:
    """Variables that turn progress bars off when ``stream`` is not a terminal."""
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        interactive = False
    if interactive:
        return {}
    return {name: value for name, value in PROGRESS_BAR_VARIABLES.items() if name not in env}


def apply_process_defaults(
    command: str | None,
    env: MutableMapping[str, str] | None = None,
    stream: TextIO | None = None,
) -> dict[str, str]:
    """Set the defaults above in ``env`` (the process environment); return what was set.

    Torch reads ``OMP_NUM_THREADS`` when it is imported; if it already was, its thread
    count is set directly as well.
    """
    target = os.environ if env is None else env
    chosen = thread_defaults(command, target) | progress_bar_defaults(stream or sys.stderr, target)
    target.update(chosen)
    torch = sys.modules.get("torch")
    if env is None and torch is not None and "OMP_NUM_THREADS" in chosen:
        torch.set_num_threads(int(chosen["OMP_NUM_THREADS"]))
    return chosen
