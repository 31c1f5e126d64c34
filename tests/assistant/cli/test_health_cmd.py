"""`second-opinion health`: each component with the operator's detail; exit 1 when one fails."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.settings import Settings
from tests.assistant.health.conftest import free_port

runner = CliRunner()


class TestHealthCommand:
    def test_ready_host_exits_zero(self, tmp_path: Path, knowledge_dir: Path) -> None:
        """Migrated SQLite, ingested knowledge, mock LLM: every line 'ok', exit 0."""
        settings = Settings(
            environment="test",
            data_dir=tmp_path / "data",
            llm={"mode": "mock"},  # type: ignore[arg-type]
            knowledge={"chroma_path": knowledge_dir},  # type: ignore[arg-type]
        )
        assert runner.invoke(app, ["db", "upgrade"], obj=settings).exit_code == 0
        result = runner.invoke(app, ["health"], obj=settings)
        assert result.exit_code == 0, result.output
        assert [line.split()[0] for line in result.output.splitlines()] == ["ok"] * 6

    def test_failing_llm_server_is_explained(self, tmp_path: Path, knowledge_dir: Path) -> None:
        """The failing line names the server's URL, the setting and the fix; exit 1."""
        url = f"http://127.0.0.1:{free_port()}/v1"
        settings = Settings(
            environment="test",
            data_dir=tmp_path / "data",
            llm={"mode": "openai_compatible", "base_url": url},  # type: ignore[arg-type]
            knowledge={"chroma_path": knowledge_dir},  # type: ignore[arg-type]
        )
        runner.invoke(app, ["db", "upgrade"], obj=settings)
        result = runner.invoke(app, ["health"], obj=settings)
        assert result.exit_code == 1
        (failing,) = [line for line in result.output.splitlines() if line.startswith("FAIL")]
        assert " llm " in failing and url in failing and "SECOND_OPINION_LLM__BASE_URL" in failing
        assert "export-gguf" in failing
