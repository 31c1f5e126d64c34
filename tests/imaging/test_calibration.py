"""Tests for imaging.calibration: temperature scaling and operating thresholds."""

from __future__ import annotations

import numpy as np
import pytest

from imaging.calibration import (
    choose_threshold,
    expected_calibration_error,
    fit_temperature,
    sensitivity_threshold,
    sigmoid,
    youden_threshold,
)


class TestFitTemperature:
    @pytest.mark.parametrize("true_t", [0.5, 1.0, 2.5])
    def test_recovers_known_temperature(self, true_t: float) -> None:
        """Labels drawn from sigmoid(z) with logits z*T give back T."""
        rng = np.random.default_rng(1)
        z = rng.normal(0, 2, 20000)
        y = rng.random(20000) < sigmoid(z)
        assert fit_temperature(z * true_t, y) == pytest.approx(true_t, rel=0.08)

    def test_calibration_lowers_ece(self) -> None:
        """Over-confident logits become better calibrated after scaling."""
        rng = np.random.default_rng(2)
        z = rng.normal(0, 2, 5000)
        y = rng.random(5000) < sigmoid(z)
        t = fit_temperature(3 * z, y)
        assert expected_calibration_error(sigmoid(3 * z / t), y) < expected_calibration_error(
            sigmoid(3 * z), y
        )

    def test_single_class_refused(self) -> None:
        """Scaling needs both classes."""
        with pytest.raises(ValueError, match="both classes"):
            fit_temperature([0.1, 0.2], [1, 1])


class TestThresholds:
    def test_youden_separates_perfectly(self) -> None:
        """With separable scores Youden picks the lowest positive score."""
        assert youden_threshold([0.1, 0.2, 0.7, 0.9], [0, 0, 1, 1]) == 0.7

    @pytest.mark.parametrize(("target", "expected"), [(0.5, 0.6), (0.75, 0.4), (1.0, 0.2)])
    def test_sensitivity_target(self, target: float, expected: float) -> None:
        """The highest threshold reaching the target sensitivity is chosen."""
        p, y = [0.2, 0.3, 0.4, 0.6, 0.8], [1, 0, 1, 1, 1]
        assert sensitivity_threshold(p, y, target) == expected

    def test_choose_dispatches(self) -> None:
        """choose_threshold names its rule."""
        p, y = [0.1, 0.2, 0.7, 0.9], [0, 0, 1, 1]
        assert choose_threshold(p, y, "youden") == 0.7
        assert choose_threshold(p, y, "sensitivity", 0.5) == 0.9
