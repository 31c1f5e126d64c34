"""`second-opinion knowledge ...` commands, driven through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.knowledge_cmd import app
from assistant.settings import Settings
from knowledge import pack_path

pytestmark = pytest.mark.slow


class TestKnowledgeCommands:
    """ingest, search, stats and delete on a temporary data directory."""

    def test_ingest_search_stats_delete(self, tmp_path: Path) -> None:
        """A note is ingested, found with its citation, counted, then deleted."""
        runner = CliRunner()
        settings = Settings(data_dir=tmp_path)
        note = pack_path() / "ct-radiation-dose.md"
        result = runner.invoke(app, ["ingest", str(note)], obj=settings)
        assert result.exit_code == 0, result.output
        assert "1 documents (1 added" in result.output

        result = runner.invoke(
            app, ["search", "effective dose of a chest CT in mSv", "-k", "2"], obj=settings
        )
        assert result.exit_code == 0, result.output
        assert result.output.startswith("[1] Radiation dose from chest X-rays and CT scans")

        result = runner.invoke(app, ["stats"], obj=settings)
        stats = json.loads(result.output)
        assert stats["documents"] == 1 and stats["vectors"] == stats["chunks"] > 1
        assert stats["chroma_path"] == str(tmp_path / "chroma")

        result = runner.invoke(app, ["delete", "pack:ct-radiation-dose"], obj=settings)
        assert f"removed {stats['chunks']} chunks" in result.output

    def test_ingest_reports_bad_files(self, tmp_path: Path) -> None:
        """Ingesting only a malformed file exits non-zero and names the file and the problem."""
        bad = tmp_path / "bad.xml"
        bad.write_text("<Document>", encoding="utf-8")
        result = CliRunner().invoke(app, ["ingest", str(bad)], obj=Settings(data_dir=tmp_path))
        assert result.exit_code == 1
        assert "bad.xml: malformed XML" in result.output


class TestEmptyOrStaleIndex:
    """`knowledge search`, `status` and `reindex` when a host's lexical index is missing."""

    def test_sqlite_file_lost_then_reindexed(self, tmp_path: Path) -> None:
        """Search names the empty index, status fails, reindex rebuilds it from the vectors."""
        runner = CliRunner()
        settings = Settings(data_dir=tmp_path)
        note = pack_path() / "ct-radiation-dose.md"
        assert runner.invoke(app, ["ingest", str(note)], obj=settings).exit_code == 0
        for leftover in (tmp_path / "chroma").glob("knowledge.lexical.sqlite3*"):
            leftover.unlink()  # a host that never had the file

        result = runner.invoke(app, ["search", "effective dose of a chest CT in mSv"], obj=settings)
        assert "no passages found: lexical index (sqlite" in result.output
        assert "run `second-opinion knowledge reindex`" in result.output
        assert runner.invoke(app, ["status"], obj=settings).exit_code == 1

        result = runner.invoke(app, ["reindex"], obj=settings)
        assert result.exit_code == 0, result.output
        assert "knowledge index ok" in result.output
        status = runner.invoke(app, ["status"], obj=settings)
        assert status.exit_code == 0 and json.loads(status.output)["ok"] is True
        result = runner.invoke(
            app, ["search", "effective dose of a chest CT in mSv", "-k", "1"], obj=settings
        )
        assert result.output.startswith("[1] Radiation dose from chest X-rays and CT scans")

    @pytest.mark.postgres
    def test_postgres_database_means_postgres_index(self, tmp_path: Path, pg_url: str) -> None:
        """With a PostgreSQL database the lexical index lives there: a second host finds it."""
        runner = CliRunner()
        first = Settings(data_dir=tmp_path / "a", database={"url": pg_url}, knowledge={"collection": "cli"})  # type: ignore[arg-type]
        note = pack_path() / "ct-radiation-dose.md"
        assert runner.invoke(app, ["ingest", str(note)], obj=first).exit_code == 0
        # Another host: same database, its own (copied) Chroma folder, no SQLite file at all.
        import shutil

        shutil.copytree(tmp_path / "a" / "chroma", tmp_path / "b" / "chroma")
        assert not list((tmp_path / "b" / "chroma").glob("*.lexical.sqlite3"))
        second = Settings(data_dir=tmp_path / "b", database={"url": pg_url}, knowledge={"collection": "cli"})  # type: ignore[arg-type]
        status = json.loads(runner.invoke(app, ["status"], obj=second).output)
        assert status["ok"] and status["lexical_backend"] == "postgresql"
        result = runner.invoke(
            app, ["search", "effective dose of a chest CT in mSv", "-k", "1", "--mode", "lexical"], obj=second
        )
        assert result.output.startswith("[1] Radiation dose from chest X-rays and CT scans"), result.output
