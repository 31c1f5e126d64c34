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
