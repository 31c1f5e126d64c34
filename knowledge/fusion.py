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


#: Defaults of :func:`guarded_rank_fusion`, chosen on the development question set
#: (``tests/data/retrieval/consumer_questions_dev.json``), never on the evaluation set.
GUARDED_RRF_K = 10
GUARDED_WEIGHTS = (1.0, 1.0)


def guarded_rank_fusion(
    rankings: Sequence[Sequence[T]],
    k: int = GUARDED_RRF_K,
    weights: Sequence[float] | None = None,
    guard: int = 1,
) -> list[tuple[T, float]]:
    """Weighted RRF with a small constant, where each list's top ``guard`` items stay on top.

    Plain RRF (k = 60) lets any item found by both lists outrank either list's first hit:
    ``2/(60+20)`` beats ``1/(60+1)``, so a retriever's right answer at #1 can fall to 8th or
    15th behind items both lists only half-liked. Here the constant is small (top ranks
    count for much more than middle ranks), and the first ``guard`` items of every list are
    placed ahead of all others (in fused-score order), so a confident #1 from either
    retriever is always among the first ``guard * len(rankings)`` results.

    Args:
        rankings: Lists of ids, best first.
        k: The RRF constant.
        weights: One weight per list (default 1.0 each).
        guard: How many leading items of each list are protected (0 = plain weighted RRF).

    Returns:
        ``(id, fused_score)`` pairs, best first.
    """
    fused = reciprocal_rank_fusion(rankings, k=k, weights=weights)
    if guard <= 0:
        return fused
    protected = {item for ranking in rankings for item in list(dict.fromkeys(ranking))[:guard]}
    head = [pair for pair in fused if pair[0] in protected]
    tail = [pair for pair in fused if pair[0] not in protected]
    return head + tail
