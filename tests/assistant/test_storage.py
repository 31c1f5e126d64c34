"""Storage backends: local files and database chunks (SQLite and PostgreSQL), chosen by settings."""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import StoredChunk, StoredObject, Upload
from assistant.errors import NotFoundError
from assistant.settings import Settings
from assistant.storage import LocalStorage, Storage, read_bytes
from assistant.storage_db import DatabaseStorage

MB = 1024 * 1024


class _Pattern(io.RawIOBase):
    """``size`` pseudo-random bytes generated as read: a large upload that never sits in memory."""

    def __init__(self, size: int, seed: int = 0) -> None:
        super().__init__()
        self.left, self.block = size, hashlib.sha256(str(seed).encode()).digest() * 2048  # 64 KiB

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.left, len(self.block))
        buffer[:n] = self.block[:n]
        self.left -= n
        return n


def _digest(stream: io.RawIOBase) -> str:
    h = hashlib.sha256()
    while chunk := stream.read(MB):
        h.update(chunk)
    return h.hexdigest()


@pytest.fixture(params=["local", "database"])
def storage(request: pytest.FixtureRequest, db: Database, tmp_path: Path) -> Iterator[Storage]:
    """Each backend, over each database engine (the local backend ignores the database)."""
    if request.param == "local":
        yield LocalStorage(tmp_path / "store")
    else:
        yield DatabaseStorage(db.engine, chunk_bytes=64 * 1024)


class TestRoundTrip:
    def test_put_and_read(self, storage: Storage) -> None:
        """Bytes come back unchanged under their sha256, through a stream and a local copy."""
        data = os.urandom(200_000)
        key, size = storage.put_stream(io.BytesIO(data))
        assert (key, size) == (hashlib.sha256(data).hexdigest(), len(data))
        assert storage.exists(key) and storage.size(key) == len(data)
        assert read_bytes(storage, key) == data
        with storage.local_copy(key, ".bin") as path:
            assert path.read_bytes() == data

    def test_seek_across_chunks(self, storage: Storage) -> None:
        """The stream seeks like a file (pydicom and pypdf jump around), across chunk borders."""
        data = os.urandom(300_000)
        key, _ = storage.put_stream(io.BytesIO(data))
        with storage.open(key) as fh:
            fh.seek(70_000)
            assert fh.read(10_000) == data[70_000:80_000]
            fh.seek(-5, io.SEEK_END)
            assert fh.read() == data[-5:]
            fh.seek(0)
            assert fh.read(4) == data[:4]

    def test_same_bytes_stored_once(self, storage: Storage, db: Database) -> None:
        """Storing identical content twice gives the same key and keeps one copy."""
        data = os.urandom(150_000)
        first = storage.put_stream(io.BytesIO(data))
        assert storage.put_stream(io.BytesIO(data)) == first
        if isinstance(storage, DatabaseStorage):
            with db.engine.connect() as conn:
                assert conn.scalar(select(func.count()).select_from(StoredObject)) == 1
                assert conn.scalar(select(func.count()).select_from(StoredChunk)) == 3

    def test_empty_file(self, storage: Storage) -> None:
        """An empty object is a valid object (the hash of nothing)."""
        key, size = storage.put_stream(io.BytesIO(b""))
        assert size == 0 and read_bytes(storage, key) == b""

    @pytest.mark.parametrize("key", ["0" * 64, "../" + "a" * 61, "not-a-key"])
    def test_missing_or_malformed_key(self, storage: Storage, key: str) -> None:
        """A key that names nothing is 'not found', never a path outside storage."""
        assert not storage.exists(key)
        with pytest.raises(NotFoundError, match="Stored file not found"), storage.open(key):
            pass

    def test_interrupted_upload_leaves_nothing(self, storage: Storage, db: Database, tmp_path: Path) -> None:
        """A stream that fails half way stores no object and no orphan chunk or temp file."""

        class Broken(io.RawIOBase):
            sent = 0

            def readable(self) -> bool:
                return True

            def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
                if self.sent > 200_000:
                    raise OSError("connection reset by the browser")
                n = min(len(buffer), 1000)
                buffer[:n] = b"x" * n
                self.sent += n
                return n

        with pytest.raises(OSError, match="connection reset"):
            storage.put_stream(io.BufferedReader(Broken()))  # type: ignore[arg-type]
        if isinstance(storage, DatabaseStorage):
            with db.engine.connect() as conn:
                assert conn.scalar(select(func.count()).select_from(StoredChunk)) == 0
        else:
            assert not list((tmp_path / "store").glob(".incoming-*"))


