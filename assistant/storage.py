"""Content-addressed file storage for uploads and derived images.

Keys are the sha256 of the content, so identical files are stored once and a key
always names the same bytes. Rows keep keys, never paths, so any host can read a file
through whichever backend the settings choose:

- :class:`LocalStorage` (``storage.mode = "local"``, the embedded default): files under
  one folder; several hosts need that folder shared.
- :class:`assistant.storage_db.DatabaseStorage` (``storage.mode = "database"``): bytes in
  1 MiB rows of the application's database, so every host that reaches PostgreSQL reads
  every file without a shared disk.

Callers read with :meth:`Storage.open` (a stream) or :meth:`Storage.local_copy` (a
path for libraries that need one, removed afterwards); nothing outside this module and
its backends knows where bytes live.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

from assistant.errors import NotFoundError

_CHUNK = 1 << 20


def is_key(value: str) -> bool:
    """Whether ``value`` has the shape of a storage key (64 lower-case hex digits)."""
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def check_key(key: str) -> str:
    """``key`` itself, or NotFoundError (a malformed key names no stored file)."""
    if not is_key(key):
        raise NotFoundError("Stored file not found.")
    return key


class Storage(Protocol):
    """What the application needs from a blob store."""

    def put_stream(self, stream: BinaryIO) -> tuple[str, int]:
        """Store bytes; return (key, size)."""
        ...

    def put_file(self, path: Path) -> tuple[str, int]:
        """Store a file's bytes; return (key, size)."""
        ...

    def exists(self, key: str) -> bool:
        """Whether the key is stored."""
        ...

    def size(self, key: str) -> int:
        """The stored size in bytes; NotFoundError when absent."""
        ...

    def open(self, key: str) -> AbstractContextManager[BinaryIO]:
        """A readable, seekable binary stream of the stored bytes; NotFoundError when absent."""
        ...

    def local_copy(self, key: str, suffix: str = "") -> AbstractContextManager[Path]:
        """A local file with the stored bytes for the ``with`` block (removed afterwards if temporary)."""
        ...

    def copy_to(self, key: str, dest: Path) -> Path:
        """Write the stored bytes to ``dest`` (a file the caller owns)."""
        ...


def read_bytes(storage: Storage, key: str) -> bytes:
    """All stored bytes of a small object (images, DICOM instances); use ``open`` for big ones."""
    with storage.open(key) as fh:
        return fh.read()


class LocalStorage:
    """Files under ``root/ab/cd/<sha256>``, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def _target(self, key: str) -> Path:
        check_key(key)
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
        """The stored file's path (local backend only); raises NotFoundError when absent."""
        target = self._target(key)
        if not target.exists():
            raise NotFoundError("Stored file not found.")
        return target

    def exists(self, key: str) -> bool:
        """Whether the key is stored."""
        return is_key(key) and self._target(key).exists()

    def size(self, key: str) -> int:
        """The stored size in bytes."""
        return self.path(key).stat().st_size

    @contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        """The stored file, opened for reading."""
        with self.path(key).open("rb") as fh:
            yield fh

    @contextmanager
    def local_copy(self, key: str, suffix: str = "") -> Iterator[Path]:  # noqa: ARG002
        """The stored file itself: it is already local, and content-addressed files are never rewritten."""
        yield self.path(key)

    def copy_to(self, key: str, dest: Path) -> Path:
        """Copy stored bytes to ``dest``."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path(key), dest)
        return dest


@contextmanager
def temporary_copy(storage: Storage, key: str, suffix: str = "") -> Iterator[Path]:
    """Stream a stored object into a private temporary file; remove it when the block ends.

    For backends whose bytes are not on this host's disk, and for libraries (pydicom on a
    zip, pypdf) that want a path.
    """
    fd, name = tempfile.mkstemp(prefix="stored-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as out, storage.open(key) as src:
            shutil.copyfileobj(src, out, _CHUNK)
        yield Path(name)
    finally:
        if os.path.exists(name):
            os.unlink(name)


def copy_all(source: LocalStorage, target: Storage) -> tuple[int, int, int]:
    """Copy every stored file of a local store into ``target``; returns (copied, skipped, bytes).

    Keys are content hashes, so they are the same in both stores and no row changes.
    """
    copied = skipped = size = 0
    for path in sorted(source.root.glob("??/??/*")):
        if not is_key(path.name) or not path.is_file():
            continue
        if target.exists(path.name):
            skipped += 1
            continue
        key, n = target.put_file(path)
        if key != path.name:
            raise ValueError(f"{path} does not hash to its name: the local store is damaged")
        copied, size = copied + 1, size + n
    return copied, skipped, size
