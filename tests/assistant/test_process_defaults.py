"""Thread and progress-bar defaults for servers and workers, never overriding the operator."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from assistant.process_defaults import apply_process_defaults, thread_defaults
from tests.conftest import REPO


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class TestThreads:
    @pytest.mark.parametrize("command", ["serve", "worker"])
    def test_long_running_commands_get_one_thread(self, command: str) -> None:
        """serve and worker default every math library to one thread per process."""
        env: dict[str, str] = {}
        apply_process_defaults(command, env, _Terminal())
        assert env == {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}

    def test_operator_setting_wins(self) -> None:
        """A value the operator set is kept."""
        assert thread_defaults("worker", {"OMP_NUM_THREADS": "4"}) == {
            "MKL_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
        }

    def test_one_off_commands_keep_library_defaults(self) -> None:
        """A one-off command (an ingest) may use every core."""
        assert thread_defaults("knowledge", {}) == {}


class TestProgressBars:
    def test_off_when_not_a_terminal(self) -> None:
        """Logs and journals get no tqdm or Hugging Face bars."""
        env: dict[str, str] = {}
        apply_process_defaults("knowledge", env, io.StringIO())
        assert env == {"TQDM_DISABLE": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1"}

    def test_kept_on_a_terminal(self) -> None:
        """A person at a terminal still sees progress."""
        env: dict[str, str] = {}
        apply_process_defaults("knowledge", env, _Terminal())
        assert env == {}

    def test_no_bar_reaches_a_log(self) -> None:
        """In a process whose stderr is a pipe, a default tqdm bar writes nothing."""
        code = (
            "from assistant.process_defaults import apply_process_defaults\n"
            "apply_process_defaults('worker')\n"
            "from tqdm import tqdm\n"
            "for _ in tqdm(range(50)): pass\n"
        )
        env = {k: v for k, v in os.environ.items() if k != "TQDM_DISABLE"}
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env=env | {"PYTHONPATH": str(REPO)},
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        assert done.stderr == ""
