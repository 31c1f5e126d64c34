"""The case lifecycle: states and the transitions the review process allows.

``intake -> submitted -> drafting -> pending_review -> in_review -> signed -> delivered``
with ``returned`` (the clinician asks the patient for more) and ``declined`` (no opinion
will be given) as exits, and ``amended`` for new signed versions after signing.
A drafting job that exhausts its attempts moves the case to ``draft_failed``, where admins
see it with the job's error and retry it (back to ``submitted``); no case stays in
``drafting`` for good.
"""

from __future__ import annotations

import enum

from assistant.errors import InvalidTransitionError


class CaseStatus(enum.StrEnum):
    """Where a case is in the review process."""

    INTAKE = "intake"
    SUBMITTED = "submitted"
    DRAFTING = "drafting"
    DRAFT_FAILED = "draft_failed"
    PENDING_REVIEW = "pending_review"
    IN_REVIEW = "in_review"
    SIGNED = "signed"
    DELIVERED = "delivered"
    RETURNED = "returned"
    DECLINED = "declined"
    AMENDED = "amended"


S = CaseStatus

TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.INTAKE: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.DRAFTING}),
    # A drafting job that is retried from scratch goes back to submitted; one that
    # exhausts its attempts parks the case where admins see and retry it.
    S.DRAFTING: frozenset({S.PENDING_REVIEW, S.SUBMITTED, S.DRAFT_FAILED}),
    S.DRAFT_FAILED: frozenset({S.SUBMITTED}),
    S.PENDING_REVIEW: frozenset({S.IN_REVIEW}),
    S.IN_REVIEW: frozenset({S.PENDING_REVIEW, S.SIGNED, S.RETURNED, S.DECLINED}),
    S.RETURNED: frozenset({S.SUBMITTED}),
    S.SIGNED: frozenset({S.DELIVERED, S.AMENDED}),
    S.DELIVERED: frozenset({S.AMENDED}),
    S.AMENDED: frozenset({S.DELIVERED, S.AMENDED}),
    S.DECLINED: frozenset(),
}

#: States in which a signed opinion exists and may be shown to the patient.
OPINION_AVAILABLE = frozenset({S.SIGNED, S.DELIVERED, S.AMENDED})


def can_transition(current: CaseStatus, target: CaseStatus) -> bool:
    """Whether the state machine allows ``current -> target``."""
    return target in TRANSITIONS[current]


def check_transition(current: CaseStatus, target: CaseStatus) -> None:
    """Raise :class:`InvalidTransitionError` unless ``current -> target`` is allowed."""
    if not can_transition(current, target):
        raise InvalidTransitionError(f"A case cannot go from '{current.value}' to '{target.value}'.")
