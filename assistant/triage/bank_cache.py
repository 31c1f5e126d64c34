"""The exemplar bank's embeddings kept on disk, so a process start does not embed the bank again.

Embedding the bank (several hundred exemplars) is most of the time it takes to build the
triage. The vectors are stored under the data directory in one ``.npy`` file named by a
SHA-256 key over the embedding model's fingerprint and the exemplar texts in order: a new
model, an edited exemplar or a reordered bank gives a new key, so a stale file is never
read; it is replaced (older files of the same kind are removed) the next time the bank is
embedded. An embedder without a fingerprint is never cached.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the semantic layer imports this module
    from assistant.triage.semantic import TextEmbedder, Vectors

log = logging.getLogger(__name__)
_PREFIX = "triage-exemplars-"
_SMALL = 1 << 20  # files up to this size are hashed whole; larger ones by name, size and time


def model_fingerprint(embedder: TextEmbedder) -> str | None:
    """What identifies the embedder's model: its ``fingerprint`` attribute, or its model folder.

    A folder is fingerprinted by every file's relative path, size and modification time, and
    the content of its small files (configuration, tokenizer), so replacing the weights or
    the configuration changes it. ``None`` when the embedder names neither.
    """
    given = getattr(embedder, "fingerprint", None)
    if isinstance(given, str) and given:
        return given
    path = getattr(embedder, "path", None)
    if path is None or not Path(str(path)).is_dir():
        return None
    root = Path(str(path))
    h = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        stat = f.stat()
        h.update(f"{f.relative_to(root).as_posix()}\0{stat.st_size}\0".encode())
        if stat.st_size <= _SMALL:
            h.update(f.read_bytes())
        else:
            h.update(str(stat.st_mtime_ns).encode())
    return h.hexdigest()


def cache_key(fingerprint: str, texts: Sequence[str]) -> str:
    """The key of one bank's vectors: the model fingerprint and the texts, in order."""
    h = hashlib.sha256(fingerprint.encode())
    for text in texts:
        h.update(b"\0" + text.encode())
    return h.hexdigest()


def embed_bank(embedder: TextEmbedder, texts: Sequence[str], cache_dir: Path | None) -> Vectors:
    """The embeddings of ``texts``, read from ``cache_dir`` when a file for this model and bank is there.

    Without a cache folder or a model fingerprint this is ``embedder.embed(texts)``. A file
    that cannot be read or has the wrong shape is ignored and written again.
    """
    fingerprint = model_fingerprint(embedder) if cache_dir is not None else None
    if cache_dir is None or fingerprint is None:
        return embedder.embed(list(texts))
    path = cache_dir / f"{_PREFIX}{cache_key(fingerprint, texts)[:32]}.npy"
    try:
        cached = np.load(path, allow_pickle=False)
        if cached.ndim == 2 and cached.shape[0] == len(texts) and cached.dtype == np.float32:
            out: Vectors = cached
            return out
        log.warning("triage bank cache %s has the wrong shape; embedding again", path.name)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as e:
        log.warning("triage bank cache %s is unreadable (%s); embedding again", path.name, e)
    vectors = np.asarray(embedder.embed(list(texts)), dtype=np.float32)
    _write(path, vectors)
    return vectors


def _write(path: Path, vectors: Vectors) -> None:
    """Store atomically (a half-written file is never read) and drop older banks' files."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            np.save(f, vectors, allow_pickle=False)
        os.replace(tmp, path)
        for old in path.parent.glob(f"{_PREFIX}*.npy"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as e:  # a read-only data folder only costs the next start its time
        log.warning("cannot store the triage bank cache in %s (%s)", path.parent, e)
