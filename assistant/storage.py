"""Content-addressed file storage for uploads and derived images.

Keys are the sha256 of the content, so identical files are stored once and a key
always names the same bytes. :class:`LocalStorage` is the embedded default; an
object store can implement :class:`Storage` later.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from assistant.errors import NotFoundError

_CHUNK = 1 << 20


class Storage(Protocol):
    """What the application needs from a blob store."""

    def put_stream(self, stream: BinaryIO) -> tuple[str, int]:
        """Store bytes; return (key, size)."""
        ...

    def put_file(self, path: Path) -> tuple[str, int]:
        """Store a file's bytes; return (key, size)."""
        ...

    def path(self, key: str) -> Path:
        """A local path to read the stored bytes."""
        ...

    def exists(self, key: str) -> bool:
        """Whether the key is stored."""
        ...


class LocalStorage:
    """Files under ``root/ab/cd/<sha256>``, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def _target(self, key: str) -> Path:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise NotFoundError("Stored file not found.")
        return self.root / key[:2] / key[2:4] / key

    def put_stream(self, stream: BinaryIO) -> tuple[str, int]:
        """Copy a stream into storage, hashing as it goes."""
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as tmp:
                while chunk := stream.read(_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    tmp.write(chunk)
                tmp.flush()
                os.fsync(tmp.fileno())
            key = digest.hexdigest()
            target = self._target(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                os.unlink(tmp_name)
            else:
                os.replace(tmp_name, target)
            return key, size
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise

    def put_file(self, path: Path) -> tuple[str, int]:
        """Copy a local file into storage."""
        with path.open("rb") as fh:
            return self.put_stream(fh)

    def path(self, key: str) -> Path:
        """The stored file's path; raises NotFoundError when absent."""
        target = self._target(key)
        if not target.exists():
            raise NotFoundError("Stored file not found.")
        return target

    def exists(self, key: str) -> bool:
        """Whether the key is stored."""
        try:
            return self._target(key).exists()
        except NotFoundError:
            return False

    def copy_to(self, key: str, dest: Path) -> Path:
        """Copy stored bytes to ``dest`` (used to hand files to the imaging library)."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path(key), dest)
        return dest
