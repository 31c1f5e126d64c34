"""Analyse one study end to end: guard, infer, gate, explain, quantify.

:func:`analyze_study` takes an Imaging I :class:`~imaging.objects.IngestResult` (or plain
paths of DICOM files, folders or pictures), runs the chest X-ray model on every frontal
chest radiograph the input guard accepts (one batch), reports a finding only where the
film falls in a population the model card lists as validated (else "not assessed" with
the reason), writes a Grad-CAM overlay PNG for each reported positive or requested
finding, quantifies every chest CT series, and returns one JSON-serialisable
:class:`StudyFindings` for the drafting pipeline and the cockpit.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, Field

from imaging.errors import ImagingError
from imaging.gradcam import write_overlay
from imaging.inference import Finding, InferenceEngine
from imaging.objects import IngestResult
from imaging.ood import OODCheck, check_cxr_input, photograph_signs
from imaging.overlays import MaskAtlas, save_mask_atlas
from imaging.populations import FilmContext, age_group, normalise_view
from imaging.quantitation import CTMeasurements, quantify_ct_with_mask
from imaging.registry import ModelCard

logger = logging.getLogger(__name__)


class ImageFindings(BaseModel):
    """Model output for one 2-D image."""

    source: str = Field(description="File name of the (de-identified) image.")
    kind: str
    view: str | None = None
    ood: OODCheck
    findings: list[Finding] = Field(default_factory=list)
    heatmaps: dict[str, str] = Field(default_factory=dict, description="label -> PNG path")


class CTSeriesFindings(BaseModel):
    """Quantitation of one CT series."""

    series_uid: str | None
    n_slices: int
    measurements: CTMeasurements | None = None
    key_images: list[str] = Field(default_factory=list)
    error: str | None = None
    instance_files: list[str] = Field(
        default_factory=list, description="File names of the slices in volume order (head first)."
    )
    lung_mask: MaskAtlas | None = Field(default=None, description="The measured lung mask, for display.")


class StudyFindings(BaseModel):
    """Everything the imaging models said about one study."""

    images: list[ImageFindings] = Field(default_factory=list)
    ct_series: list[CTSeriesFindings] = Field(default_factory=list)
    model_cards: list[ModelCard] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list, description="Objects not analysed, why.")
    heatmap_note: str = (
        "Heatmaps show which regions most influenced the model's score; they are not outlines of disease."
    )


@dataclass
class _Item:
    path: Path
    kind: str
    modality: str | None = None
    view: str | None = None
    body_part: str | None = None
    series_uid: str | None = None


def _describe_path(path: Path) -> _Item:
    from imaging.classify import classify
    from imaging.dicom_io import read_dataset, sniff

    kind = sniff(path)
    if kind in ("png", "jpeg"):
        return _Item(path, "photo")
    if kind != "dicom":
        return _Item(path, "non_image")
    ds = read_dataset(path, stop_before_pixels=True)
    cls = classify(ds)
    uid = str(ds.get("SeriesInstanceUID", "")) or None
    return _Item(path, cls.kind, cls.modality, cls.view, cls.body_part, uid)


def _items(study: IngestResult | Sequence[Path]) -> list[_Item]:
    if isinstance(study, IngestResult):
        return [
            _Item(Path(o.stored_path), o.kind, o.modality, o.view, o.body_part, o.series_uid)
            for o in study.objects
            if o.stored_path
        ]
    files: list[Path] = []
    for p in study:
        files.extend(sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p])
    return [_describe_path(f) for f in files]


def _load_display(item: _Item) -> npt.NDArray[np.float32]:
    if item.kind == "photo":
        from imaging.photo import picture_array

        return np.asarray(picture_array(item.path), dtype=np.float32)
    from imaging.dicom_io import read_dataset
    from imaging.pixels import display_array

    return np.asarray(display_array(read_dataset(item.path)), dtype=np.float32)


def _guard(item: _Item, image: npt.NDArray[np.float32], body: str | None) -> OODCheck:
    """Metadata, pixel and learned checks; colour is judged before any grey conversion."""
    from imaging.guard import default_guard

    shown: npt.NDArray[np.float32] = image
    signs: list[str] = []
    if item.kind == "photo":
        from imaging.photo import picture_colour

        shown, camera = picture_colour(item.path)
        signs = photograph_signs(shown, camera)
    guard = default_guard()
    prob = guard.probabilities([image])[0] if guard is not None and image.ndim == 2 else None
    return check_cxr_input(
        shown,
        modality=item.modality,
        view=item.view,
        body_part=body,
        kind=item.kind,
        frontal_probability=prob,
        frontal_threshold=guard.threshold if guard is not None else 0.5,
        photo_signs=signs,
    )


def _within_training_distribution(
    accepted: list[tuple[ImageFindings, npt.NDArray[np.float32], FilmContext]], engine: InferenceEngine
) -> list[tuple[ImageFindings, npt.NDArray[np.float32], FilmContext]]:
    """Refuse films whose embedding lies beyond the model card's feature-distance limit."""
    distances = engine.feature_distances([a[1] for a in accepted])
    summary = engine.entry.feature_distance
    if distances is None or summary is None:
        return accepted
    kept = []
    for (record, image, film), distance in zip(accepted, distances, strict=True):
        record.ood.feature_distance = distance
        if distance > summary.limit:
            record.ood.accepted = False
            record.ood.reasons.append(
                f"the film is unlike those the model learned from (feature distance {distance:.2f}, "
                f"limit {summary.limit:.2f})"
            )
        else:
            kept.append((record, image, film))
    return kept


