"""Migrations: several instances started together on an empty PostgreSQL database all succeed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.db.base import make_engine
from assistant.db.migrate import current
from tests.conftest import REPO, fresh_postgres_database

RACERS = 4


@pytest.fixture
def empty_database() -> Iterator[str]:
    """A brand-new PostgreSQL database with no tables; its URL."""
    with fresh_postgres_database("migrate_race") as url:
        yield url


@pytest.mark.postgres
class TestConcurrentUpgrade:
    def test_racing_processes_all_succeed(self, empty_database: str, tmp_path: Path) -> None:
        """Four processes released together migrate one empty database; all exit 0, schema at head."""
        go = tmp_path / "go"
        env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1")
        racers = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.assistant.db.migrate_racer", empty_database, str(go)],
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(RACERS)
        ]
        for racer in racers:
            assert racer.stdout is not None
            assert racer.stdout.readline().strip() == "ready", racer.stderr.read() if racer.stderr else ""
        go.touch()
        outcomes = [racer.communicate(timeout=120) for racer in racers]
        failures = [
            err[-1500:] for racer, (_out, err) in zip(racers, outcomes, strict=True) if racer.returncode
        ]
        assert not failures, failures
        engine = make_engine(empty_database)
        try:
            from alembic.script import ScriptDirectory

            from assistant.db.migrate import alembic_config

            head = ScriptDirectory.from_config(alembic_config(empty_database)).get_current_head()
            assert current(engine) == head
        finally:
            engine.dispose()
