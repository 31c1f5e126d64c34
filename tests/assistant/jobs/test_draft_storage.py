"""The drafting job on database storage: uploads read from, and evidence images stored in, the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import Draft, User
from assistant.drafting.stored import StoredEvidence
from assistant.jobs.engine import execute_next
from assistant.lifecycle import CaseStatus
from assistant.settings import Settings
from assistant.storage import read_bytes
from assistant.storage_db import DatabaseStorage
from tests.assistant.factories import status_of
from tests.assistant.jobs.conftest import submit_case


@pytest.mark.slow
class TestDraftOnDatabaseStorage:
    def test_radiograph_case(
        self, tmp_path: Path, seeded_chroma: Path, db: Database, patient: User, radiograph: Path
    ) -> None:
        """Imaging reads the upload from the database; heatmaps and previews go back there, not to disk."""
        settings = Settings(
            environment="test",
            data_dir=tmp_path / "data",
            llm={"mode": "mock"},  # type: ignore[arg-type]
            storage={"mode": "database"},  # type: ignore[arg-type]
            knowledge={"chroma_path": seeded_chroma},  # type: ignore[arg-type]
            jobs={"lease_s": 30, "backoff_s": 0.0, "max_attempts": 2},  # type: ignore[arg-type]
        )
        ctx = AppContext(settings, db=db)
        assert isinstance(ctx.storage, DatabaseStorage)
        case_id, job_id = submit_case(ctx, patient, radiograph)
        assert execute_next(ctx, "test", job_id=job_id) == job_id
        assert status_of(db, case_id) is CaseStatus.PENDING_REVIEW
        with db.session() as s:
            draft = s.scalars(select(Draft).where(Draft.case_id == case_id)).one()
            evidence = draft.evidence
        upload = evidence["imaging"]["uploads"][0]
        assert "error" not in upload, upload
        keys = StoredEvidence.read(evidence).derived_image_keys() + [
            i["preview_key"] for i in upload["images"] if i["preview_key"]
        ]
        assert keys and all(read_bytes(ctx.storage, k).startswith(b"\x89PNG") for k in keys)
        assert not (settings.data_dir / "storage").exists()  # nothing written to a local store
