"""Per-category classifier thresholds chosen by cross-validation on the exemplar bank alone.

The exemplar classifier is trained on the whole bank, so its probabilities on the bank
itself are optimistic. Here the bank is split into ``folds`` parts, stratified by label
and in file order (the same split every time); each part is predicted by a classifier
trained on the others. For each category the threshold is the lowest value on a grid at
which at most ``max_false_alarm`` of that category's comparable look-alikes (the bank's
non-emergency exemplars of the category that reach the semantic layer) would fire: as
many of the category's emergencies as that budget allows. No evaluation set is read.

    second-opinion triage calibrate     # prints the ``per_category`` block for exemplars.yaml

``--repeats`` pools several fold splits (see :func:`repeated_cross_validated`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assistant.triage.classifier import NONE, ClassifierSettings, ExemplarClassifier, Prediction

GRID = tuple(round(0.5 + 0.01 * i, 2) for i in range(50))  # 0.50 .. 0.99


@dataclass(frozen=True)
class TrainingRow:
    """One exemplar as the classifier learns it: its label (a category or none) and its topic."""

    label: str  # an emergency category, or NONE
    topic: str  # the bank block it comes from ("general" for ordinary answers)
    comparable: bool  # whether text like it reaches the semantic layer (not negated, past or a question)


@dataclass(frozen=True)
class CategoryCalibration:
    """The chosen threshold of one category and what it gives on the held-out folds."""

    category: str
    threshold: float
    recall: float  # share of the category's emergencies at or above the threshold
    false_alarm: float  # share of its comparable look-alikes at or above it
    emergencies: int
    look_alikes: int


def cross_validated(
    vectors: npt.NDArray[np.float32],
    rows: Sequence[TrainingRow],
    settings: ClassifierSettings,
    folds: int = 5,
    shuffle_seed: int | None = None,
) -> list[Prediction]:
    """Each row's prediction by a classifier trained without its fold (stratified by label).

    Folds follow file order, or with ``shuffle_seed`` a fixed permutation within each label.
    """
    labels = np.array([r.label for r in rows])
    fold = np.zeros(len(rows), dtype=int)
    rng = np.random.default_rng(shuffle_seed) if shuffle_seed is not None else None
    for label in sorted(set(labels)):
        where = np.flatnonzero(labels == label)
        order = np.arange(len(where)) if rng is None else rng.permutation(len(where))
        fold[where] = order % folds
    out: list[Prediction | None] = [None] * len(rows)
    for f in range(folds):
        train = fold != f
        clf = ExemplarClassifier(vectors[train], list(labels[train]), settings)
        for i, p in zip(np.flatnonzero(~train), clf.predict(vectors[~train]), strict=True):
            out[i] = p
    return [p for p in out if p is not None]


def repeated_cross_validated(
    vectors: npt.NDArray[np.float32],
    rows: Sequence[TrainingRow],
    settings: ClassifierSettings,
    folds: int = 5,
    repeats: int = 1,
) -> tuple[list[Prediction], list[TrainingRow]]:
    """Held-out predictions over ``repeats`` different fold splits, with their rows repeated.

    The first split is in file order; each further one shuffles within each label with a
    fixed seed (the same result every time). With a dozen look-alikes per category, one
    split moves a threshold by 0.1-0.2 when a single exemplar is added elsewhere in the
    bank; pooling several splits is steadier.
    """
    predictions: list[Prediction] = []
    pooled: list[TrainingRow] = []
    for r in range(repeats):
        predictions += cross_validated(vectors, rows, settings, folds, None if r == 0 else r)
        pooled += list(rows)
    return predictions, pooled


def calibrate(
    predictions: Sequence[Prediction],
    rows: Sequence[TrainingRow],
    max_false_alarm: float = 0.05,
    grid: Sequence[float] = GRID,
) -> list[CategoryCalibration]:
    """The lowest threshold per category whose held-out false-alarm share stays within budget."""
    p = np.array([x.p_emergency for x in predictions])
    labels = np.array([r.label for r in rows])
    topics = np.array([r.topic for r in rows])
    comparable = np.array([r.comparable for r in rows])
    out: list[CategoryCalibration] = []
    for category in sorted(set(labels) - {NONE}):
        pos = p[labels == category]
        neg = p[(labels == NONE) & (topics == category) & comparable]
        chosen = grid[-1]
        for t in grid:
            if not len(neg) or float((neg >= t).mean()) <= max_false_alarm:
                chosen = t
                break
        out.append(
            CategoryCalibration(
                category,
                float(chosen),
                float((pos >= chosen).mean()) if len(pos) else 0.0,
                float((neg >= chosen).mean()) if len(neg) else 0.0,
                len(pos),
                len(neg),
            )
        )
    return out
