"""`second-opinion worker`: options, and refusing to start without its database or broker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer

from assistant.cli.worker_cmd import parse_queues
from assistant.db.base import Database
from assistant.jobs.preflight import WorkerStartError, check_broker, check_database
from assistant.settings import Settings
from tests.assistant.jobs.test_workers import REDIS_URL, _redis_available
from tests.conftest import service_missing

UNREACHABLE_PG = "postgresql+psycopg://app:secret@127.0.0.1:1/app"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def _run_worker(
    tmp_path: Path, env: dict[str, str], *args: str, wait_s: float = 60
) -> tuple[int | None, str, str]:
    """Start a real worker process; returns (exit code or None if still running, stdout, stderr)."""
    full_env = {
        **os.environ,
        "SECOND_OPINION_ENVIRONMENT": "test",
        "SECOND_OPINION_DATA_DIR": str(tmp_path / "data"),
        "SECOND_OPINION_LLM__MODE": "mock",
        **env,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "worker", *args],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = proc.communicate(timeout=wait_s)
        return proc.returncode, out, err
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return None, out, err


class TestParseQueues:
    @pytest.mark.parametrize(
        ("value", "stages"),
        [
            ("imaging,drafting", ["imaging", "drafting"]),
            ("checks, retrieval", ["retrieval", "checks"]),
            ("imaging,retrieval,drafting,checks", ["imaging", "retrieval", "drafting", "checks"]),
        ],
    )
    def test_known_stages(self, value: str, stages: list[str]) -> None:
        """Stages come back in pipeline order."""
        assert parse_queues(value) == stages

    @pytest.mark.parametrize("value", ["gpu", "imaging,llm", ""])
    def test_unknown_stage_is_refused(self, value: str) -> None:
        """A queue that is not a stage is refused with the list of stages."""
        with pytest.raises(typer.BadParameter, match="choose from imaging,retrieval,drafting,checks"):
            parse_queues(value)


class TestPreflight:
    def test_unreachable_database_names_the_setting(self, tmp_path: Path) -> None:
        """A refused database connection names SECOND_OPINION_DATABASE__URL, never the password."""
        settings = Settings(environment="test", data_dir=tmp_path, database={"url": UNREACHABLE_PG})  # type: ignore[arg-type]
        with pytest.raises(WorkerStartError, match="SECOND_OPINION_DATABASE__URL") as info:
            check_database(settings)
        assert "secret" not in str(info.value) and "127.0.0.1:1" in str(info.value)

    def test_unmigrated_database_says_upgrade(self, tmp_path: Path) -> None:
        """An empty database is reachable but not usable: the error says to run db upgrade."""
        settings = Settings(
            environment="test", data_dir=tmp_path, database={"url": f"sqlite:///{tmp_path}/empty.db"}
        )  # type: ignore[arg-type]
        with pytest.raises(WorkerStartError, match="db upgrade"):
            check_database(settings)

    def test_migrated_database_passes(self, tmp_path: Path, db: Database) -> None:
        """The test database (migrated) passes."""
        url = db.engine.url.render_as_string(hide_password=False)
        check_database(Settings(environment="test", data_dir=tmp_path, database={"url": url}))  # type: ignore[arg-type]

    def test_unreachable_broker_names_the_setting(self, tmp_path: Path) -> None:
        """A refused broker connection names SECOND_OPINION_JOBS__BROKER_URL."""
        settings = Settings(environment="test", data_dir=tmp_path, jobs={"broker_url": UNREACHABLE_REDIS})  # type: ignore[arg-type]
        with pytest.raises(WorkerStartError, match="SECOND_OPINION_JOBS__BROKER_URL"):
            check_broker(settings)

    def test_reachable_broker_passes(self, tmp_path: Path) -> None:
        """The test Redis passes."""
        if not _redis_available():
            service_missing("redis", f"Redis is not reachable at {REDIS_URL}")
        check_broker(Settings(environment="test", data_dir=tmp_path, jobs={"broker_url": REDIS_URL}))  # type: ignore[arg-type]


@pytest.mark.slow
class TestWorkerStart:
    def test_refuses_without_database(self, tmp_path: Path) -> None:
        """No database: non-zero exit, the setting named, and no 'ready'."""
        code, out, err = _run_worker(tmp_path, {"SECOND_OPINION_DATABASE__URL": UNREACHABLE_PG})
        assert code == 2, (out, err)
        assert "SECOND_OPINION_DATABASE__URL" in err and "Traceback" not in err
        assert "ready" not in (out + err).lower().replace("already", "")

    def test_refuses_without_broker(self, tmp_path: Path, db: Database) -> None:
        """Celery mode, database fine, broker down: non-zero exit naming the broker setting, no 'ready'."""
        env = {
            "SECOND_OPINION_DATABASE__URL": db.engine.url.render_as_string(hide_password=False),
            "SECOND_OPINION_JOBS__MODE": "celery",
            "SECOND_OPINION_JOBS__BROKER_URL": UNREACHABLE_REDIS,
        }
        code, out, err = _run_worker(tmp_path, env, "--queues", "imaging", "--name", "gpu1")
        assert code == 2, (out, err)
        assert "SECOND_OPINION_JOBS__BROKER_URL" in err and "Traceback" not in err
        assert "ready" not in (out + err).lower().replace("already", "")

    def test_ready_with_options(self, tmp_path: Path, db: Database) -> None:
        """Both reachable: the worker says ready with its name, queues and concurrency."""
        env = {"SECOND_OPINION_DATABASE__URL": db.engine.url.render_as_string(hide_password=False)}
        started = time.monotonic()
        code, out, _ = _run_worker(
            tmp_path, env, "--queues", "imaging,drafting", "--concurrency", "2", "--name", "gpu1", wait_s=20
        )
        assert code is None, f"worker exited {code} after {time.monotonic() - started:.0f} s"
        assert "worker gpu1@" in out and "ready: 2 runner(s)" in out and "imaging,drafting" in out

    def test_unknown_queue_exits_non_zero(self, tmp_path: Path) -> None:
        """A misspelt queue is a usage error, before anything starts."""
        code, _, err = _run_worker(tmp_path, {}, "--queues", "gpu")
        assert code == 2 and "--queues" in err
