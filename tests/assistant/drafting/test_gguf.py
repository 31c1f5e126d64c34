"""Tests for assembling and verifying the packaged GGUF."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assistant.drafting import gguf
from assistant.drafting.errors import ModelAssetError
from imaging.checksums import sha256_file


@pytest.mark.slow
class TestEnsureGGUF:
    """The GGUF is assembled once, verified, and repaired when corrupt."""

    def test_assembled_digest(self, gguf_path: Path) -> None:
        """The assembled file has the package's recorded sha256 and a stamp."""
        assert gguf_path.name == gguf.model_file_name()
        assert sha256_file(gguf_path) == gguf.expected_sha256()
        assert gguf_path.with_name(gguf_path.name + ".verified").is_file()

    def test_reuses_and_repairs(self, gguf_path: Path, tmp_path: Path) -> None:
        """An unchanged file is reused; a corrupted one is assembled again."""
        target = tmp_path / gguf_path.name
        shutil.copyfile(gguf_path, target)
        first = gguf.ensure_gguf(tmp_path)
        mtime = os.stat(first).st_mtime_ns
        assert gguf.ensure_gguf(tmp_path).stat().st_mtime_ns == mtime
        with target.open("r+b") as handle:
            handle.seek(1000)
            handle.write(b"\x00corrupt\x00")
        repaired = gguf.ensure_gguf(tmp_path)
        assert gguf.verify_gguf(repaired) == gguf.expected_sha256()

    def test_verify_rejects_wrong_file(self, tmp_path: Path) -> None:
        """A file with another digest is refused, naming both digests."""
        bogus = tmp_path / "x.gguf"
        bogus.write_bytes(b"GGUF")
        with pytest.raises(ModelAssetError, match="expected"):
            gguf.verify_gguf(bogus)
        with pytest.raises(ModelAssetError, match="not found"):
            gguf.verify_gguf(tmp_path / "absent.gguf")
