"""Discrimination and calibration metrics: ROC AUC with bootstrap intervals, confusion rates.

Pure numpy functions shared by training, evaluation and external validation.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel


def _mid_ranks(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """1-based ranks with ties given their average rank."""
    order = np.argsort(values, kind="mergesort")
    sorted_vals = values[order]
    _, first, counts = np.unique(sorted_vals, return_index=True, return_counts=True)
    mid = first + (counts + 1) / 2.0
    ranks = np.empty_like(values)
    ranks[order] = np.repeat(mid, counts)
    return ranks


def roc_auc(scores: npt.ArrayLike, labels: npt.ArrayLike) -> float:
    """Area under the ROC curve (Mann-Whitney U with mid-ranks for ties).

    Raises:
        ValueError: If only one class is present.
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("AUC needs at least one positive and one negative example")
    ranks = _mid_ranks(s)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


class BinaryMetrics(BaseModel):
    """Discrimination and operating-point figures for one label on one dataset."""

    dataset: str
    label: str
    n: int
    n_positive: int
    auc: float
    auc_ci95: tuple[float, float] | None = None
    threshold: float
    sensitivity: float
    specificity: float
    accuracy: float


def confusion_rates(
    probabilities: npt.ArrayLike, labels: npt.ArrayLike, threshold: float
) -> tuple[float, float, float]:
    """``(sensitivity, specificity, accuracy)`` at ``probability >= threshold``."""
    p = np.asarray(probabilities, dtype=np.float64) >= threshold
    y = np.asarray(labels, dtype=bool)
    sens = float(p[y].mean()) if y.any() else float("nan")
    spec = float((~p[~y]).mean()) if (~y).any() else float("nan")
    return sens, spec, float((p == y).mean())


def bootstrap_auc_ci(
    scores: npt.ArrayLike,
    labels: npt.ArrayLike,
    groups: npt.ArrayLike | None = None,
    n_boot: int = 2000,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile 95% interval of the AUC, resampling groups (patients) with replacement.

    Args:
        scores: Model scores.
        labels: Binary targets.
        groups: Cluster id per row (patient id); rows of one patient are resampled together.
        n_boot: Bootstrap replicates.
        seed: Random seed (the interval is reproducible).
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    g = np.asarray(groups) if groups is not None else np.arange(len(s))
    uniq, inverse = np.unique(g, return_inverse=True)
    members = [np.flatnonzero(inverse == k) for k in range(len(uniq))]
    rng = np.random.default_rng(seed)
    aucs = []
    for _ in range(n_boot):
        pick = np.concatenate([members[k] for k in rng.integers(0, len(uniq), len(uniq))])
        if y[pick].all() or not y[pick].any():
            continue
        aucs.append(roc_auc(s[pick], y[pick]))
    low, high = np.percentile(aucs, [2.5, 97.5])
    return float(low), float(high)


def binary_metrics(
    dataset: str,
    label: str,
    probabilities: npt.ArrayLike,
    labels: npt.ArrayLike,
    threshold: float,
    groups: npt.ArrayLike | None = None,
    bootstrap: bool = False,
) -> BinaryMetrics:
    """All figures for one label: AUC (optionally with patient-level bootstrap CI) and rates."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    sens, spec, acc = confusion_rates(p, y, threshold)
    return BinaryMetrics(
        dataset=dataset,
        label=label,
        n=len(p),
        n_positive=int(y.sum()),
        auc=roc_auc(p, y),
        auc_ci95=bootstrap_auc_ci(p, y, groups) if bootstrap else None,
        threshold=threshold,
        sensitivity=sens,
        specificity=spec,
        accuracy=acc,
    )
