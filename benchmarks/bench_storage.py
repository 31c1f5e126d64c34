"""Throughput of the storage backends: write and read MB/s of one large upload, and peak memory.

``python benchmarks/bench_storage.py [MB] [PG_URL]`` stores an MB-sized pseudo-random file
(default 256) in local storage, in database storage on SQLite, and in database storage on
PostgreSQL (a private schema, dropped afterwards; skipped when the server is absent), then
streams it back and checks its hash. Prints MB/s each way and the Python heap's peak,
which shows that neither direction holds the file in memory.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from assistant.db.base import make_engine
from assistant.db.migrate import upgrade
from assistant.storage import LocalStorage, Storage
from assistant.storage_db import DatabaseStorage

MB = 1024 * 1024
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _write_source(path: Path, size_mb: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for _ in range(size_mb):
            block = os.urandom(MB)
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def _measure(name: str, storage: Storage, source: Path, size_mb: int, expected: str) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    key, _ = storage.put_file(source)
    write_s = time.perf_counter() - started
    _, write_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    digest = hashlib.sha256()
    with storage.open(key) as fh:
        while chunk := fh.read(MB):
            digest.update(chunk)
    read_s = time.perf_counter() - started
    _, read_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert key == expected == digest.hexdigest(), "round trip changed the bytes"
    print(
        f"{name:<24} write {size_mb / write_s:7.1f} MB/s   read {size_mb / read_s:7.1f} MB/s   "
        f"peak heap write {write_peak / MB:5.1f} MB, read {read_peak / MB:5.1f} MB"
    )


@contextmanager
def _pg_schema(url: str) -> Iterator[str | None]:
    import psycopg

    try:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3):
            pass
    except psycopg.OperationalError:
        yield None
        return
    schema = f"bench_storage_{os.getpid()}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    """Run the three backends on one source file."""
    size_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    pg_url = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_PG
    with tempfile.TemporaryDirectory(prefix="bench-storage-") as tmp:
        root = Path(tmp)
        source = root / "upload.bin"
        expected = _write_source(source, size_mb)
        print(f"{size_mb} MB upload, sha256 {expected[:12]}…")
        _measure("local files", LocalStorage(root / "store"), source, size_mb, expected)
        engine = make_engine(f"sqlite:///{root / 'bench.db'}")
        upgrade(engine)
        _measure("database (SQLite)", DatabaseStorage(engine), source, size_mb, expected)
        engine.dispose()
        with _pg_schema(pg_url) as url:
            if url is None:
                print(f"database (PostgreSQL)    skipped: not reachable at {pg_url}")
                return
            engine = make_engine(url)
            upgrade(engine)
            _measure("database (PostgreSQL)", DatabaseStorage(engine), source, size_mb, expected)
            engine.dispose()


if __name__ == "__main__":
    main()
