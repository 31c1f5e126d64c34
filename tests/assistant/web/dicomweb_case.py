"""A case whose draft evidence lists de-identified DICOM instances stored by the imaging step's helper.

Only ingest (de-identification) and :func:`store_viewer_series` run, not the models, so
the DICOMweb tests stay fast; the browser tests use the whole imaging step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.actors import SYSTEM
from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import User
from assistant.dicomweb.ingest import store_viewer_series
from assistant.lifecycle import CaseStatus
from assistant.services import drafts
from tests.assistant.factories import to_state


def stored_evidence(ctx: AppContext, source: Path, work: Path) -> dict[str, Any]:
    """De-identify ``source`` (a file or folder) and store its instances; the evidence that records them."""
    from imaging.archive import ArchiveLimits
    from imaging.ingest import ingest_path

    limits = ArchiveLimits(max_uncompressed_bytes=1 << 30, max_members=1000, max_depth=2)
    ingested = ingest_path(source, work / "deid", limits)
    record: dict[str, Any] = {"upload_id": "u1", "filename": source.name}
    record.update(store_viewer_series(ctx, ingested, record))
    return {"imaging": {"uploads": [record]}}


def seed_dicom_case(db: Database, patient: User, evidence: dict[str, Any]) -> str:
    """A case waiting for review whose AI draft carries ``evidence``."""
    case_id = to_state(db, patient, CaseStatus.DRAFTING)
    with db.session() as s:
        drafts.create_ai_draft(
            s,
            SYSTEM,
            case_id,
            {"sections": [], "priority": "routine"},
            prompt_name="opinion",
            prompt_version="1",
            prompt_sha256="0" * 64,
            model_id="mock",
            checks={},
            evidence=evidence,
        )
    return case_id