class TestDatabaseStreaming:
    def test_large_upload_never_whole_in_memory(self, db: Database) -> None:
        """48 MB in and out of 1 MiB chunks with at most a few MB allocated at once."""
        store = DatabaseStorage(db.engine)
        size = 48 * MB
        expected = _digest(_Pattern(size))
        tracemalloc.start()
        try:
            key, stored = store.put_stream(io.BufferedReader(_Pattern(size)))  # type: ignore[arg-type]
            _, peak_write = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            with store.open(key) as fh:
                read = _digest(fh)  # type: ignore[arg-type]
            _, peak_read = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert (key, stored, read) == (expected, size, expected)
        assert peak_write < 8 * MB and peak_read < 8 * MB, (peak_write, peak_read)

    def test_local_copy_is_removed(self, db: Database) -> None:
        """The temporary copy a path-needing library gets is deleted when the block ends."""
        store = DatabaseStorage(db.engine)
        key, _ = store.put_stream(io.BytesIO(b"%PDF-1.4 tiny"))
        with store.local_copy(key, ".pdf") as path:
            assert path.read_bytes() == b"%PDF-1.4 tiny" and path.suffix == ".pdf"
        assert not path.exists()

    @pytest.mark.postgres
    def test_concurrent_identical_uploads(self, db: Database) -> None:
        """Two hosts storing the same bytes at once both succeed with one object kept."""
        if not db.is_postgresql:
            pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
        store = DatabaseStorage(db.engine, chunk_bytes=32 * 1024)
        data = os.urandom(500_000)
        results: list[tuple[str, int]] = []
        errors: list[BaseException] = []
        barrier = threading.Barrier(4)

        def put() -> None:
            barrier.wait()
            try:
                results.append(store.put_stream(io.BytesIO(data)))
            except BaseException as e:
                errors.append(e)

        threads = [threading.Thread(target=put) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors and len(set(results)) == 1
        with db.engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(StoredObject)) == 1
            assert conn.scalar(select(func.count()).select_from(StoredChunk)) == 16
        assert read_bytes(store, results[0][0]) == data


class TestSelectedBySettings:
    @pytest.mark.parametrize(("mode", "kind"), [("local", LocalStorage), ("database", DatabaseStorage)])
    def test_mode_picks_backend(self, mode: str, kind: type, tmp_path: Path, sqlite_db: Database) -> None:
        """``storage.mode`` alone chooses the backend."""
        settings = Settings(environment="test", data_dir=tmp_path, storage={"mode": mode})  # type: ignore[arg-type]
        assert isinstance(AppContext(settings, db=sqlite_db).storage, kind)

    def test_unknown_mode_refused(self, tmp_path: Path) -> None:
        """A typo in the mode is refused when settings load, naming the choices."""
        with pytest.raises(ValueError, match="'local' or 'database'"):
            Settings(environment="test", data_dir=tmp_path, storage={"mode": "s3"})  # type: ignore[arg-type]


class TestUploadRowsHoldKeys:
    @pytest.mark.parametrize("mode", ["local", "database"])
    def test_radiograph_upload(
        self, mode: str, db: Database, tmp_path: Path, shared_data: Path, make_user: Any
    ) -> None:
        """An upload's row names its file and previews by key; every key reads back from the backend."""
        from assistant.roles import Role
        from assistant.services import cases
        from assistant.services.uploads import process_upload

        found = sorted((shared_data / "cxr" / "kermany" / "images").glob("test_PNEUMONIA_*"))
        if not found:
            pytest.skip("no Kermany pneumonia test image")
        settings = Settings(environment="test", data_dir=tmp_path / "data", storage={"mode": mode})  # type: ignore[arg-type]
        ctx = AppContext(settings, db=db)
        patient = make_user(db, Role.PATIENT)
        with db.session() as s:
            case_id = cases.create_case(s, patient).id
        out = process_upload(ctx, patient, case_id, found[0], "cxr.jpeg", "image/jpeg")
        assert out.accepted and out.status == "ingested"
        with db.session() as s:
            (upload,) = s.scalars(select(Upload)).all()
            summary, key = upload.summary, upload.storage_key
        assert read_bytes(ctx.storage, key) == found[0].read_bytes()
        assert summary["preview_keys_shown"] and set(summary["preview_keys_shown"]) <= set(
            summary["preview_keys"]
        )
        assert all(read_bytes(ctx.storage, k).startswith(b"\x89PNG") for k in summary["preview_keys"])
        recorded = json.dumps({k: v for k, v in summary.items() if k not in ("describe", "message")})
        assert str(tmp_path) not in recorded and 'stored_path": "/' not in recorded
        assert not (settings.data_dir / "derived" / upload.id / "deid").exists()
