"""A small classifier on sentence embeddings: emergency category or none, trained on the exemplar bank.

The nearest-exemplar rule asks whether one exemplar is close; a multinomial logistic
regression over all exemplars learns which directions of the embedding space separate
each emergency category from ordinary messages, so a phrasing that resembles no single
exemplar but shares what the category's exemplars have in common still scores. It is
trained when the triage is built (a few hundred exemplars, well under a second, the
same result every time: zero start, full-batch steps) and never on evaluation sets.
Its per-category thresholds live in ``exemplars.yaml`` beside the bank, calibrated on
``tests/data/triage/dev.jsonl`` only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

NONE = "none"
Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ClassifierSettings:
    """Training strength and the decision thresholds on the emergency probability."""

    l2: float = 1e-3
    steps: int = 400
    learning_rate: float = 0.5
    scale: float = 10.0  # unit vectors are multiplied by this before the linear layer
    threshold: float = 0.5
    min_similarity: float = 0.45  # and the category's nearest exemplar at least this close
    # and that exemplar at most this much further than the nearest non-emergency exemplar
    max_deficit: float = 1.0
    per_category: tuple[tuple[str, float], ...] = ()

    def threshold_for(self, category: str) -> float:
        """The emergency-probability threshold of one category."""
        return dict(self.per_category).get(category, self.threshold)


@dataclass(frozen=True)
class Prediction:
    """The classifier's view of one text: the likeliest emergency category and how likely any is."""

    category: str
    p_category: float
    p_emergency: float  # 1 - P(none)


class ExemplarClassifier:
    """Softmax regression from embeddings to ``none`` or an emergency category (see module docstring)."""

    def __init__(
        self, vectors: npt.NDArray[np.float32], labels: Sequence[str], settings: ClassifierSettings
    ) -> None:
        if len(vectors) != len(labels) or not len(labels):
            raise ValueError("the classifier needs one label per exemplar vector")
        self.settings = settings
        self.classes: tuple[str, ...] = (NONE, *sorted({lab for lab in labels if lab != NONE}))
        index = {c: i for i, c in enumerate(self.classes)}
        y = np.array([index[lab] for lab in labels])
        x = self._features(vectors)
        n_none = max(int((y == 0).sum()), 1)
        # Ordinary messages weigh as much in total as all emergencies together.
        sample_w = np.where(y == 0, (len(y) - n_none) / n_none, 1.0)
        self.weights = self._fit(x, y, sample_w)

    def _features(self, vectors: npt.NDArray[np.float32]) -> Matrix:
        x = np.asarray(vectors, dtype=np.float64) * self.settings.scale
        return np.hstack([x, np.ones((len(x), 1))])

    def _fit(self, x: Matrix, y: npt.NDArray[np.int64], sample_w: Matrix) -> Matrix:
        d = x.shape[1]
        k = len(self.classes)
        onehot = np.eye(k)[y]
        w = np.zeros((d, k))
        m, v = np.zeros_like(w), np.zeros_like(w)
        s = self.settings
        total = float(sample_w.sum())
        for step in range(1, s.steps + 1):  # Adam on the weighted cross-entropy plus L2
            p = _softmax(x @ w)
            grad = x.T @ ((p - onehot) * sample_w[:, None]) / total + s.l2 * w
            m = 0.9 * m + 0.1 * grad
            v = 0.999 * v + 0.001 * grad**2
            w -= s.learning_rate * 0.1 * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
        return w

    def predict(self, vectors: npt.NDArray[np.float32]) -> list[Prediction]:
        """One prediction per embedded text."""
        if not len(vectors):
            return []
        p = _softmax(self._features(vectors) @ self.weights)
        out: list[Prediction] = []
        for row in p:
            best = 1 + int(np.argmax(row[1:]))
            out.append(Prediction(self.classes[best], float(row[best]), float(1.0 - row[0])))
        return out

    def is_emergency(self, prediction: Prediction, similarity: float, counter: float = -1.0) -> bool:
        """Whether a prediction passes its category's threshold, ``similarity`` being the
        cosine of the text to that category's nearest emergency exemplar (a floor that keeps
        the classifier off texts unlike anything in the bank, where a linear model guesses)
        and ``counter`` the cosine to the nearest non-emergency exemplar: a text much closer
        to a look-alike than to any emergency of the category is not called one ("the
        antibiotics are not helping after two weeks" is not anaphylaxis)."""
        return (
            prediction.p_emergency >= self.settings.threshold_for(prediction.category)
            and similarity >= self.settings.min_similarity
            and similarity >= counter - self.settings.max_deficit
        )


def _softmax(z: Matrix) -> Matrix:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: Matrix = e / e.sum(axis=1, keepdims=True)
    return out
