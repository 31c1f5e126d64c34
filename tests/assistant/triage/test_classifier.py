"""The exemplar classifier: a softmax regression from embeddings to a category or none."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.triage.classifier import NONE, ClassifierSettings, ExemplarClassifier


def _unit(rows: list[list[float]]) -> np.ndarray:  # type: ignore[type-arg]
    a = np.array(rows, dtype=np.float32)
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def _toy() -> tuple[np.ndarray, list[str]]:  # type: ignore[type-arg]
    """Three clusters in 3-d: cardiac along x, stroke along y, ordinary along z."""
    rng = np.random.default_rng(0)
    centres = {"cardiac": [1.0, 0, 0], "stroke": [0, 1.0, 0], NONE: [0, 0, 1.0]}
    rows, labels = [], []
    for label, c in centres.items():
        for _ in range(12):
            rows.append(list(np.array(c) + rng.normal(0, 0.15, 3)))
            labels.append(label)
    return _unit(rows), labels


class TestExemplarClassifier:
    def test_learns_the_categories(self) -> None:
        """Points near each cluster get its category; an ordinary one a low emergency probability."""
        x, y = _toy()
        clf = ExemplarClassifier(x, y, ClassifierSettings())
        cardiac, stroke, ordinary = clf.predict(_unit([[0.9, 0.1, 0.1], [0.1, 0.9, 0.1], [0.1, 0.1, 0.9]]))
        assert cardiac.category == "cardiac" and cardiac.p_emergency > 0.9
        assert stroke.category == "stroke" and stroke.p_emergency > 0.9
        assert ordinary.p_emergency < 0.1

    def test_same_result_every_time(self) -> None:
        """Training starts from zero with full-batch steps: two builds give the same weights."""
        x, y = _toy()
        a = ExemplarClassifier(x, y, ClassifierSettings())
        b = ExemplarClassifier(x, y, ClassifierSettings())
        assert np.array_equal(a.weights, b.weights)

    def test_thresholds_and_similarity_floor(self) -> None:
        """An emergency needs the category's threshold and a close enough exemplar."""
        x, y = _toy()
        settings = ClassifierSettings(threshold=0.5, min_similarity=0.4, per_category=(("stroke", 1.0),))
        clf = ExemplarClassifier(x, y, settings)
        cardiac, stroke = clf.predict(_unit([[0.9, 0.1, 0.1], [0.1, 0.9, 0.1]]))
        assert clf.is_emergency(cardiac, similarity=0.9)
        assert not clf.is_emergency(cardiac, similarity=0.3)
        assert not clf.is_emergency(stroke, similarity=0.9)

    def test_labels_must_match_vectors(self) -> None:
        """One label per vector, or a clear error."""
        x, y = _toy()
        with pytest.raises(ValueError, match="one label per exemplar"):
            ExemplarClassifier(x, y[:-1], ClassifierSettings())
