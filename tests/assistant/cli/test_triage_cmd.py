"""`second-opinion triage check` and `evaluate`: one result per line, JSON lines, the table."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.settings import Settings

runner = CliRunner()


def _invoke(settings: Settings, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["triage", *args], obj=settings)


class TestTriageCommand:
    def test_check_texts(self, settings: Settings) -> None:
        """Each argument gets one line: the verdict, the text and the evidence."""
        result = _invoke(settings, "check", "--rules-only", "I can't breathe", "what is pneumonia?")
        assert result.exit_code == 0, result.output
        first, second = result.output.strip().splitlines()
        assert first.startswith("EMERGENCY respiratory") and second.startswith("ok")

    def test_check_file_as_json(self, settings: Settings, tmp_path: Path) -> None:
        """With --file and --json: one JSON object per input line with the required keys."""
        lines = ["my husband collapsed", "I had a stroke in 2015", "crushing chest pain down my arm"]
        source = tmp_path / "messages.txt"
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = _invoke(settings, "check", "--rules-only", "--file", str(source), "--json")
        assert result.exit_code == 0, result.output
        rows = [json.loads(line) for line in result.output.strip().splitlines()]
        assert [r["text"] for r in rows] == lines
        assert [r["emergency"] for r in rows] == [True, False, True]
        assert {"text", "emergency", "category", "score", "evidence"} <= set(rows[0])

    def test_check_needs_input(self, settings: Settings) -> None:
        """Without texts or a file the command says what it needs."""
        result = _invoke(settings, "check")
        assert result.exit_code != 0 and "give texts or --file" in result.output

    def test_evaluate_prints_the_table(self, settings: Settings, tmp_path: Path) -> None:
        """The table has a row per category and the overall recall and false-alarm rate."""
        labelled = tmp_path / "set.jsonl"
        rows = [
            {"text": "he is not breathing", "emergency": True, "category": "respiratory"},
            {"text": "what is asthma?", "emergency": False, "category": "respiratory"},
        ]
        labelled.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
        result = _invoke(settings, "evaluate", "--rules-only", str(labelled))
        assert result.exit_code == 0, result.output
        assert "respiratory" in result.output and "ALL" in result.output and "100.0%" in result.output
