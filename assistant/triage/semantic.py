"""The semantic layer of triage: nearest exemplars from ``exemplars.yaml`` with the shared embedder.

The bank's exemplars are embedded once when the triage is built; a message costs one
embedding call for its sentences and one matrix product. The embedder is the process's
shared sentence-transformers model (see :func:`assistant.components.embedder`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import yaml

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
    raw = data.get("thresholds") or {}
    try:
        thresholds = Thresholds(float(raw["high"]), float(raw["low"]), float(raw["margin"]))
    except (KeyError, TypeError, ValueError) as e:
        raise TriageConfigError(f"{path}: 'thresholds' needs numbers high, low and margin") from e
    return ExemplarBank(str(data.get("version", "")), tuple(exemplars), thresholds)


class SemanticMatcher:
    """Nearest-exemplar matching over the bank with a shared embedder."""

    def __init__(self, bank: ExemplarBank, embedder: TextEmbedder) -> None:
        self.bank = bank
        self.embedder = embedder
        self.vectors = embedder.embed([e.text for e in bank.exemplars])
        self._is_emergency = np.array([e.emergency for e in bank.exemplars], dtype=bool)

    def match(self, texts: Sequence[str]) -> list[SemanticMatch]:
        """The nearest emergency and non-emergency exemplar of each text (one embedding call)."""
        if not texts:
            return []
        sims = self.embedder.embed(list(texts)) @ self.vectors.T
        t = self.bank.thresholds
        out: list[SemanticMatch] = []
        for text, row in zip(texts, sims, strict=True):
            pos = np.where(self._is_emergency, row, -1.0)
            neg = np.where(self._is_emergency, -1.0, row)
            i, j = int(np.argmax(pos)), int(np.argmax(neg))
            score, counter = float(pos[i]), float(neg[j])
            emergency = score >= t.high or (score >= t.low and score - counter >= t.margin)
            best = self.bank.exemplars[i]
            out.append(
                SemanticMatch(
                    text, best.category, score, best.text, counter, self.bank.exemplars[j].text, emergency
                )
            )
        return out
