"""Dataset evaluations of the chest X-ray model and the CT nodule candidates.

The metrics themselves (rank-based AUC, confusion counts, percentile bootstrap) live in
:mod:`imaging.metrics`, so that training can use them without importing this module.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

from imaging.inference import InferenceEngine
from imaging.metrics import BinaryMetrics, binary_metrics
from imaging.preprocess import load_image_file
from imaging.quantitation import CTMeasurements, quantify_ct


def _predict_files(engine: InferenceEngine, paths: list[Path], batch: int = 64) -> npt.NDArray[np.float64]:
    """Calibrated probabilities ``(N, labels)`` for image files, through the real engine path."""
    rows = []
    for start in range(0, len(paths), batch):
        images = [load_image_file(p) for p in paths[start : start + batch]]
        rows.append(engine.probabilities(engine.logits(engine.prepare(images))))
    return np.concatenate(rows)


def evaluate_cxr(engine: InferenceEngine, data_root: Path, seed: int) -> list[BinaryMetrics]:
    """Pneumonia figures on the Kermany official test split and the NIH held-out patients.

    Both are *internal*: each split shares its source's normals with the training data of
    ``so-cxr-compact``, so they say nothing about films from other sources (see
    :mod:`imaging.external_validation` for the external figures).

    Args:
        engine: Engine of a model with a ``pneumonia`` output.
        data_root: The shared data folder (holding ``cxr/kermany`` and ``cxr/nih1000``).
        seed: The training seed, which fixes the NIH patient split.

    Returns:
        Metrics for Kermany test (624 images) and NIH test, each with a 95% bootstrap CI
        (resampling patients).
    """
    from imaging.training import kermany_rows, nih_rows

    label = "pneumonia"
    j = engine.entry.labels.index(label)
    threshold = engine.entry.thresholds[label]
    results = []
    for name, rows in (
        (
            "internal: Kermany official test split (its source's normals are in training)",
            [r for r in kermany_rows(data_root, seed) if r[2] == "test"],
        ),
        (
            "internal: NIH held-out patients, pneumonia vs no finding (its source's normals are in training)",
            [r for r in nih_rows(data_root, seed) if r[2] == "test"],
        ),
    ):
        probs = _predict_files(engine, [r[0] for r in rows])[:, j]
        y = np.array([r[1] for r in rows])
        groups = np.array([r[3] for r in rows])
        results.append(binary_metrics(name, label, probs, y, threshold, groups, bootstrap=True))
    return results


class CTDetectionReport(BaseModel):
    """Nodule candidates compared with annotated tumour boxes on one series."""

    series: str
    measurements: CTMeasurements
    annotated_lesions: int
    annotated_slices: list[int]
    detected_lesions: int
    sensitivity: float
    false_positives: int
    matched_candidates: list[int]


def _annotation_boxes(
    annotations: Path, sop_to_slice: dict[str, int]
) -> dict[int, list[tuple[int, int, int, int]]]:
    boxes: dict[int, list[tuple[int, int, int, int]]] = {}
    for xml in sorted(annotations.glob("*.xml")):
        z = sop_to_slice.get(xml.stem)
        if z is None:
            continue
        # the annotation files are the shared, trusted research data set, never uploads
        for obj in ElementTree.parse(xml).getroot().iter("bndbox"):  # noqa: S314
            vals = [int(float(obj.findtext(k, "0"))) for k in ("xmin", "ymin", "xmax", "ymax")]
            boxes.setdefault(z, []).append((vals[0], vals[1], vals[2], vals[3]))
    return boxes


def _group_lesions(boxes: dict[int, list[tuple[int, int, int, int]]]) -> list[list[int]]:
    """Group annotated slices into lesions: runs of slices no more than 2 apart."""
    lesions: list[list[int]] = []
    for z in sorted(boxes):
        if lesions and z - lesions[-1][-1] <= 2:
            lesions[-1].append(z)
        else:
            lesions.append([z])
    return lesions


def evaluate_ct_candidates(series_dir: Path, annotations: Path, margin_px: int = 10) -> CTDetectionReport:
    """Run CT quantitation on a series and score its candidates against PASCAL-VOC boxes.

    A candidate detects a lesion when its slice range overlaps the lesion's annotated
    slices and its centroid lies inside one of the lesion's boxes (grown by ``margin_px``).

    Args:
        series_dir: Folder of the series' DICOM files.
        annotations: Folder of ``<SOPInstanceUID>.xml`` boxes.
        margin_px: Tolerance around each box in pixels.
    """
    import pydicom

    from imaging.volume import load_ct_volume

    volume = load_ct_volume(sorted(series_dir.glob("*.dcm")))
    sop_to_slice = {
        str(pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID): z for z, p in enumerate(volume.paths)
    }
    measurements = quantify_ct(volume.hu, volume.spacing)
    boxes = _annotation_boxes(annotations, sop_to_slice)
    lesions = _group_lesions(boxes)
    matched: set[int] = set()
    detected = 0
    for lesion in lesions:
        hit = False
        for i, cand in enumerate(measurements.nodule_candidates):
            if cand.slices[1] < lesion[0] or cand.slices[0] > lesion[-1]:
                continue
            _, cy, cx = cand.centroid_zyx
            for z in lesion:
                for x0, y0, x1, y1 in boxes[z]:
                    if x0 - margin_px <= cx <= x1 + margin_px and y0 - margin_px <= cy <= y1 + margin_px:
                        matched.add(i)
                        hit = True
        detected += int(hit)
    return CTDetectionReport(
        series=series_dir.name,
        measurements=measurements,
        annotated_lesions=len(lesions),
        annotated_slices=sorted(boxes),
        detected_lesions=detected,
        sensitivity=detected / len(lesions) if lesions else float("nan"),
        false_positives=len(measurements.nodule_candidates) - len(matched),
        matched_candidates=sorted(matched),
    )
