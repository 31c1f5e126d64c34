"""SHA-256 of files and of canonical JSON: the one hashing helper of the code base.

It lives in ``imaging`` because that is the lowest package that hashes files (weight
checksums) and the application already depends on it; it imports nothing of the project,
so the application's storage and signatures can use it without pulling in the imaging
models.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """The hex SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def canonical_json_sha256(payload: Any, *, ascii_only: bool) -> str:
    """The hex SHA-256 of ``payload`` as canonical JSON (sorted keys, no spaces).

    Values JSON cannot represent are written with ``str()``.

    Args:
        payload: JSON-able data.
        ascii_only: Escape non-ASCII characters (``\\u2019``) rather than writing them as
            UTF-8. Each stored hash was written with one choice and must keep it to verify:
            the audit chain escapes, a signed draft's content fingerprint does not.
    """
    canonical = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=ascii_only, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
