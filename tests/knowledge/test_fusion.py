"""Reciprocal rank fusion."""

from __future__ import annotations

import pytest

from knowledge.fusion import guarded_rank_fusion, reciprocal_rank_fusion


class TestReciprocalRankFusion:
    """reciprocal_rank_fusion()."""

    def test_single_list_keeps_order(self) -> None:
        """One list comes back in its own order with scores 1/(k+rank)."""
        fused = reciprocal_rank_fusion([["a", "b", "c"]], k=60)
        assert [i for i, _ in fused] == ["a", "b", "c"]
        assert fused[0][1] == pytest.approx(1 / 61)
        assert fused[2][1] == pytest.approx(1 / 63)

    def test_agreement_beats_one_top_rank(self) -> None:
        """An item ranked second by both lists beats items ranked first by only one."""
        fused = reciprocal_rank_fusion([["x", "shared"], ["y", "shared"]], k=60)
        assert fused[0] == ("shared", pytest.approx(2 / 62))
        assert {i for i, _ in fused[1:]} == {"x", "y"}

    @pytest.mark.parametrize(
        ("rankings", "k", "expected"),
        [
            ([["a", "b"], ["b", "a"]], 60, ["a", "b"]),  # tie broken by first appearance
            ([["a", "b", "c"], ["c", "b", "a"]], 0, ["a", "c", "b"]),  # k=0: 1+1/3 vs 1/2+1/2
            ([["a"], [], ["a", "b"]], 60, ["a", "b"]),  # empty lists contribute nothing
            ([["a", "a", "b"]], 60, ["a", "b"]),  # a duplicate counts once, at its best rank
        ],
    )
    def test_orders(self, rankings: list[list[str]], k: int, expected: list[str]) -> None:
        """Fused order for a table of small cases."""
        assert [i for i, _ in reciprocal_rank_fusion(rankings, k=k)] == expected

    def test_weights(self) -> None:
        """A heavier list wins a disagreement."""
        fused = reciprocal_rank_fusion([["a", "b"], ["b", "a"]], weights=[1.0, 3.0])
        assert fused[0][0] == "b"
        assert fused[0][1] == pytest.approx(1 / 62 + 3 / 61)

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [({"k": -1}, "must be >= 0"), ({"weights": [1.0]}, "1 weights for 2 rankings")],
    )
    def test_rejects_bad_arguments(self, kwargs: dict[str, object], match: str) -> None:
        """A negative k or mismatched weights raise ValueError."""
        with pytest.raises(ValueError, match=match):
            reciprocal_rank_fusion([["a"], ["b"]], **kwargs)  # type: ignore[arg-type]

    def test_empty(self) -> None:
        """No lists, no results."""
        assert reciprocal_rank_fusion([]) == []


class TestGuardedRankFusion:
    """guarded_rank_fusion()."""

    def test_plain_rrf_buries_a_lone_first_hit(self) -> None:
        """The defect being fixed: with plain RRF a retriever's lone #1 falls below shared middling items."""
        dense = ["right"] + [f"d{i}" for i in range(1, 30)]
        shared = [f"d{i}" for i in range(1, 30)]
        lexical = list(reversed(shared))
        plain = [i for i, _ in reciprocal_rank_fusion([dense, lexical], k=60)]
        assert plain.index("right") >= 7

    def test_lone_first_hit_stays_on_top(self) -> None:
        """Either retriever's #1 stays in the first two places, however the other list agrees elsewhere."""
        dense = ["right"] + [f"d{i}" for i in range(1, 30)]
        lexical = list(reversed([f"d{i}" for i in range(1, 30)]))
        fused = [i for i, _ in guarded_rank_fusion([dense, lexical])]
        assert fused.index("right") <= 1
        assert fused.index(lexical[0]) <= 1
        assert len(fused) == 30

    def test_agreement_still_rewarded_below_the_guard(self) -> None:
        """Below the protected heads, items found by both lists rank above items found by one."""
        fused = [i for i, _ in guarded_rank_fusion([["a", "shared", "x"], ["b", "shared", "y"]])]
        assert fused[:2] in (["a", "b"], ["b", "a"])
        assert fused[2] == "shared"

    def test_no_guard_is_weighted_rrf(self) -> None:
        """guard=0 is plain weighted RRF with the given constant."""
        rankings = [["a", "b", "c"], ["c", "b", "a"]]
        assert guarded_rank_fusion(rankings, k=10, guard=0) == reciprocal_rank_fusion(rankings, k=10)
