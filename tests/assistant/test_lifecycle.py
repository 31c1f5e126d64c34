"""The case state machine: every legal and illegal transition."""

from __future__ import annotations

import itertools

import pytest

from assistant.errors import InvalidTransitionError
from assistant.lifecycle import TRANSITIONS, CaseStatus, can_transition, check_transition

S = CaseStatus
LEGAL = {
    (S.INTAKE, S.SUBMITTED),
    (S.SUBMITTED, S.DRAFTING),
    (S.DRAFTING, S.PENDING_REVIEW),
    (S.DRAFTING, S.SUBMITTED),
    (S.DRAFTING, S.DRAFT_FAILED),
    (S.DRAFT_FAILED, S.SUBMITTED),
    (S.PENDING_REVIEW, S.IN_REVIEW),
    (S.IN_REVIEW, S.PENDING_REVIEW),
    (S.IN_REVIEW, S.SIGNED),
    (S.IN_REVIEW, S.RETURNED),
    (S.IN_REVIEW, S.DECLINED),
    (S.RETURNED, S.SUBMITTED),
    (S.SIGNED, S.DELIVERED),
    (S.SIGNED, S.AMENDED),
    (S.DELIVERED, S.AMENDED),
    (S.AMENDED, S.DELIVERED),
    (S.AMENDED, S.AMENDED),
}
ALL_PAIRS = list(itertools.product(CaseStatus, CaseStatus))


class TestStateMachine:
    @pytest.mark.parametrize(("src", "dst"), sorted(LEGAL))
    def test_legal_transition_allowed(self, src: CaseStatus, dst: CaseStatus) -> None:
        """Each transition of the design is allowed."""
        assert can_transition(src, dst)
        check_transition(src, dst)

    @pytest.mark.parametrize(("src", "dst"), [p for p in ALL_PAIRS if p not in LEGAL])
    def test_illegal_transition_raises(self, src: CaseStatus, dst: CaseStatus) -> None:
        """Every other pair raises a domain error naming both states."""
        with pytest.raises(InvalidTransitionError, match=f"'{src.value}' to '{dst.value}'"):
            check_transition(src, dst)

    def test_table_matches_design(self) -> None:
        """The transition table holds exactly the legal pairs (no silent additions)."""
        table = {(s, d) for s, targets in TRANSITIONS.items() for d in targets}
        assert table == LEGAL

    def test_declined_is_terminal(self) -> None:
        """Nothing leaves 'declined'."""
        assert TRANSITIONS[S.DECLINED] == frozenset()
