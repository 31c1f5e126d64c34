"""The external-validation report: tables, reliability diagrams and validated populations.

:func:`write_validation_report` turns the held-out logits of the leave-one-source-out
folds into a folder of Markdown tables and reliability-diagram PNGs, and
:func:`validated_populations` derives the populations a model card may list from the
source the deployed model never saw.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from imaging.calibration import expected_calibration_error
from imaging.datasets import FilmArrays, patient_half
from imaging.external_validation import (
    CALIBRATION_SEED,
    SourceReport,
    auc_with_ci,
    calibrate,
    cross_fitted,
    operating_point,
    source_report,
    wilson_ci,
)
from imaging.metrics import confusion_rates
from imaging.populations import UNRECORDED_VIEW, GatingRule, ValidatedPopulation
from imaging.robust_training import LABELS

logger = logging.getLogger(__name__)
FloatArray = npt.NDArray[np.float64]


def reliability_png(
    probabilities: FloatArray, y: npt.ArrayLike, path: Path, title: str, bins: int = 10
) -> Path:
    """Draw a reliability diagram (observed frequency against mean predicted probability)."""
    p, t = np.asarray(probabilities), np.asarray(y, dtype=np.float64)
    size, margin = 360, 40
    img = Image.new("RGB", (size + 2 * margin, size + 2 * margin + 20), "white")
    draw = ImageDraw.Draw(img)

    def xy(px: float, py: float) -> tuple[float, float]:
        return margin + px * size, margin + 20 + (1 - py) * size

    draw.rectangle([xy(0, 1), xy(1, 0)], outline="black")
    draw.line([xy(0, 0), xy(1, 1)], fill=(150, 150, 150), width=1)
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    for b in range(bins):
        m = index == b
        if not m.any():
            continue
        top = float(t[m].mean())
        draw.rectangle([xy(edges[b], top), xy(edges[b + 1], 0)], fill=(90, 140, 220), outline=(30, 60, 120))
        cx, cy = xy(float(p[m].mean()), top)
        draw.ellipse([cx - 3, cy - 3, cx + 3, cy + 3], fill=(200, 40, 40))
    ece = expected_calibration_error(p, t, bins)
    draw.text((margin, 8), f"{title}  (n={len(p)}, ECE={ece:.3f})", fill="black")
    draw.text((margin, size + margin + 24), "mean predicted probability ->", fill="black")
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path


def _fmt(v: float | None) -> str:
    return "n/a" if v is None or v != v else f"{v:.3f}"


def loso_table(reports: list[SourceReport]) -> list[str]:
    """Markdown rows of the leave-one-source-out table."""
    rows = [
        "| held-out source | label | normal | abnormal | AUC (95% CI) | AUC PA | AUC AP "
        "| Spearman(score, brightness), normals | ECE raw | ECE calibrated (cross-fitted) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in reports:
        views = {
            v: f"{a:.3f} ({lo:.3f}-{hi:.3f}; {npos}/{nneg})"
            for v, (a, lo, hi, npos, nneg) in r.view_auc.items()
        }
        rows.append(
            f"| {r.source} | {r.label} | {r.n_normal} | {r.n_abnormal} | {r.auc:.3f} ({r.auc_ci95[0]:.3f}-"
            f"{r.auc_ci95[1]:.3f}) | {views.get('PA', 'n/a')} | {views.get('AP', 'n/a')} "
            f"| {_fmt(r.spearman_brightness_normals)} | {_fmt(r.ece_raw)} | {_fmt(r.ece_calibrated)} |"
        )
    return rows


def validated_populations(
    held: FilmArrays, logits: FloatArray, rule: GatingRule, evidence: str
) -> tuple[list[ValidatedPopulation], dict[str, tuple[float, float, float]], list[str]]:
    """Populations (per view) of a source the model never saw, calibrated on half its patients.

    Calibration and threshold are fitted on patient half 0; every figure is measured on
    half 1. A view is listed only when its AUC lower bound meets the card's rule; the pooled
    population (which also covers films whose view is not recorded) only when both views are.

    Returns:
        The populations, the calibration ``(T, b, threshold)`` per label, and table rows.
    """
    halves = np.array([patient_half(p, CALIBRATION_SEED) for p in held.patient])
    test = halves == 1
    populations: list[ValidatedPopulation] = []
    calibration: dict[str, tuple[float, float, float]] = {}
    rows = [
        "| label | population | n (abn/normal) | threshold | AUC (95% CI) | sensitivity (95% CI) "
        "| specificity (95% CI) | ECE | listed |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for j, label in enumerate(LABELS):
        temperature, bias, threshold = operating_point(logits[:, j], held.abnormal, halves)
        calibration[label] = (temperature, bias, threshold)
        probs = calibrate(logits[:, j], temperature, bias)
        listed_views: list[str] = []
        for view in ("PA", "AP", "pooled"):
            in_view = (held.view == view) if view != "pooled" else np.isin(held.view, ("PA", "AP"))
            m = test & in_view & (held.age_group == "adult")
            y = held.abnormal[m]
            npos, nneg = int(y.sum()), int((1 - y).sum())
            if npos < 15 or nneg < 15:
                continue
            auc, low, high = auc_with_ci(probs[m], y, held.patient[m])
            sens, spec, _ = confusion_rates(probs[m], y, threshold)
            pop = ValidatedPopulation(
                label=label,
                age_group="adult",
                views=[view] if view != "pooled" else ["PA", "AP", UNRECORDED_VIEW],
                source_types=["dicom", "picture"],
                threshold=threshold,
                n_positive=npos,
                n_negative=nneg,
                auc=auc,
                auc_ci95=(low, high),
                sensitivity=sens,
                sensitivity_ci95=wilson_ci(round(sens * npos), npos),
                specificity=spec,
                specificity_ci95=wilson_ci(round(spec * nneg), nneg),
                evidence=evidence,
            )
            listed = low >= rule.min_auc_lower_ci and (view != "pooled" or listed_views == ["PA", "AP"])
            if listed:
                listed_views.append(view)
                populations.append(pop)
            ece = expected_calibration_error(probs[m], y)
            rows.append(
                f"| {label} | {pop.name} | {npos}/{nneg} | {threshold:.3f} "
                f"| {auc:.3f} ({low:.3f}-{high:.3f}) "
                f"| {sens:.3f} ({pop.sensitivity_ci95[0]:.3f}-{pop.sensitivity_ci95[1]:.3f}) "
                f"| {spec:.3f} ({pop.specificity_ci95[0]:.3f}-{pop.specificity_ci95[1]:.3f}) | {ece:.3f} "
                f"| {'yes' if listed else 'no (AUC lower bound below rule)'} |"
            )
    return populations, calibration, rows


def write_validation_report(
    data: FilmArrays, fold_logits: dict[str, FloatArray], out_dir: Path
) -> tuple[list[SourceReport], list[str]]:
    """Per-source LOSO tables and reliability diagrams (one PNG per source and label)."""
    reports: list[SourceReport] = []
    for source, logits in fold_logits.items():
        held = data.take(data.source == source)
        halves = np.array([patient_half(p, CALIBRATION_SEED) for p in held.patient])
        for j, label in enumerate(LABELS):
            reports.append(source_report(held, logits, j))
            try:
                probs = cross_fitted(logits[:, j], held.abnormal, halves)
                reliability_png(
                    probs,
                    held.abnormal,
                    out_dir / f"reliability_{source}_{label}.png",
                    f"{source}, {label}, calibrated (cross-fitted)",
                )
            except ValueError:
                logger.info("no calibrated reliability diagram for %s (a half lacks a class)", source)
    return reports, loso_table(reports)
