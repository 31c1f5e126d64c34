"""Leave-one-source-out validation, calibration on external data, and the shortcut checks.

For each source with enough normal and abnormal films a model is trained without it and
tested on it: the only figures this project calls *external*. Per held-out source the
report gives the AUC with a patient-level bootstrap interval, the AUC within each view,
the Spearman correlation of score and film brightness on normal films, and the expected
calibration error after calibration fitted on the other half of that source's patients
(cross-fitted, so no film is scored by a calibration it helped fit).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import torch

from imaging.calibration import expected_calibration_error, youden_threshold
from imaging.datasets import FilmArrays, patient_half
from imaging.metrics import _mid_ranks, bootstrap_auc_ci, roc_auc
from imaging.robust_training import LABELS, RobustTrainConfig, predict_logits, train_robust

logger = logging.getLogger(__name__)
FloatArray = npt.NDArray[np.float64]
CALIBRATION_SEED = 7


def spearman(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Spearman rank correlation (Pearson correlation of mid-ranks)."""
    ra = _mid_ranks(np.asarray(a, dtype=np.float64))
    rb = _mid_ranks(np.asarray(b, dtype=np.float64))
    if ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def wilson_ci(successes: int, n: int) -> tuple[float, float]:
    """Wilson 95% interval of a proportion (0, 1 when n is 0)."""
    if n == 0:
        return 0.0, 1.0
    z, p = 1.959964, successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def fit_platt(logits: npt.ArrayLike, labels: npt.ArrayLike) -> tuple[float, float]:
    """Fit ``sigmoid(logit / T + b)`` by maximum likelihood; returns ``(T, b)`` with T > 0."""
    z = torch.as_tensor(np.asarray(logits, dtype=np.float64))
    y = torch.as_tensor(np.asarray(labels, dtype=np.float64))
    log_a = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_a, b], lr=0.5, max_iter=200)

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z * log_a.exp() + b, y)
        loss.backward()  # type: ignore[no-untyped-call]
        return loss

    opt.step(closure)  # type: ignore[no-untyped-call]
    return float((-log_a).exp().item()), float(b.item())


def calibrate(logits: FloatArray, temperature: float, bias: float) -> FloatArray:
    """Calibrated probabilities ``sigmoid(logit / T + b)``."""
    return np.asarray(1.0 / (1.0 + np.exp(-(logits / temperature + bias))), dtype=np.float64)


def cross_fitted(logits: FloatArray, y: npt.NDArray[np.int64], halves: npt.NDArray[np.int64]) -> FloatArray:
    """Each patient half calibrated by a fit on the other half (both halves need both classes)."""
    out = np.empty_like(logits)
    for h in (0, 1):
        fit = halves != h
        if len(set(y[fit].tolist())) < 2:
            raise ValueError("a calibration half lacks one class")
        out[~fit] = calibrate(logits[~fit], *fit_platt(logits[fit], y[fit]))
    return out


@dataclass
class SourceReport:
    """External figures of one label on one held-out source."""

    source: str
    label: str
    n_normal: int
    n_abnormal: int
    auc: float
    auc_ci95: tuple[float, float]
    view_auc: dict[str, tuple[float, float, float, int, int]]
    spearman_brightness_normals: float
    ece_raw: float
    ece_calibrated: float | None


def auc_with_ci(scores: FloatArray, y: npt.ArrayLike, groups: npt.ArrayLike) -> tuple[float, float, float]:
    """AUC and its patient-level bootstrap 95% interval."""
    low, high = bootstrap_auc_ci(scores, y, groups, n_boot=1000)
    return roc_auc(scores, y), low, high


def source_report(held: FilmArrays, logits: FloatArray, label_index: int) -> SourceReport:
    """The figures for one held-out source (``held``) and one label."""
    y = held.abnormal
    score = logits[:, label_index]
    auc, low, high = auc_with_ci(score, y, held.patient)
    views: dict[str, tuple[float, float, float, int, int]] = {}
    for view in ("PA", "AP"):
        m = held.view == view
        npos, nneg = int(y[m].sum()), int((1 - y[m]).sum())
        if npos >= 5 and nneg >= 5:
            views[view] = (*auc_with_ci(score[m], y[m], held.patient[m]), npos, nneg)
    brightness = held.images.reshape(len(held), -1).mean(axis=1)
    normals = y == 0
    halves = np.array([patient_half(p, CALIBRATION_SEED) for p in held.patient])
    try:
        ece_cal: float | None = expected_calibration_error(cross_fitted(score, y, halves), y)
    except ValueError:
        ece_cal = None
    return SourceReport(
        source=str(held.source[0]),
        label=LABELS[label_index],
        n_normal=int(normals.sum()),
        n_abnormal=int(y.sum()),
        auc=auc,
        auc_ci95=(low, high),
        view_auc=views,
        spearman_brightness_normals=spearman(score[normals], brightness[normals]),
        ece_raw=expected_calibration_error(1.0 / (1.0 + np.exp(-score)), y),
        ece_calibrated=ece_cal,
    )


def run_folds(
    data: FilmArrays, sources: list[str], config: RobustTrainConfig, out_dir: Path
) -> dict[str, FloatArray]:
    """Train one model per held-out source (resuming from ``out_dir``); returns held-out logits."""
    out_dir.mkdir(parents=True, exist_ok=True)
    logits: dict[str, FloatArray] = {}
    for source in sources:
        path = out_dir / f"fold_{source}.npz"
        if path.is_file():
            logits[source] = np.load(path)["logits"]
            continue
        held = data.source == source
        logger.info("fold: %s held out (%d films), training on %d", source, held.sum(), (~held).sum())
        model = train_robust(data.take(~held), config)
        logits[source] = predict_logits(model, data.images[held])
        torch.save(model.state_dict(), out_dir / f"model_without_{source}.pt")
        np.savez(path, logits=logits[source])
    return logits


def operating_point(
    logits: FloatArray, y: npt.NDArray[np.int64], halves: npt.NDArray[np.int64]
) -> tuple[float, float, float]:
    """Calibration ``(T, b)`` and Youden threshold fitted on patient half 0 only."""
    fit = halves == 0
    temperature, bias = fit_platt(logits[fit], y[fit])
    threshold = youden_threshold(calibrate(logits[fit], temperature, bias), y[fit])
    return temperature, bias, threshold
