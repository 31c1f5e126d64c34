"""Revision 0007: stored-file paths recorded in upload rows become storage keys."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from assistant.db.base import Database, make_engine
from assistant.db.migrate import downgrade, upgrade
from assistant.db.models import Case, Upload, User
from assistant.roles import Role
from assistant.storage import LocalStorage, read_bytes
from assistant.storage_db import DatabaseStorage
from assistant.storage_keys import has_paths, summary_with_keys

PNG = b"\x89PNG\r\n\x1a\n" + b"preview" * 50


def _old_summary(data_dir: Path, store: LocalStorage) -> tuple[dict[str, Any], str, str]:
    """A summary as the upload service wrote it before 0007, with real files on disk."""
    derived = data_dir / "derived" / "u1"
    shown = derived / "previews" / "image_000.png"
    shown.parent.mkdir(parents=True)
    shown.write_bytes(PNG)
    in_store, _ = store.put_stream(__import__("io").BytesIO(b"\x89PNG already stored"))
    summary = {
        "kind": "jpeg",
        "describe": "We found a picture.",
        "deid_dir": str(derived / "deid"),
        "previews": [str(shown), str(store.root / in_store[:2] / in_store[2:4] / in_store), "/gone/x.png"],
        "previews_shown": [str(shown)],
        "result": {
            "objects": [{"kind": "photo", "stored_path": str(derived / "deid" / "a.png")}],
            "series": [{"kind": "ct", "stored_paths": [str(derived / "deid" / "1.dcm")]}],
        },
    }
    return summary, hashlib.sha256(PNG).hexdigest(), in_store


class TestSummaryWithKeys:
    def test_paths_become_keys(self, tmp_path: Path) -> None:
        """Existing files are stored, storage-root paths give their name, missing files go."""
        store = LocalStorage(tmp_path / "store")
        summary, shown_key, in_store = _old_summary(tmp_path, store)
        out = summary_with_keys(summary, lambda p: store.put_file(p)[0])
        assert out["preview_keys"] == [shown_key, in_store]
        assert out["preview_keys_shown"] == [shown_key]
        assert read_bytes(store, shown_key) == PNG
        assert "/" not in json.dumps({k: v for k, v in out.items() if k != "describe"})
        assert not has_paths(out) and has_paths(summary)

    def test_idempotent(self, tmp_path: Path) -> None:
        """Converting twice changes nothing the second time."""
        store = LocalStorage(tmp_path / "store")
        summary, _, _ = _old_summary(tmp_path, store)
        once = summary_with_keys(summary, lambda p: store.put_file(p)[0])
        assert summary_with_keys(once, lambda p: store.put_file(p)[0]) == once


def _insert_old_upload(engine: Any, summary: dict[str, Any], storage_key: str) -> None:
    """An upload row as revision 0006 held it (the ORM's columns all exist at 0006)."""
    db = Database(engine)
    with db.session() as s:
        patient = User(username="p", display_name="P", role=Role.PATIENT, password_hash="x")
        s.add(patient)
        s.flush()
        case = Case(patient_id=patient.id, title="t")
        s.add(case)
        s.flush()
        s.add(
            Upload(id="u1", case_id=case.id, uploaded_by_id=patient.id, filename="x.jpg", size_bytes=10,
                   sha256=storage_key[-64:], storage_key=storage_key, status="ingested", summary=summary)
        )  # fmt: skip


class TestMigration:
    @pytest.mark.parametrize("mode", ["local", "database"])
    def test_upgrade_converts_rows(self, mode: str, tmp_path: Path) -> None:
        """0006 rows with paths come out of 0007 with keys whose bytes the chosen backend serves."""
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        upgrade(engine, "0006")
        store = LocalStorage(tmp_path / "store")
        summary, shown_key, _ = _old_summary(tmp_path, store)
        original = tmp_path / "upload.jpg"
        original.write_bytes(b"\xff\xd8\xff original")
        _insert_old_upload(engine, summary, str(original))  # a path where a key belongs
        upgrade(engine, "0008", storage_mode=mode, storage_root=str(store.root))
        with engine.connect() as conn:
            row = conn.execute(text("SELECT summary, storage_key FROM uploads")).one()
        new = json.loads(row[0]) if isinstance(row[0], str) else row[0]
        backend = DatabaseStorage(engine) if mode == "database" else store
        assert new["preview_keys_shown"] == [shown_key]
        assert read_bytes(backend, shown_key) == PNG
        assert row[1] == hashlib.sha256(b"\xff\xd8\xff original").hexdigest()
        assert read_bytes(backend, row[1]) == b"\xff\xd8\xff original"
        assert not has_paths(new)
        downgrade(engine, "0006")  # the tables go; keys stay keys
        engine.dispose()

    def test_fresh_database_reads_no_settings(self, sqlite_db: Database) -> None:
        """With no rows to convert, the migration needs no storage settings (tests, new installs)."""
        with sqlite_db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0008"
