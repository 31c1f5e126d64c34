"""Tests for imaging.evaluation: AUC, rates, patient-level bootstrap, CT scoring."""

from __future__ import annotations

import numpy as np
import pytest

from imaging.metrics import (
    binary_metrics,
    bootstrap_auc_ci,
    confusion_rates,
    roc_auc,
)


class TestRocAuc:
    @pytest.mark.parametrize(
        ("scores", "labels", "expected"),
        [
            ([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], 0.75),
            ([0.1, 0.2, 0.3, 0.4], [0, 0, 1, 1], 1.0),
            ([0.4, 0.3, 0.2, 0.1], [0, 0, 1, 1], 0.0),
            ([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1], 0.5),
        ],
    )
    def test_known_values(self, scores: list[float], labels: list[int], expected: float) -> None:
        """AUC equals the probability a positive outranks a negative (ties count half)."""
        assert roc_auc(scores, labels) == pytest.approx(expected)

    def test_one_class_refused(self) -> None:
        """AUC is undefined with one class."""
        with pytest.raises(ValueError, match="at least one positive and one negative"):
            roc_auc([0.1, 0.2], [1, 1])


class TestRatesAndBootstrap:
    def test_confusion_rates(self) -> None:
        """Sensitivity, specificity and accuracy at a threshold."""
        assert confusion_rates([0.9, 0.4, 0.6, 0.1], [1, 1, 0, 0], 0.5) == (0.5, 0.5, 0.5)

    def test_bootstrap_interval_contains_estimate(self) -> None:
        """The patient-level 95% interval brackets the point AUC and is reproducible."""
        rng = np.random.default_rng(3)
        y = rng.random(300) < 0.5
        s = y + rng.normal(0, 1, 300)
        groups = np.repeat(np.arange(100), 3)
        low, high = bootstrap_auc_ci(s, y, groups, n_boot=300)
        assert low < roc_auc(s, y) < high
        assert (low, high) == bootstrap_auc_ci(s, y, groups, n_boot=300)

    def test_binary_metrics_fields(self) -> None:
        """binary_metrics gathers counts, AUC and the operating point."""
        m = binary_metrics("toy", "pneumonia", [0.9, 0.4, 0.6, 0.1], [1, 1, 0, 0], 0.5)
        assert (m.n, m.n_positive, m.auc, m.sensitivity) == (4, 2, 0.75, 0.5)
