"""Measure triage on a labelled set: recall and false-alarm rate per category, kind and language.

A set is JSON lines with at least ``text``, ``emergency`` (bool) and ``category`` (the
emergency category, or the topic of a non-emergency message; ``general`` for ordinary
intake answers); ``kind`` and ``lang`` are optional tags. Recall counts an emergency as
found when triage calls it an emergency of any category (the advice and the alert are the
same); the category agreement is reported beside it.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.triage.engine import Triage, TriageDecision


@dataclass(frozen=True)
class LabelledText:
    """One line of an evaluation set."""

    text: str
    emergency: bool
    category: str
    kind: str = ""
    lang: str = "en"


@dataclass
class Tally:
    """Counts for one row of the table."""

    emergencies: int = 0
    found: int = 0
    same_category: int = 0
    others: int = 0
    false_alarms: int = 0

    @property
    def recall(self) -> float | None:
        """Share of emergencies triage called emergencies."""
        return self.found / self.emergencies if self.emergencies else None

    @property
    def false_alarm_rate(self) -> float | None:
        """Share of non-emergencies triage called emergencies."""
        return self.false_alarms / self.others if self.others else None

    def add(self, item: LabelledText, decision: TriageDecision) -> None:
        """Count one decision."""
        if item.emergency:
            self.emergencies += 1
            self.found += decision.emergency
            self.same_category += decision.emergency and decision.category == item.category
        else:
            self.others += 1
            self.false_alarms += decision.emergency


@dataclass
class EvaluationReport:
    """Tallies by category, kind and language, the misses, and the time per message."""

    total: Tally = field(default_factory=Tally)
    by_category: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_lang: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    errors: list[tuple[LabelledText, TriageDecision]] = field(default_factory=list)
    ms_per_message: float = 0.0

    def table(self) -> str:
        """The report as plain-text tables."""
        lines = [_header("category")]
        lines += [_row(k, t) for k, t in sorted(self.by_category.items())]
        lines += [_row("ALL", self.total), "", _header("kind")]
        lines += [_row(k, t) for k, t in sorted(self.by_kind.items())]
        lines += ["", _header("language")]
        lines += [_row(k, t) for k, t in sorted(self.by_lang.items())]
        lines += ["", f"{self.ms_per_message:.1f} ms per message (mean)"]
        return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{100 * value:5.1f}%"


def _header(first: str) -> str:
    return f"{first:<18} {'recall':>7} {'n_emerg':>7} {'same_cat':>8} {'false_alarm':>11} {'n_other':>7}"


def _row(name: str, t: Tally) -> str:
    same = _pct(t.same_category / t.found) if t.found else "   -  "
    return (
        f"{name:<18} {_pct(t.recall):>7} {t.emergencies:>7} {same:>8} "
        f"{_pct(t.false_alarm_rate):>11} {t.others:>7}"
    )


def load_set(path: Path) -> list[LabelledText]:
    """Read a JSON-lines evaluation set.

    Raises:
        ValueError: If a line is not JSON or lacks ``text``, ``emergency`` or ``category``.
    """
    items: list[LabelledText] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            items.append(
                LabelledText(
                    str(raw["text"]),
                    bool(raw["emergency"]),
                    str(raw["category"]),
                    str(raw.get("kind", "")),
                    str(raw.get("lang", "en")),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise ValueError(f"{path}:{number}: not a labelled line ({e})") from e
    return items


def evaluate(triage: Triage, items: Iterable[LabelledText]) -> EvaluationReport:
    """Triage every item and tally the results."""
    report = EvaluationReport()
    elapsed, n = 0.0, 0
    for item in items:
        start = time.perf_counter()
        decision = triage.check(item.text)
        elapsed += time.perf_counter() - start
        n += 1
        for tally in (
            report.total,
            report.by_category[item.category],
            report.by_kind[item.kind],
            report.by_lang[item.lang],
        ):
            tally.add(item, decision)
        if decision.emergency != item.emergency:
            report.errors.append((item, decision))
    report.ms_per_message = 1000 * elapsed / n if n else 0.0
    return report
