"""The semantic layer of triage: nearest exemplars from ``exemplars.yaml`` with the shared embedder.

The bank's exemplars are embedded once when the triage is built; a message costs one
embedding call for its sentences and one matrix product. The embedder is the process's
shared sentence-transformers model (see :func:`assistant.components.embedder`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import yaml

from assistant.triage.bank_cache import embed_bank
from assistant.triage.calibration import TrainingRow
from assistant.triage.classifier import NONE, ClassifierSettings, ExemplarClassifier, Prediction
from assistant.triage.errors import TriageConfigError

EXEMPLARS_PATH = Path(__file__).with_name("exemplars.yaml")
Vectors = npt.NDArray[np.float32]


class TextEmbedder(Protocol):
    """What the semantic layer needs from an embedder: unit vectors for texts."""

    def embed(self, texts: Sequence[str], batch_size: int | None = None) -> Vectors:
        """Embed texts as unit-length rows."""
        ...


@dataclass(frozen=True)
class Exemplar:
    """One curated message of the bank."""

    category: str  # an emergency category, or "general"
    emergency: bool
    text: str
    trained: bool = True  # False: a look-alike for comparison only, never a classifier example


@dataclass(frozen=True)
class Thresholds:
    """When the nearest emergency exemplar is close enough."""

    high: float
    low: float
    margin: float


@dataclass(frozen=True)
class ExemplarBank:
    """The exemplars and the thresholds of the semantic decision."""

    version: str
    exemplars: tuple[Exemplar, ...]
    thresholds: Thresholds
    classifier: ClassifierSettings = field(default_factory=ClassifierSettings)

    def words(self) -> set[str]:
        """Every word of every exemplar (targets for typo correction)."""
        return {w for e in self.exemplars for w in e.text.lower().replace("'", " ").split() if w.isalpha()}


@dataclass(frozen=True)
class SemanticMatch:
    """The nearest emergency exemplar of a text, and the nearest non-emergency one."""

    text: str
    category: str
    score: float
    exemplar: str
    counter_score: float
    counter_exemplar: str
    emergency: bool
    prediction: Prediction | None = None  # the exemplar classifier's view, when it ran
    by_classifier: bool = False  # an emergency because of the classifier alone

    def played_down(self) -> SemanticMatch:
        """The same match, not counted as an emergency (the text plays the symptom down)."""
        return replace(self, emergency=False)


def load_bank(path: Path = EXEMPLARS_PATH) -> ExemplarBank:
    """Read the exemplar bank.

    Raises:
        TriageConfigError: If the file is not valid YAML or lacks categories or thresholds.
    """
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise TriageConfigError(f"cannot read triage exemplars from {path}: {e}") from e
    if not isinstance(data, dict) or not isinstance(data.get("categories"), dict):
        raise TriageConfigError(f"{path} must hold a mapping with 'categories'")
    exemplars: list[Exemplar] = []
    for category, block in data["categories"].items():
        for key, flag in (("emergency", True), ("not_emergency", False)):
            exemplars += [Exemplar(str(category), flag, str(t)) for t in (block or {}).get(key) or []]
    exemplars += [Exemplar("general", False, str(t)) for t in data.get("general") or []]
    exemplars += [Exemplar("general", False, str(t), trained=False) for t in data.get("intake") or []]
    raw = data.get("thresholds") or {}
    try:
        thresholds = Thresholds(float(raw["high"]), float(raw["low"]), float(raw["margin"]))
    except (KeyError, TypeError, ValueError) as e:
        raise TriageConfigError(f"{path}: 'thresholds' needs numbers high, low and margin") from e
    return ExemplarBank(str(data.get("version", "")), tuple(exemplars), thresholds, _classifier(path, data))


def _classifier(path: Path, data: dict[str, Any]) -> ClassifierSettings:
    raw = data.get("classifier") or {}
    if not isinstance(raw, dict):
        raise TriageConfigError(f"{path}: 'classifier' must be a mapping")
    try:
        per = raw.get("per_category") or {}
        return ClassifierSettings(
            l2=float(raw.get("l2", 1e-3)),
            steps=int(raw.get("steps", 400)),
            learning_rate=float(raw.get("learning_rate", 0.5)),
            scale=float(raw.get("scale", 10.0)),
            threshold=float(raw.get("threshold", 0.5)),
            min_similarity=float(raw.get("min_similarity", 0.45)),
            max_deficit=float(raw.get("max_deficit", 1.0)),
            per_category=tuple((str(k), float(v)) for k, v in per.items()),
        )
    except (TypeError, ValueError, AttributeError) as e:
        raise TriageConfigError(f"{path}: 'classifier' needs numbers ({e})") from e


class SemanticMatcher:
    """Nearest-exemplar matching over the bank with a shared embedder."""

    def __init__(
        self,
        bank: ExemplarBank,
        embedder: TextEmbedder,
        more_negatives: Sequence[Exemplar] = (),
        cache_dir: Path | None = None,
    ) -> None:
        """``more_negatives`` train the classifier as ordinary messages but are never nearest
        exemplars (negated, past and question exemplars, which the rules keep from this layer).
        ``cache_dir`` keeps the bank's embeddings between processes (see ``bank_cache``)."""
        self.bank = bank
        self.embedder = embedder
        texts = [e.text for e in bank.exemplars] + [e.text for e in more_negatives]
        embedded = embed_bank(embedder, texts, cache_dir)
        self.vectors = embedded[: len(bank.exemplars)]
        self._is_emergency = np.array([e.emergency for e in bank.exemplars], dtype=bool)
        labels = [e.category if e.emergency else NONE for e in bank.exemplars]
        extra = embedded[len(bank.exemplars) :]
        trained = [i for i, e in enumerate(bank.exemplars) if e.trained]
        self.classifier_training = (
            np.vstack([self.vectors[trained], extra]),
            [labels[i] for i in trained] + [NONE] * len(extra),
        )
        self.training_rows = [TrainingRow(labels[i], bank.exemplars[i].category, True) for i in trained] + [
            TrainingRow(NONE, e.category, False) for e in more_negatives
        ]
        self.classifier = ExemplarClassifier(*self.classifier_training, bank.classifier)
        self._category_rows = {
            c: np.array([e.emergency and e.category == c for e in bank.exemplars]) for c in set(labels)
        }

    def match(self, texts: Sequence[str], learn: Sequence[bool] | None = None) -> list[SemanticMatch]:
        """The nearest emergency and non-emergency exemplar of each text (one embedding call).

        ``learn`` says, per text, whether the classifier may call it an emergency (default: all).
        """
        if not texts:
            return []
        embedded = self.embedder.embed(list(texts))
        sims = embedded @ self.vectors.T
        predictions = self.classifier.predict(embedded)
        t = self.bank.thresholds
        out: list[SemanticMatch] = []
        allowed = list(learn) if learn is not None else [True] * len(texts)
        for text, row, pred, may_learn in zip(texts, sims, predictions, allowed, strict=True):
            pos = np.where(self._is_emergency, row, -1.0)
            neg = np.where(self._is_emergency, -1.0, row)
            i, j = int(np.argmax(pos)), int(np.argmax(neg))
            score, counter = float(pos[i]), float(neg[j])
            # however close, an emergency exemplar that a look-alike beats is not evidence
            near = (score >= t.high and score > counter) or (score >= t.low and score - counter >= t.margin)
            k = int(np.argmax(np.where(self._category_rows[pred.category], row, -1.0)))
            learned = may_learn and self.classifier.is_emergency(pred, float(row[k]), counter)
            best = self.bank.exemplars[i]
            category = best.category
            if learned and not near:  # the classifier's category, evidenced by its nearest exemplar
                category, best, score = pred.category, self.bank.exemplars[k], float(row[k])
            out.append(
                SemanticMatch(
                    text,
                    category,
                    score,
                    best.text,
                    counter,
                    self.bank.exemplars[j].text,
                    near or learned,
                    pred,
                    learned and not near,
                )
            )
        return out
