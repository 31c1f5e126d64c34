"""Database storage: content-addressed files as 1 MiB chunks in the application's database.

``storage.mode = "database"`` keeps uploads and derived images in PostgreSQL (``bytea``
rows of :class:`~assistant.db.models.StoredChunk`), so app and worker hosts share files
without a shared disk. Writes stream: each chunk is inserted as it is read, under a
staging key, and renamed to the content hash in the same transaction that records the
:class:`~assistant.db.models.StoredObject`; an interrupted upload leaves nothing behind.
Reads stream too: :meth:`DatabaseStorage.open` fetches one chunk at a time, so a 500 MB
study never sits whole in memory. It also works on SQLite (for tests of the code path),
where it has no advantage over files.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, cast

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from assistant.db.base import utcnow
from assistant.db.models import StoredChunk, StoredObject
from assistant.errors import NotFoundError
from assistant.storage import check_key, is_key, temporary_copy

CHUNK_BYTES = 1 << 20


class _ChunkReader(io.RawIOBase):
    """A seekable stream over one object's chunks, holding at most one chunk in memory."""

    def __init__(self, engine: Engine, key: str, size: int, chunk_bytes: int) -> None:
        super().__init__()
        self._engine, self._key, self._size, self._chunk_bytes = engine, key, size, chunk_bytes
        self._pos = 0
        self._seq = -1
        self._data = b""

    @property
    def name(self) -> str:
        """What libraries that record a file's name (pydicom) see: the key, never a path."""
        return f"stored:{self._key}"

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def _load(self, seq: int) -> bytes:
        if seq != self._seq:
            with self._engine.connect() as conn:
                data = conn.scalar(
                    select(StoredChunk.data).where(StoredChunk.key == self._key, StoredChunk.seq == seq)
                )
            if data is None:
                raise NotFoundError("Stored file is incomplete.")
            self._seq, self._data = seq, bytes(data)
        return self._data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._pos >= self._size:
            return 0
        seq, offset = divmod(self._pos, self._chunk_bytes)
        data = self._load(seq)[offset:]
        n = min(len(buffer), len(data))
        buffer[:n] = data[:n]
        self._pos += n
        return n


class DatabaseStorage:
    """Content-addressed objects in ``storage_objects`` / ``storage_chunks``."""

    def __init__(self, engine: Engine, chunk_bytes: int = CHUNK_BYTES) -> None:
        self.engine = engine
        self.chunk_bytes = chunk_bytes

    def put_stream(self, stream: BinaryIO) -> tuple[str, int]:
        """Insert the stream chunk by chunk, hashing as it goes; one transaction in all."""
        with self.engine.begin() as conn:
            return insert_stream(conn, stream, self.chunk_bytes)

    def put_file(self, path: Path) -> tuple[str, int]:
        """Store a local file's bytes."""
        with path.open("rb") as fh:
            return self.put_stream(fh)

    def _object(self, key: str) -> tuple[int, int]:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(StoredObject.size_bytes, StoredObject.chunk_bytes).where(
                    StoredObject.key == check_key(key)
                )
            ).first()
        if row is None:
            raise NotFoundError("Stored file not found.")
        return int(row[0]), int(row[1])

    def exists(self, key: str) -> bool:
        """Whether the key is stored."""
        if not is_key(key):
            return False
        with self.engine.connect() as conn:
            return conn.scalar(select(StoredObject.key).where(StoredObject.key == key)) is not None

    def size(self, key: str) -> int:
        """The stored size in bytes."""
        return self._object(key)[0]

    @contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        """A buffered, seekable stream that fetches one chunk at a time."""
        size, chunk_bytes = self._object(key)
        raw = _ChunkReader(self.engine, key, size, chunk_bytes)
        with io.BufferedReader(raw, buffer_size=min(chunk_bytes, 1 << 16)) as fh:
            yield cast(BinaryIO, fh)

    @contextmanager
    def local_copy(self, key: str, suffix: str = "") -> Iterator[Path]:
        """A temporary local file with the bytes, removed when the block ends."""
        with temporary_copy(self, key, suffix) as path:
            yield path

    def copy_to(self, key: str, dest: Path) -> Path:
        """Stream the stored bytes into ``dest``."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        with self.open(key) as src, dest.open("wb") as out:
            while chunk := src.read(self.chunk_bytes):
                out.write(chunk)
        return dest


def insert_stream(conn: Connection, stream: BinaryIO, chunk_bytes: int = CHUNK_BYTES) -> tuple[str, int]:
    """Store a stream on ``conn`` (inside the caller's transaction); returns (key, size).

    Chunks go in under a staging key as they are read; once the hash is known the object
    row is added (or found: the same bytes stored before, or by a concurrent upload that
    PostgreSQL makes this insert wait for) and the chunks are renamed or dropped.
    """
    digest = hashlib.sha256()
    staging = f"~{uuid.uuid4().hex}"
    size = seq = 0
    while chunk := _read_full(stream, chunk_bytes):
        digest.update(chunk)
        size += len(chunk)
        conn.execute(insert(StoredChunk).values(key=staging, seq=seq, data=chunk))
        seq += 1
    key = digest.hexdigest()
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    add = dialect.insert(StoredObject).on_conflict_do_nothing(index_elements=["key"])
    row = {"key": key, "size_bytes": size, "chunk_bytes": chunk_bytes, "created_at": utcnow()}
    if conn.execute(add.values(**row).returning(StoredObject.key)).first() is not None:
        conn.execute(update(StoredChunk).where(StoredChunk.key == staging).values(key=key))
    else:
        conn.execute(delete(StoredChunk).where(StoredChunk.key == staging))
    return key, size


def _read_full(stream: BinaryIO, n: int) -> bytes:
    """Up to ``n`` bytes (fewer only at the end), so every chunk but the last is full size."""
    parts: list[bytes] = []
    got = 0
    while got < n:
        part = stream.read(n - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)
