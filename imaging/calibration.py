"""Probability calibration (temperature scaling) and operating-threshold selection.

Temperature scaling (Guo et al., ICML 2017) divides each label's logit by a scalar ``T``
fitted on a validation split by minimising the negative log-likelihood; it keeps the
ranking (so AUC) unchanged and only makes the probabilities honest. Thresholds are chosen
on the same validation split, on calibrated probabilities.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import torch

FloatArray = npt.NDArray[np.float64]
ThresholdRule = Literal["youden", "sensitivity"]


def sigmoid(logits: npt.ArrayLike) -> FloatArray:
    """Numerically stable logistic function."""
    x = np.asarray(logits, dtype=np.float64)
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)), dtype=np.float64)


def fit_temperature(logits: npt.ArrayLike, labels: npt.ArrayLike, max_iter: int = 200) -> float:
    """Fit one temperature for binary logits by minimising the validation NLL.

    Args:
        logits: Uncalibrated logits, shape ``(n,)``.
        labels: Binary targets (0/1), shape ``(n,)``.
        max_iter: L-BFGS iterations.

    Returns:
        The temperature ``T > 0``; calibrated probability is ``sigmoid(logit / T)``.

    Raises:
        ValueError: If the inputs are empty, mismatched or contain a single class.
    """
    z = torch.as_tensor(np.asarray(logits, dtype=np.float64))
    y = torch.as_tensor(np.asarray(labels, dtype=np.float64))
    if z.ndim != 1 or z.shape != y.shape or z.numel() == 0:
        raise ValueError("logits and labels must be non-empty 1-D arrays of equal length")
    if float(y.min()) == float(y.max()):
        raise ValueError("temperature scaling needs both classes in the validation split")
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([log_t], lr=0.1, max_iter=max_iter)

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z / log_t.exp(), y)
        loss.backward()  # type: ignore[no-untyped-call]
        return loss

    optimiser.step(closure)  # type: ignore[no-untyped-call]
    return float(log_t.exp().item())


def youden_threshold(probabilities: npt.ArrayLike, labels: npt.ArrayLike) -> float:
    """Threshold maximising Youden's J = sensitivity + specificity - 1.

    Args:
        probabilities: Scores (higher means positive).
        labels: Binary targets.

    Returns:
        The score at which J is largest (ties: the lowest such score).
    """
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    best_t, best_j = 0.5, -1.0
    for t in np.unique(p):
        pred = p >= t
        sens = float(pred[y].mean()) if y.any() else 0.0
        spec = float((~pred[~y]).mean()) if (~y).any() else 0.0
        if sens + spec - 1.0 > best_j:
            best_t, best_j = float(t), sens + spec - 1.0
    return best_t


def sensitivity_threshold(probabilities: npt.ArrayLike, labels: npt.ArrayLike, target: float = 0.9) -> float:
    """Highest threshold whose sensitivity on the given split is at least ``target``."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    positives = np.sort(p[y])[::-1]
    if positives.size == 0:
        raise ValueError("sensitivity-targeted thresholds need positive examples")
    k = int(np.ceil(target * positives.size)) - 1
    return float(positives[max(k, 0)])


def choose_threshold(
    probabilities: npt.ArrayLike,
    labels: npt.ArrayLike,
    rule: ThresholdRule = "youden",
    target_sensitivity: float = 0.9,
) -> float:
    """Choose an operating threshold by the named rule (``youden`` or ``sensitivity``)."""
    if rule == "youden":
        return youden_threshold(probabilities, labels)
    return sensitivity_threshold(probabilities, labels, target_sensitivity)


def expected_calibration_error(probabilities: npt.ArrayLike, labels: npt.ArrayLike, bins: int = 10) -> float:
    """Expected calibration error with equal-width bins (lower is better)."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            ece += float(mask.mean()) * abs(float(p[mask].mean()) - float(y[mask].mean()))
    return ece