def _film(item: _Item, check: OODCheck, patient_age_years: float | None) -> FilmContext:
    photographed = any("photograph" in flag for flag in check.flags)
    return FilmContext(
        age_group=age_group(patient_age_years),
        view=normalise_view(item.view),
        source_type="dicom" if item.kind != "photo" else "photograph" if photographed else "picture",
    )


def _analyse_images(
    items: list[_Item],
    engine: InferenceEngine,
    out_dir: Path,
    labels: Sequence[str],
    result: StudyFindings,
    patient_age_years: float | None,
) -> None:
    accepted: list[tuple[ImageFindings, npt.NDArray[np.float32], FilmContext]] = []
    for item in items:
        body = item.body_part if item.body_part not in (None, "chest") else None
        try:
            image = _load_display(item)
        except ImagingError as err:
            result.skipped.append(f"{item.path.name}: {err.message}")
            continue
        check = _guard(item, image, body)
        record = ImageFindings(source=item.path.name, kind=item.kind, view=item.view, ood=check)
        result.images.append(record)
        if check.accepted:
            accepted.append((record, image, _film(item, check, patient_age_years)))
    accepted = _within_training_distribution(accepted, engine)
    if not accepted:
        return
    predictions = engine.predict([a[1] for a in accepted], films=[a[2] for a in accepted])
    for (record, image, _), findings in zip(accepted, predictions, strict=True):
        record.findings = findings
        wanted = [f.label for f in findings if f.status == "reported" and (f.positive or f.label in labels)]
        for label in wanted:
            path = out_dir / f"{Path(record.source).stem}_{label}_gradcam.png"
            record.heatmaps[label] = str(write_overlay(engine, image, label, path))


def _analyse_ct(items: list[_Item], out_dir: Path, result: StudyFindings) -> None:
    from imaging.render import LUNG, save_png
    from imaging.volume import load_ct_volume

    series: dict[str | None, list[Path]] = defaultdict(list)
    for item in items:
        series[item.series_uid].append(item.path)
    for index, (uid, paths) in enumerate(series.items()):
        record = CTSeriesFindings(series_uid=uid, n_slices=len(paths))
        result.ct_series.append(record)
        try:
            volume = load_ct_volume(paths)
            record.measurements, lungs = quantify_ct_with_mask(volume.hu, volume.spacing)
        except ImagingError as err:
            record.error = str(err)
            continue
        record.instance_files = [p.name for p in volume.paths]
        record.lung_mask = save_mask_atlas(lungs, out_dir / f"ct{index}_lung_mask.png")
        for cand in record.measurements.nodule_candidates[:3]:
            z = cand.slice_index
            lung = np.clip((volume.hu[z] - (LUNG.center - LUNG.width / 2)) / LUNG.width, 0, 1)
            key = out_dir / f"ct{index}_slice{z:03d}_candidate.png"
            record.key_images.append(str(save_png(lung.astype(np.float32), key)))


def analyze_study(
    study: IngestResult | Sequence[Path],
    engine: InferenceEngine,
    out_dir: Path,
    heatmap_labels: Sequence[str] = (),
    quantify: bool = True,
    patient_age_years: float | None = None,
) -> StudyFindings:
    """Analyse a study: CXR findings with heatmaps, CT measurements, OOD refusals.

    Args:
        study: An ingest result, or paths of DICOM files / folders / PNG-JPEG pictures.
        engine: The process's chest X-ray inference engine.
        out_dir: Folder for heatmap overlays and key images (created).
        heatmap_labels: Labels to explain even when negative (positives always are).
        quantify: Run CT quantitation on CT series.
        patient_age_years: The patient's age (from the intake: de-identified files keep none).
            Unknown age means no chest X-ray finding is reported, only "not assessed".

    Returns:
        The study's findings, JSON-serialisable with ``model_dump_json()``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    result = StudyFindings(model_cards=[engine.entry.card])
    items = _items(study)
    planar = [i for i in items if i.kind in ("cxr", "photo", "other_image")]
    for item in items:
        if item.kind in ("mr", "non_image"):
            check = check_cxr_input(modality=item.modality, kind=item.kind)
            result.skipped.append(f"{item.path.name}: {'; '.join(check.reasons)}")
    _analyse_images(planar, engine, out_dir, heatmap_labels, result, patient_age_years)
    cts = [i for i in items if i.kind == "ct"]
    if quantify and cts:
        _analyse_ct(cts, out_dir, result)
    logger.info(
        "analysed %d images (%d accepted), %d CT series",
        len(result.images),
        sum(i.ood.accepted for i in result.images),
        len(result.ct_series),
    )
    return result
