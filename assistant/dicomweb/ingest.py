"""Keep an upload's de-identified DICOM instances for the viewer.

The imaging step calls :func:`store_viewer_series` after analysing an upload: every
de-identified image instance goes into content-addressed storage (and, in orthanc mode,
to Orthanc with STOW-RS), and the evidence records its UIDs and key under ``dicom``.
Only de-identified copies are stored here; the uploaded original never is.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from assistant.context import AppContext

log = logging.getLogger(__name__)

#: Object kinds the viewer shows from DICOM (pictures are shown from their cleaned PNG).
VIEWABLE_KINDS = frozenset({"ct", "cxr", "mr", "other_image"})


def store_viewer_series(ctx: AppContext, ingested: Any, evidence: dict[str, Any]) -> dict[str, Any]:
    """Store the upload's de-identified image instances; returns ``{"dicom": [...]}`` for the evidence."""
    entries: list[dict[str, str]] = []
    paths: list[Path] = []
    for obj in ingested.objects:
        if obj.kind not in VIEWABLE_KINDS or not obj.stored_path:
            continue
        if not (obj.study_uid and obj.series_uid and obj.sop_instance_uid):
            continue
        path = Path(obj.stored_path)
        key, _ = ctx.storage.put_file(path)
        paths.append(path)
        entries.append(
            {
                "study_uid": obj.study_uid,
                "series_uid": obj.series_uid,
                "sop_uid": obj.sop_instance_uid,
                "key": key,
                "file": path.name,
                "kind": obj.kind,
            }
        )
    if paths and ctx.settings.dicomweb.mode == "orthanc":
        from assistant.dicomweb.orthanc import OrthancDicomWeb

        settings = ctx.settings.dicomweb
        OrthancDicomWeb(settings.orthanc_url, settings.timeout_s).stow(paths)
        log.info("stored %d instances in Orthanc for upload %s", len(paths), evidence.get("upload_id"))
    return {"dicom": entries}
