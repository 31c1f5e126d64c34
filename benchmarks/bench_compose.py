"""Benchmark composing drafts from the vignettes' intakes with the mock model (no images, no sources).

This is the rule-based part of drafting that every test of a vignette runs: parsing the questions,
reading the story, weighing the differential, writing the answers. It prints milliseconds per draft
with the condition patterns prefiltered (the code as it runs) and, in the same process over the same
intakes, with every pattern tried on every text (the baseline the prefilter replaced), and the ratio.
Remembered readings are cleared before each pass so that both start cold.

Usage: ``python benchmarks/bench_compose.py [--every 4] [--limit 240]``
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.drafting import conditions
from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import MockLLM
from assistant.drafting.schemas import ImagingFindings
from assistant.intake import IntakeRecord

VIGNETTES = Path(__file__).resolve().parents[1] / "tests" / "data" / "vignettes"


def _clear_caches() -> None:
    """Forget every remembered reading in the drafting package, so that a pass starts cold."""
    import sys

    for name, module in list(sys.modules.items()):
        if not name.startswith("assistant.drafting"):
            continue
        for value in vars(module).values():
            clear: Callable[[], None] | None = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def _pass(intakes: list[IntakeRecord]) -> float:
    _clear_caches()
    start = time.perf_counter()
    for intake in intakes:
        compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
    return 1000 * (time.perf_counter() - start) / len(intakes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=4, help="take every n-th vignette")
    parser.add_argument("--limit", type=int, default=240)
    args = parser.parse_args()
    paths = sorted(VIGNETTES.glob("*.json"))[:: args.every][: args.limit]
    intakes = [IntakeRecord.model_validate(json.loads(p.read_text())["intake"]) for p in paths]
    compose_draft(intakes[0], ImagingFindings(), [], MockLLM(responses=[""]))  # imports and tables loaded

    filtered = _pass(intakes)
    every_pattern: Callable[[str], list[Any]] = lambda _text: conditions._PATTERNS  # noqa: E731
    original = conditions._PATTERNS_FILTERED.candidates
    conditions._PATTERNS_FILTERED.candidates = every_pattern  # type: ignore[method-assign,assignment]
    try:
        unfiltered = _pass(intakes)
    finally:
        conditions._PATTERNS_FILTERED.candidates = original  # type: ignore[method-assign]
    print(f"{len(intakes)} vignettes, mock model, no images, caches cleared before each pass")
    print(f"every pattern tried on every text: {unfiltered:.0f} ms per draft")
    print(f"patterns prefiltered (as shipped):  {filtered:.0f} ms per draft")
    print(f"speed-up: {unfiltered / filtered:.2f}x")


if __name__ == "__main__":
    main()
