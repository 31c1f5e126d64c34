"""`second-opinion cases create --intake FILE.json` takes a whole intake record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.context import AppContext
from assistant.db.models import Case
from assistant.settings import Settings

runner = CliRunner()
VIGNETTE = Path(__file__).resolve().parents[2] / "data/vignettes/v02.json"


class TestCasesCreateIntake:
    """The whole record is stored; overrides apply; bad files are refused clearly."""

    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        s = Settings(environment="test", data_dir=tmp_path / "data")
        assert runner.invoke(app, ["db", "upgrade"], obj=s).exit_code == 0
        added = runner.invoke(
            app,
            ["users", "add", "pat", "--role", "patient", "--password-stdin"],
            obj=s,
            input="a-long-password\n",
        )
        assert added.exit_code == 0, added.output
        return s

    def test_vignette_file(self, settings: Settings) -> None:
        """A vignette's intake (age, sex, symptoms, medications) lands on the case unchanged."""
        result = runner.invoke(
            app,
            ["cases", "create", "--patient", "pat", "--intake", str(VIGNETTE), "--consented", "--no-submit"],
            obj=settings,
        )
        assert result.exit_code == 0, result.output
        case_id = result.output.strip().splitlines()[-1]
        with AppContext(settings).db.session() as s:
            case = s.get(Case, case_id)
            assert case is not None
            expected = json.loads(VIGNETTE.read_text())["intake"]
            assert case.intake["age"] == 4
            assert case.intake["medications"] == expected["medications"]
            assert case.intake["symptoms"][0]["description"] == expected["symptoms"][0]["description"]
            assert case.intake["main_question"] == expected["main_question"]

    def test_override_and_refusals(self, settings: Settings, tmp_path: Path) -> None:
        """--question overrides the file; an unknown field and a missing question are refused."""
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({"diagnosis_in_question": "asthma", "shoe_size": 9}))
        refused = runner.invoke(
            app, ["cases", "create", "--patient", "pat", "--intake", str(bad), "--consented"], obj=settings
        )
        assert refused.exit_code == 1 and "invalid intake record" in refused.output
        partial = tmp_path / "partial.json"
        partial.write_text(json.dumps({"diagnosis_in_question": "asthma", "age": 30}))
        missing = runner.invoke(
            app,
            ["cases", "create", "--patient", "pat", "--intake", str(partial), "--consented"],
            obj=settings,
        )
        assert missing.exit_code == 1 and "main_question" in missing.output
        ok = runner.invoke(
            app,
            [
                "cases",
                "create",
                "--patient",
                "pat",
                "--intake",
                str(partial),
                "--question",
                "Is it right?",
                "--consented",
                "--no-submit",
            ],
            obj=settings,
        )
        assert ok.exit_code == 0, ok.output
