"""The case state machine, checked against the design and against the code that moves cases.

Nothing here restates :data:`assistant.lifecycle.TRANSITIONS`: the expectations come from
the design (the review path, its exits, signed versions never going back) and from the
services (every state a service moves a case to is one the table can reach, and every
target in the table is one some service moves to).
"""

from __future__ import annotations

import ast
import itertools
from collections import deque

import pytest

from assistant.errors import InvalidTransitionError
from assistant.lifecycle import OPINION_AVAILABLE, TRANSITIONS, CaseStatus, can_transition, check_transition
from tests.conftest import REPO

S = CaseStatus
#: The design's review path, in order (docs: "Case lifecycle").
REVIEW_PATH = [S.INTAKE, S.SUBMITTED, S.DRAFTING, S.PENDING_REVIEW, S.IN_REVIEW, S.SIGNED, S.DELIVERED]
#: Where a case ends: an opinion delivered, or declined.
ENDS = {S.DELIVERED, S.DECLINED}
#: States before any signature: a signed case never returns to one.
PRE_SIGNATURE = set(CaseStatus) - OPINION_AVAILABLE


def _reachable(start: CaseStatus) -> set[CaseStatus]:
    seen, todo = {start}, deque([start])
    while todo:
        for nxt in TRANSITIONS[todo.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def move_targets() -> set[CaseStatus]:
    """Every state the application's code moves a case to (``move(..., CaseStatus.X, ...)``)."""
    targets: set[CaseStatus] = set()
    for path in (REPO / "assistant").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "move"
            ):
                for arg in node.args:
                    if isinstance(arg, ast.Attribute) and getattr(arg.value, "id", "") == "CaseStatus":
                        targets.add(CaseStatus[arg.attr])
    return targets


class TestDesign:
    @pytest.mark.parametrize(("src", "dst"), list(itertools.pairwise(REVIEW_PATH)))
    def test_review_path(self, src: CaseStatus, dst: CaseStatus) -> None:
        """Each step of the design's review path is allowed."""
        assert can_transition(src, dst)
        check_transition(src, dst)

    @pytest.mark.parametrize("exit_state", [S.RETURNED, S.DECLINED, S.PENDING_REVIEW])
    def test_clinician_exits(self, exit_state: CaseStatus) -> None:
        """From review the clinician may return, decline or release the case."""
        assert can_transition(S.IN_REVIEW, exit_state)

    @pytest.mark.parametrize("signed", sorted(OPINION_AVAILABLE))
    def test_signed_versions_never_go_back(self, signed: CaseStatus) -> None:
        """After signing, changes are amendments: no way back to a state before signature."""
        assert not TRANSITIONS[signed] & PRE_SIGNATURE
        assert S.AMENDED in TRANSITIONS[signed]

    def test_declined_is_terminal(self) -> None:
        """Nothing leaves 'declined'."""
        assert TRANSITIONS[S.DECLINED] == frozenset()

    def test_every_state_is_reachable(self) -> None:
        """Every state can be reached from intake (no state the code could never see)."""
        assert _reachable(S.INTAKE) == set(CaseStatus)

    @pytest.mark.parametrize("state", sorted(CaseStatus))
    def test_no_case_is_stuck(self, state: CaseStatus) -> None:
        """From every state the case can still end: delivered or declined."""
        assert _reachable(state) & ENDS


class TestTableAndCode:
    def test_code_moves_only_to_reachable_states(self) -> None:
        """Every state a service moves a case to is the target of some transition."""
        targets = move_targets()
        assert targets, "no move() calls found: the scan is broken"
        reachable_targets = {dst for dsts in TRANSITIONS.values() for dst in dsts}
        assert targets <= reachable_targets

    def test_every_table_target_is_used(self) -> None:
        """Every target in the table is one some service moves a case to (no transition only on paper)."""
        reachable_targets = {dst for dsts in TRANSITIONS.values() for dst in dsts}
        assert reachable_targets <= move_targets()

    @pytest.mark.parametrize(("src", "dst"), list(itertools.product(CaseStatus, CaseStatus)))
    def test_check_agrees_with_can(self, src: CaseStatus, dst: CaseStatus) -> None:
        """check_transition raises, naming both states, exactly when can_transition says no."""
        if can_transition(src, dst):
            check_transition(src, dst)
        else:
            with pytest.raises(InvalidTransitionError, match=f"'{src.value}' to '{dst.value}'"):
                check_transition(src, dst)
