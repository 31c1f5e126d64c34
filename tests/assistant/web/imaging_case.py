"""A case whose draft carries what the real imaging step wrote for the shared TCIA CT and a film.

The uploads (the A0001 series as a zip, the SIIM chest film) go into storage and through
:func:`assistant.jobs.imaging_step.analyse_uploads` exactly as the drafting job runs it;
the draft's image sentences are the composer's own (:func:`image_fact_sentences`).
"""

from __future__ import annotations

import tempfile
import uuid
import zipfile
from pathlib import Path
from typing import Any

from assistant.actors import SYSTEM
from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import User
from assistant.drafting.facts import image_fact_sentences
from assistant.drafting.schemas import ImagingFindings
from assistant.jobs.imaging_step import StoredUpload, analyse_uploads
from assistant.lifecycle import CaseStatus
from assistant.services import drafts
from assistant.settings import Settings
from tests.assistant.factories import to_state
from tests.conftest import SHARED_DATA

A0001 = SHARED_DATA / "dicom" / "lung_pet_ct_dx" / "Lung_Dx-A0001_series2_5mm"
A0001_BOXES = SHARED_DATA / "dicom" / "lung_pet_ct_dx" / "annotations" / "A0001"
FILM = SHARED_DATA / "dicom" / "xrv_siim" / "1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm"


def _stored(ctx: AppContext, path: Path, work: Path) -> StoredUpload:
    if path.is_dir():
        archive = work / f"{path.name}.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for f in sorted(path.glob("*.dcm")):
                zf.write(f, f"{path.name}/{f.name}")
        path = archive
    key, _ = ctx.storage.put_file(path)
    ctype = "application/zip" if path.suffix == ".zip" else "application/dicom"
    return StoredUpload(str(uuid.uuid4()), path.name, key, ctype)


def analysed(settings: Settings, paths: list[Path]) -> tuple[dict[str, Any], ImagingFindings]:
    """The draft evidence and findings the drafting job would write for these uploads."""
    ctx = AppContext(settings)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        outcome = analyse_uploads(ctx, [_stored(ctx, p, work) for p in paths], work / "job")
    evidence = {
        "imaging": outcome.evidence,
        "findings": outcome.findings.model_dump(mode="json"),
        "passages": [],
    }
    return evidence, outcome.findings


def seed_imaging_case(
    db: Database, patient: User, evidence: dict[str, Any], findings: ImagingFindings
) -> str:
    """A case waiting for review whose AI draft states the image findings."""
    case_id = to_state(db, patient, CaseStatus.DRAFTING)
    sentences = [
        {
            "text": s.text,
            "origin": s.origin,
            "citations": [],
            "finding_refs": list(s.finding_refs),
            "flags": [],
        }
        for s in image_fact_sentences(findings)
    ]
    content = {
        "sections": [{"key": "images", "title": "What the images show", "sentences": sentences}],
        "priority": "routine",
    }
    with db.session() as s:
        drafts.create_ai_draft(
            s,
            SYSTEM,
            case_id,
            content,
            prompt_name="opinion",
            prompt_version="1",
            prompt_sha256="0" * 64,
            model_id="mock",
            checks={},
            evidence=evidence,
        )
    return case_id
