"""Reciprocal rank fusion (Cormack, Clarke & Buettcher, SIGIR 2009).

Each ranked list contributes ``weight / (k + rank)`` to an item's fused score, rank being
1-based. Items missing from a list get nothing from it. Ties are broken by the best rank
any list gave the item, then by first appearance, so the output is deterministic.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)

DEFAULT_RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[T]],
    k: int = DEFAULT_RRF_K,
    weights: Sequence[float] | None = None,
) -> list[tuple[T, float]]:
    """Fuse ranked lists of ids into one.

    Args:
        rankings: Lists of ids, best first. Duplicates inside one list count once (best rank).
        k: The RRF constant; larger values flatten the contribution of top ranks.
        weights: One weight per list (default 1.0 each).

    Returns:
        ``(id, fused_score)`` pairs, best first.

    Raises:
        ValueError: ``k`` is negative or ``weights`` does not match ``rankings``.
    """
    if k < 0:
        raise ValueError(f"RRF constant k must be >= 0, got {k}")
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(weights)} weights for {len(rankings)} rankings")
    scores: dict[T, float] = {}
    best_rank: dict[T, int] = {}
    first_seen: dict[T, int] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        seen: set[T] = set()
        for rank, item in enumerate(ranking, start=1):
            if item in seen:
                continue
            seen.add(item)
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
            best_rank[item] = min(best_rank.get(item, rank), rank)
            first_seen.setdefault(item, len(first_seen))
    order = sorted(scores, key=lambda i: (-scores[i], best_rank[i], first_seen[i]))
    return [(item, scores[item]) for item in order]
