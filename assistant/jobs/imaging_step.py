"""The imaging step of drafting: de-identify uploads, run the models, keep the evidence.

Raw uploads are re-read from storage and de-identified into the job's work folder
before any model sees them; heatmaps and key images go back into storage so the
cockpit can show them. Output is the composer's :class:`ImagingFindings` plus an
evidence record for clinicians.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.context import AppContext
from assistant.dicomweb.ingest import store_viewer_series
from assistant.drafting.schemas import (
    NOT_VALIDATED_REASON,
    CTMeasurements,
    ImagingFinding,
    ImagingFindings,
    ModelCardRef,
    NoduleCandidate,
)
from assistant.upload_kinds import file_kind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredUpload:
    """What the job needs to know about one upload."""

    id: str
    filename: str
    storage_key: str
    content_type: str
    kind: str | None = None  # Upload.kind: decided from content at upload time

    def is_pdf(self, ctx: AppContext) -> bool:
        """Whether this upload is a PDF report, by its stored kind (or its bytes, for old rows)."""
        if self.kind is not None:
            return self.kind == "pdf"
        with ctx.storage.local_copy(self.storage_key) as local:
            return file_kind(local) == "pdf"


@dataclass
class ImagingOutcome:
    """The composer's view of the images and the clinician's evidence."""

    findings: ImagingFindings
    evidence: dict[str, Any] = field(default_factory=dict)


MAX_CANDIDATES = 20


def validity_fields(finding: Any) -> dict[str, Any]:
    """The imaging step's population gating, read defensively.

    Before the imaging library reports ``status`` and the card's figures, every finding is
    ``not_assessed`` with the reason that its model has not been validated here.
    """
    status = getattr(finding, "status", "not_assessed")
    reason = getattr(finding, "reason", None)
    return {
        "status": status if status in ("reported", "not_assessed") else "not_assessed",
        "reason": reason if reason or status == "reported" else NOT_VALIDATED_REASON,
        "population": getattr(finding, "population", None),
        "sensitivity": getattr(finding, "sensitivity", None),
        "specificity": getattr(finding, "specificity", None),
        "rule_out_ok": bool(getattr(finding, "rule_out_ok", False)),
        "rule_in_ok": bool(getattr(finding, "rule_in_ok", False)),
    }


def _card_refs(study: Any) -> dict[str, ModelCardRef]:
    return {
        c.id: ModelCardRef(id=c.id, name=c.id.split("@")[0], limitations=list(c.limitations))
        for c in study.model_cards
    }


def _to_findings(study: Any, modality: str) -> ImagingFindings:
    cards = _card_refs(study)
    findings: list[ImagingFinding] = []
    refused: list[str] = []
    for image in study.images:
        ood = getattr(image, "ood", None)
        if ood is not None and not getattr(ood, "accepted", True):
            refused += [str(r) for r in getattr(ood, "reasons", [])[:1]] or [
                "the input check did not accept it"
            ]
        for f in image.findings:
            card = cards.get(f.model) or ModelCardRef(id=f.model, name=f.model.split("@")[0])
            findings.append(
                ImagingFinding(
                    label=f.label,
                    probability=f.probability,
                    threshold=f.threshold,
                    positive=f.positive,
                    model_card=card,
                    **validity_fields(f),
                )
            )
    ct = None
    for series in study.ct_series:
        if series.measurements is not None:
            m = series.measurements
            ct = CTMeasurements(
                lung_volume_l=round(m.lung_volume_l, 2),
                laa950_percent=round(m.laa950_percent, 1),
                nodule_candidates=[
                    NoduleCandidate(diameter_mm=round(n.diameter_mm, 1), slice_number=n.slice_index + 1)
                    for n in sorted(m.nodule_candidates, key=lambda n: -n.diameter_mm)[:MAX_CANDIDATES]
                ],
                nodule_count=len(m.nodule_candidates),
                model_card=ModelCardRef(
                    id="ct-quantitation@1",
                    name="CT quantitation (classical)",
                    limitations=list(m.warnings)
                    or ["Threshold-based lung segmentation; candidates are not diagnoses."],
                ),
            )
            break
    return ImagingFindings(modality=modality, findings=findings, ct=ct, refused=refused)


def _modality(kinds: set[str]) -> str:
    if "ct" in kinds:
        return "chest CT"
    if kinds & {"cxr", "photo"}:
        return "chest X-ray"
    return ""


def _store(ctx: AppContext, path_str: str) -> str:
    key, _ = ctx.storage.put_file(Path(path_str))
    return key


def analyse_uploads(
    ctx: AppContext, uploads: list[StoredUpload], work: Path, patient_age_years: float | None = None
) -> ImagingOutcome:
    """De-identify and analyse every image upload; never raises for a bad file.

    ``patient_age_years`` (from the intake) places each film in a validated population or
    not: without it, a chest X-ray finding is reported as not assessed.
    """
    from assistant.components import imaging_engine
    from imaging.analyze import analyze_study
    from imaging.archive import ArchiveLimits
    from imaging.errors import ImagingError
    from imaging.ingest import ingest_path

    u = ctx.settings.uploads
    limits = ArchiveLimits(
        max_uncompressed_bytes=u.max_uncompressed_mb * 1024 * 1024,
        max_members=u.max_members,
        max_depth=u.max_nesting,
    )
    per_upload: list[dict[str, Any]] = []
    all_findings = ImagingFindings()
    kinds: set[str] = set()
    for upload in uploads:
        if upload.is_pdf(ctx):
            continue
        src = work / "raw" / upload.id / Path(upload.filename).name
        src.parent.mkdir(parents=True, exist_ok=True)
        ctx.storage.copy_to(upload.storage_key, src)
        try:
            ingested = ingest_path(src, work / "deid" / upload.id, limits)
            study = analyze_study(
                ingested,
                imaging_engine(ctx),
                work / "analysis" / upload.id,
                patient_age_years=patient_age_years,
            )
        except ImagingError as e:
            per_upload.append({"upload_id": upload.id, "filename": upload.filename, "error": str(e)})
            continue
        finally:
            shutil.rmtree(src.parent, ignore_errors=True)  # the raw copy never outlives the step
        kinds |= {o.kind for o in ingested.objects}
        part = _to_findings(study, "")
        all_findings.findings.extend(part.findings)
        all_findings.refused.extend(part.refused)
        all_findings.ct = all_findings.ct or part.ct
        record = upload_evidence(ctx, upload, study, _previews(ingested, work / "previews" / upload.id))
        record.update(store_viewer_series(ctx, ingested, record))
        per_upload.append(record)
    all_findings.modality = _modality(kinds)
    all_findings.kinds = sorted(kinds)
    return ImagingOutcome(all_findings, {"uploads": per_upload})


def _previews(ingested: Any, out_dir: Path) -> dict[str, Path]:
    """A windowed PNG of each de-identified 2-D image, by its stored file name."""
    from imaging.errors import ImagingError
    from imaging.previews import render_object

    found: dict[str, Path] = {}
    for n, obj in enumerate(ingested.objects):
        if obj.stored_path is None or obj.kind not in ("cxr", "photo", "other_image"):
            continue
        try:
            found[Path(obj.stored_path).name] = render_object(obj, out_dir / f"image_{n:03d}.png")
        except ImagingError:
            continue
    return found


def upload_evidence(
    ctx: AppContext, upload: StoredUpload, study: Any, previews: dict[str, Path]
) -> dict[str, Any]:
    """One upload's evidence record: images with stored preview and heatmap keys, CT series, cards.

    ``study`` is ``imaging.analyze.StudyFindings``; pictures are put in storage and named by key.
    """
    images = []
    for image in study.images:
        preview = previews.get(image.source)
        images.append(
            {
                "source": image.source,
                "preview_key": _store(ctx, str(preview)) if preview else None,
                "kind": image.kind,
                "view": image.view,
                "ood": image.ood.model_dump(),
                "findings": [f.model_dump() for f in image.findings],
                "heatmap_keys": {label: _store(ctx, p) for label, p in image.heatmaps.items()},
            }
        )
    series = []
    for s in study.ct_series:
        series.append(
            {
                "n_slices": s.n_slices,
                "error": s.error,
                "measurements": s.measurements.model_dump(mode="json") if s.measurements else None,
                "key_image_keys": [_store(ctx, p) for p in s.key_images],
                "series_uid": s.series_uid,
                "instance_files": list(s.instance_files),
                "lung_mask": (
                    s.lung_mask.model_dump(exclude={"path"}) | {"key": _store(ctx, s.lung_mask.path)}
                    if s.lung_mask
                    else None
                ),
            }
        )
    return {
        "upload_id": upload.id,
        "filename": upload.filename,
        "images": images,
        "ct_series": series,
        "model_cards": [c.model_dump(mode="json") for c in study.model_cards],
        "skipped": list(study.skipped),
        "heatmap_note": study.heatmap_note,
    }


def pdf_texts(ctx: AppContext, uploads: list[StoredUpload]) -> list[tuple[str, str]]:
    """Text of uploaded PDF reports as (source, text); unreadable PDFs are skipped."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    texts = []
    for upload in uploads:
        if not upload.is_pdf(ctx):
            continue
        try:
            with ctx.storage.open(upload.storage_key) as fh:
                reader = PdfReader(fh)
                text = "\n".join((page.extract_text() or "") for page in reader.pages[:20])
        except (PdfReadError, OSError, ValueError) as e:
            log.warning("could not read PDF upload %s: %s", upload.id, type(e).__name__)
            continue
        if text.strip():
            texts.append((f"PDF report '{upload.filename}'", text))
    return texts
