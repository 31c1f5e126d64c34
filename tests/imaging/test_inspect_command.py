"""`second-opinion imaging inspect`: JSON summary and previews."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli.imaging_cmd import app
from assistant.settings import load_settings
from tests.imaging.conftest import HIGHDICOM, SIIM_M2, require


class TestInspectCommand:
    """The inspect command prints de-identified JSON and writes previews."""

    def test_radiograph_json_and_preview(self, tmp_path: Path) -> None:
        """A CR file prints its kind, view and removals, and one preview PNG."""
        runner = CliRunner()
        result = runner.invoke(
            app,
            ["inspect", str(require(SIIM_M2)), "--previews", str(tmp_path)],
            obj=load_settings(),
        )
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)
        (obj,) = summary["objects"]
        assert (obj["kind"], obj["view"], obj["stored_path"]) == ("cxr", "PA", None)
        assert "PatientName" in obj["deid_removed"]
        assert "original_identifiers" not in summary
        assert summary["description"] == "We found a chest X-ray series of 1 image."
        assert [Path(p).suffix for p in summary["previews"]] == [".png"]
        assert Path(summary["previews"][0]).is_file()

    def test_folder_with_non_images(self) -> None:
        """SEG and SR objects are listed; the README is a plain-words problem."""
        result = CliRunner().invoke(app, ["inspect", str(require(HIGHDICOM))], obj=load_settings())
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)
        assert sorted(o["kind"] for o in summary["objects"]) == ["ct", "cxr", "non_image", "non_image"]
        assert "README.md: this file is not a medical image." in summary["problems"]

    def test_missing_path_exits_2(self, tmp_path: Path) -> None:
        """A path that does not exist exits with code 2 and a message."""
        result = CliRunner().invoke(app, ["inspect", str(tmp_path / "none")], obj=load_settings())
        assert result.exit_code == 2
