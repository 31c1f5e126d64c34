"""What triage costs per message: a rule decision, the embedding path, and a run-on message.

Builds the app's triage on the packaged embedding model (rules only if it is missing), warms
it, then times ``check`` on three kinds of message and prints p50/p95 per kind in ms, with
the rule path as the baseline measured in the same process.

    .venv/bin/python benchmarks/bench_triage.py [--repeat 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.triage.engine import Triage  # noqa: E402

MESSAGES = {
    "rule": "my husband is not breathing",
    "embedding": "I have had a cough for three weeks and I am tired",
    "run-on": (
        "so the GP said it was a chest infection and gave me amoxicillin last week but "
        "I'm still coughing and tired and the phlegm is yellow, no blood, and I sleep badly"
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    from knowledge.embeddings import load_embedder
    from knowledge.errors import KnowledgeError

    started = time.perf_counter()
    try:
        triage = Triage(load_embedder())
    except KnowledgeError as e:
        print(f"embedding model missing ({e}); rules only")
        triage = Triage(None)
    print(f"build {time.perf_counter() - started:.1f} s (load average {os.getloadavg()[0]:.1f})")
    triage.check("warm up")
    figures: dict[str, tuple[float, float]] = {}
    for kind, text in MESSAGES.items():
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            triage.check(text)
            times.append(1000 * (time.perf_counter() - t0))
        times.sort()
        figures[kind] = (statistics.median(times), times[int(0.95 * (len(times) - 1))])
    base = figures["rule"][0]
    for kind, (p50, p95) in figures.items():
        print(f"{kind:10s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ({p50 / base:5.1f}x the rule path)")


if __name__ == "__main__":
    main()
