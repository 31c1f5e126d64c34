"""Measure the input guard on pictures it never saw: real chest films refused, other pictures read.

The guard (``so-cxr-guard``) learned from the films of patient half 0 (hash seed
``GUARD_SPLIT_SEED``), CT series A0001 and generator seed 1. This script scores only what
it did not see, each picture exactly as an uploaded PNG/JPEG is scored (colour judged on
the RGB picture first, then the learned guard on the grey picture):

- real frontal chest films: every film of patient half 1 from every source of the dataset
  registry (NIH, Kermany with its official test split apart, the ``adult_extra`` sets),
  plus the picture files of ``cxr/xrv_samples``;
- non-chest and altered pictures: the challenge set's negatives
  (:func:`imaging.guard_challenge.build_challenge`: CT A0002 in three windows and the
  highdicom CT, half-1 films rotated, upside down, mirrored and inverted, the veterinary DX
  in four variants, generated documents, patterns and natural-like pictures, seed 2).

It prints the false-refusal rate per source and the acceptance rate per negative category
at the registered threshold and at a few others, so a change to the guard can be judged
on both sides at once.

    python benchmarks/guard_refusals.py [--data ../shared/data] [--per-source 0] [--json out.json]
        [--weights candidate.pt]

``--weights`` scores a candidate state dict (same architecture and preprocessing as the
registered guard) instead of the registered weights, ``--views as_is`` each picture
without the averaged framings, to compare before and after.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import torch

from imaging.datasets import KERMANY, all_films, patient_half
from imaging.guard import GUARD_NAME, GUARD_VIEWS, FrontalGuard
from imaging.guard_challenge import GUARD_SPLIT_SEED, build_challenge
from imaging.ood import MAX_COLOURFULNESS, colourfulness
from imaging.photo import picture_array, picture_colour
from imaging.registry import get_model_entry

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = (0.3, 0.4, 0.5)
BATCH = 64


def score_files(paths: list[Path], guard: FrontalGuard) -> list[float]:
    """The guard's probability per picture file; a picture refused for colour scores -1."""
    scores: list[float] = []
    for start in range(0, len(paths), BATCH):
        chunk = paths[start : start + BATCH]
        greys, colour = [], []
        for path in chunk:
            rgb, _ = picture_colour(path)
            colour.append(colourfulness(rgb) > MAX_COLOURFULNESS)
            greys.append(picture_array(path))
        probs = guard.probabilities(greys)
        scores += [-1.0 if c else p for c, p in zip(colour, probs, strict=True)]
    return scores


def unseen_films(data: Path, per_source: int, seed: int = 5) -> dict[str, list[Path]]:
    """Films of the patients the guard never saw, by source (Kermany's official test split apart)."""
    rng = np.random.default_rng(seed)
    groups: dict[str, list[Path]] = defaultdict(list)
    for film in all_films(data):
        if patient_half(film.patient, GUARD_SPLIT_SEED) != 1:
            continue
        name = f"{KERMANY}_test" if film.source == KERMANY and film.official_test else film.source
        groups[name].append(film.path)
    samples = sorted(
        p for p in (data / "cxr" / "xrv_samples").rglob("*") if p.suffix.lower() in (".png", ".jpg")
    )
    groups["xrv_samples"] = samples
    if per_source:
        groups = {k: [v[i] for i in sorted(rng.permutation(len(v))[:per_source])] for k, v in groups.items()}
    return dict(groups)


def rates(scores: dict[str, list[float]], threshold: float, positive: bool) -> dict[str, tuple[int, int]]:
    """Per group (wrong, n): films refused (``positive``) or other pictures read as films."""
    out = {}
    for name, values in scores.items():
        arr = np.asarray(values)
        wrong = int((arr < threshold).sum()) if positive else int((arr >= threshold).sum())
        out[name] = (wrong, len(arr))
    return out


def _total(groups: dict[str, tuple[int, int]]) -> tuple[int, int]:
    return sum(w for w, _ in groups.values()), sum(n for _, n in groups.values())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--per-source", type=int, default=0, help="films per source (0: all)")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--weights", type=Path, default=None, help="a candidate state dict to score")
    parser.add_argument("--views", default=",".join(GUARD_VIEWS), help="framings averaged (as_is: none)")
    args = parser.parse_args()
    guard = FrontalGuard(get_model_entry(GUARD_NAME), views=args.views.split(","))
    if args.weights is not None:
        guard.model.load_state_dict(torch.load(args.weights, weights_only=True))
        guard.model.eval()
    films = unseen_films(args.data, args.per_source)
    film_scores = {name: score_files(paths, guard) for name, paths in films.items()}
    with tempfile.TemporaryDirectory(prefix="guard-challenge-") as tmp:
        items = build_challenge(args.data, Path(tmp))
        by_kind: dict[str, list[Path]] = defaultdict(list)
        for path, category in items:
            if category != "chest_film":
                by_kind[category].append(path)
        other_scores = {kind: score_files(paths, guard) for kind, paths in by_kind.items()}
    report: dict[str, Any] = {
        "guard": guard.entry.card.id if guard.entry.card else GUARD_NAME,
        "thresholds": {},
    }
    for threshold in sorted({*THRESHOLDS, guard.threshold}):
        refused = rates(film_scores, threshold, positive=True)
        read = rates(other_scores, threshold, positive=False)
        (fr, fn), (ra, rn) = _total(refused), _total(read)
        mark = " (registered)" if threshold == guard.threshold else ""
        print(f"threshold {threshold:.2f}{mark}")
        print(f"  real chest films refused: {fr}/{fn} ({fr / max(fn, 1):.1%})")
        for name, (w, n) in sorted(refused.items()):
            print(f"    {name}: {w}/{n}")
        print(f"  non-chest or altered pictures read as films: {ra}/{rn} ({ra / max(rn, 1):.1%})")
        for name, (w, n) in sorted(read.items()):
            print(f"    {name}: {w}/{n}")
        report["thresholds"][f"{threshold:.2f}"] = {"films_refused": refused, "others_read": read}
    lowest = sorted(
        (s, str(p)) for name, paths in films.items() for s, p in zip(film_scores[name], paths, strict=True)
    )[:10]
    print("lowest-scoring real films:")
    for s, p in lowest:
        print(f"  {s:.3f} {p}")
    report["lowest_films"] = lowest
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
