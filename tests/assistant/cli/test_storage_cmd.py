"""`second-opinion storage copy-local`: switching an installation from local files to database storage."""

from __future__ import annotations

import io
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli.storage_cmd import app
from assistant.db.base import make_engine
from assistant.db.migrate import upgrade
from assistant.settings import Settings
from assistant.storage import LocalStorage, read_bytes
from assistant.storage_db import DatabaseStorage


class TestCopyLocal:
    def test_copies_once_with_the_same_keys(self, tmp_path: Path) -> None:
        """Every local file lands in the database under its key; a second run copies nothing."""
        local = LocalStorage(tmp_path / "data" / "storage")
        keys = [local.put_stream(io.BytesIO(bytes([n]) * 70_000))[0] for n in range(3)]
        url = f"sqlite:///{tmp_path / 'app.db'}"
        engine = make_engine(url)
        upgrade(engine)
        settings = Settings(
            environment="test",
            data_dir=tmp_path / "data",
            database={"url": url},
            storage={"mode": "database"},
        )  # type: ignore[arg-type]
        runner = CliRunner()
        result = runner.invoke(app, ["copy-local"], obj=settings)
        assert result.exit_code == 0, result.output
        assert "copied 3 files (0.2 MB)" in result.output
        store = DatabaseStorage(engine)
        assert [read_bytes(store, k) for k in keys] == [bytes([n]) * 70_000 for n in range(3)]
        again = runner.invoke(app, ["copy-local"], obj=settings)
        assert "copied 0 files" in again.output and "3 were already in the database" in again.output
        engine.dispose()

    def test_refused_in_local_mode(self, tmp_path: Path) -> None:
        """Copying into 'the database' while storage.mode is local is refused with the setting to change."""
        result = CliRunner().invoke(app, ["copy-local"], obj=Settings(environment="test", data_dir=tmp_path))
        assert result.exit_code == 2
        assert "SECOND_OPINION_STORAGE__MODE=database" in result.output
