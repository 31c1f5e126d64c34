"""Per-category thresholds by cross-validation on the exemplar bank."""

from __future__ import annotations

import numpy as np

from assistant.triage.calibration import TrainingRow, calibrate, cross_validated
from assistant.triage.classifier import NONE, ClassifierSettings, Prediction


def _toy() -> tuple[np.ndarray, list[TrainingRow]]:  # type: ignore[type-arg]
    """Cardiac along x, stroke along y, ordinary along z (look-alikes of both topics)."""
    rng = np.random.default_rng(1)
    rows, out = [], []
    for label, topic, centre in [
        ("cardiac", "cardiac", [1.0, 0, 0]),
        ("stroke", "stroke", [0, 1.0, 0]),
        (NONE, "cardiac", [0, 0, 1.0]),
        (NONE, "stroke", [0, 0, 1.0]),
    ]:
        for _ in range(10):
            rows.append(np.array(centre) + rng.normal(0, 0.2, 3))
            out.append(TrainingRow(label, topic, True))
    x = np.array(rows, dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True), out


class TestCrossValidated:
    def test_one_prediction_per_row_the_same_every_time(self) -> None:
        """Every exemplar is predicted once, by a model that did not see it; two runs agree."""
        x, rows = _toy()
        a = cross_validated(x, rows, ClassifierSettings(), folds=5)
        b = cross_validated(x, rows, ClassifierSettings(), folds=5)
        assert len(a) == len(rows) and a == b
        assert np.mean([p.p_emergency > 0.5 for p, r in zip(a, rows, strict=True) if r.label != NONE]) > 0.8

    def test_held_out_differs_from_trained_on(self) -> None:
        """A row's held-out probability is not the one of the model trained on every row."""
        from assistant.triage.classifier import ExemplarClassifier

        x, rows = _toy()
        full = ExemplarClassifier(x, [r.label for r in rows], ClassifierSettings()).predict(x)
        held = cross_validated(x, rows, ClassifierSettings(), folds=5)
        assert any(abs(f.p_emergency - h.p_emergency) > 1e-6 for f, h in zip(full, held, strict=True))


class TestCalibrate:
    def test_lowest_threshold_within_the_budget(self) -> None:
        """The threshold is the lowest grid value at which few enough look-alikes of the topic fire."""
        rows = [TrainingRow("cardiac", "cardiac", True)] * 4 + [TrainingRow(NONE, "cardiac", True)] * 4
        p = [0.95, 0.9, 0.7, 0.6, 0.8, 0.3, 0.2, 0.1]
        preds = [Prediction("cardiac", v, v) for v in p]
        (strict,) = calibrate(preds, rows, max_false_alarm=0.0, grid=(0.5, 0.7, 0.85, 0.9))
        assert (strict.threshold, strict.recall, strict.false_alarm) == (0.85, 0.5, 0.0)
        (loose,) = calibrate(preds, rows, max_false_alarm=0.25, grid=(0.5, 0.7, 0.85, 0.9))
        assert (loose.threshold, loose.recall, loose.false_alarm) == (0.5, 1.0, 0.25)

    def test_set_aside_look_alikes_do_not_count(self) -> None:
        """Negated, past and question exemplars never reach the classifier: they do not set a threshold."""
        rows = [TrainingRow("stroke", "stroke", True), TrainingRow(NONE, "stroke", False)]
        preds = [Prediction("stroke", 0.9, 0.9), Prediction("stroke", 0.99, 0.99)]
        (c,) = calibrate(preds, rows, max_false_alarm=0.0, grid=(0.5, 0.9))
        assert c.threshold == 0.5 and c.look_alikes == 0


class TestRepeatedSplits:
    def test_pooled_splits_repeat_the_rows_and_start_in_file_order(self) -> None:
        """Each split predicts every row once; the first is the file-order split; two runs agree."""
        from assistant.triage.calibration import repeated_cross_validated

        x, rows = _toy()
        preds, pooled = repeated_cross_validated(x, rows, ClassifierSettings(), folds=5, repeats=3)
        assert len(preds) == len(pooled) == 3 * len(rows) and pooled[: len(rows)] == rows
        assert preds[: len(rows)] == cross_validated(x, rows, ClassifierSettings(), folds=5)
        again, _ = repeated_cross_validated(x, rows, ClassifierSettings(), folds=5, repeats=3)
        assert again == preds
        second = preds[len(rows) : 2 * len(rows)]
        assert any(
            abs(a.p_emergency - b.p_emergency) > 1e-9 for a, b in zip(second, preds, strict=False)
        )  # another split
