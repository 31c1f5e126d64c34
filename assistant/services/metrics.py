"""Oversight metrics: how the review process is doing, for the metrics page and the CLI.

* cases per state;
* time from first submission to first signature (median and 90th percentile);
* edit rate: signed opinions unchanged, lightly or heavily edited from the AI original,
  by word edit distance (:func:`assistant.diffing.edit_ratio`);
* citation-check failure rate of AI drafts (unsupported sentences among checked ones, and
  the share of drafts with any unsupported sentence or failed citation);
* returns, declines and amendments; red-flag (urgent) cases.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.actors import Actor
from assistant.db.models import AuditEvent, Case, Draft, Signature
from assistant.diffing import edit_bucket, edit_ratio
from assistant.drafting.stored import StoredChecks, StoredContent, StoredEvidence
from assistant.lifecycle import CaseStatus
from assistant.policy import Action, authorize
from assistant.services.draft_view import warnings_of


@dataclass(frozen=True)
class CitationStats:
    """Citation checks over AI-original drafts."""

    drafts: int = 0
    checked_sentences: int = 0
    unsupported_sentences: int = 0
    failed_citations: int = 0
    drafts_with_failures: int = 0

    @property
    def sentence_failure_rate(self) -> float | None:
        """Unsupported sentences among checked sentences."""
        return self.unsupported_sentences / self.checked_sentences if self.checked_sentences else None

    @property
    def draft_failure_rate(self) -> float | None:
        """Drafts with any unsupported sentence or failed citation."""
        return self.drafts_with_failures / self.drafts if self.drafts else None


@dataclass(frozen=True)
class OversightMetrics:
    """Everything the oversight page and ``second-opinion metrics`` report."""

    cases_by_state: dict[str, int]
    signed_cases: int
    submit_to_sign_median_h: float | None
    submit_to_sign_p90_h: float | None
    edits: dict[str, int]
    citations: CitationStats
    returns: int
    declines: int
    amendments: int
    red_flag_cases: int
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def edit_shares(self) -> dict[str, float | None]:
        """Each edit bucket's share of signed opinions."""
        total = sum(self.edits.values())
        return {k: (v / total if total else None) for k, v in self.edits.items()}

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (derived rates included)."""
        out = asdict(self)
        out["generated_at"] = self.generated_at.isoformat()
        out["edit_shares"] = self.edit_shares
        out["citations"]["sentence_failure_rate"] = self.citations.sentence_failure_rate
        out["citations"]["draft_failure_rate"] = self.citations.draft_failure_rate
        return out


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) with linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _durations_h(session: Session) -> list[float]:
    first_sig = (
        select(Draft.case_id, func.min(Signature.signed_at).label("signed"))
        .join(Signature, Signature.draft_id == Draft.id)
        .group_by(Draft.case_id)
        .subquery()
    )
    rows = session.execute(
        select(Case.first_submitted_at, first_sig.c.signed).join(first_sig, first_sig.c.case_id == Case.id)
    ).all()
    return [(signed - submitted).total_seconds() / 3600 for submitted, signed in rows if submitted and signed]


def _edit_buckets(session: Session) -> dict[str, int]:
    buckets = {"unchanged": 0, "light": 0, "heavy": 0}
    rows = session.execute(
        select(Draft.case_id, Draft.version, Draft.kind, Draft.content)
        .where(Draft.kind.in_(("ai_original", "signed")))
        .order_by(Draft.case_id, Draft.version)
    ).all()
    original: dict[str, dict[str, str]] = {}
    for case_id, _version, kind, content in rows:
        if kind == "ai_original":
            original[case_id] = StoredContent.read(content).texts_by_key()
        elif case_id in original:
            signed = StoredContent.read(content).texts_by_key()
            buckets[edit_bucket(edit_ratio(original[case_id], signed))] += 1
    return buckets


def _citations(session: Session) -> CitationStats:
    drafts = checked = unsupported = failed = with_failures = 0
    for checks, evidence in session.execute(
        select(Draft.checks, Draft.evidence).where(Draft.kind == "ai_original")
    ):
        drafts += 1
        stored = StoredChecks.read(checks)
        warn = warnings_of(stored, StoredEvidence.read(evidence))
        checked += stored.citations.n_checked_sentences if stored.citations else 0
        unsupported += warn.unsupported
        failed += warn.failed_citations
        with_failures += 1 if warn.unsupported or warn.failed_citations else 0
    return CitationStats(drafts, checked, unsupported, failed, with_failures)


def _count_events(session: Session, action: str) -> int:
    return (
        session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)) or 0
    )


def compute_metrics(session: Session, actor: Actor) -> OversightMetrics:
    """Compute the oversight metrics.

    Args:
        session: An open database session.
        actor: Who asks (``metrics.read`` is checked); the CLI asks as
            :data:`~assistant.actors.SYSTEM`.

    Returns:
        Counts, durations in hours and rates over the whole database.
    """
    authorize(actor, Action.METRICS_READ)
    by_state = dict.fromkeys((s.value for s in CaseStatus), 0)
    for status, n in session.execute(select(Case.status, func.count()).group_by(Case.status)):
        by_state[status.value] = n
    durations = _durations_h(session)
    return OversightMetrics(
        cases_by_state=by_state,
        signed_cases=len(durations),
        submit_to_sign_median_h=percentile(durations, 50),
        submit_to_sign_p90_h=percentile(durations, 90),
        edits=_edit_buckets(session),
        citations=_citations(session),
        returns=_count_events(session, "case.return"),
        declines=_count_events(session, "case.decline"),
        amendments=_count_events(session, "opinion.amend"),
        red_flag_cases=session.scalar(select(func.count()).select_from(Case).where(Case.priority == 0)) or 0,
    )


def format_hours(hours: float | None) -> str:
    """Hours as people read them: '45 min', '3.5 h' or '2.1 d'."""
    if hours is None:
        return "–"
    if hours < 1:
        return f"{hours * 60:.0f} min"
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} d"


def metrics_text(m: OversightMetrics) -> str:
    """A plain-text report for the terminal."""
    lines = ["Cases per state:"]
    lines += [f"  {state:<15} {n:>7}" for state, n in m.cases_by_state.items()]
    lines += [
        f"Submit to sign: median {format_hours(m.submit_to_sign_median_h)}, "
        f"p90 {format_hours(m.submit_to_sign_p90_h)} ({m.signed_cases} signed cases)",
        "Edits before signing: "
        + ", ".join(
            f"{k} {v} ({'–' if s is None else f'{100 * s:.0f}%'})"
            for (k, v), s in zip(m.edits.items(), m.edit_shares.values(), strict=True)
        ),
    ]
    c = m.citations
    rate = c.sentence_failure_rate
    lines += [
        f"Citation checks: {c.unsupported_sentences} of {c.checked_sentences} checked sentences unsupported"
        f" ({'–' if rate is None else f'{100 * rate:.1f}%'}); {c.failed_citations} failed citations;"
        f" {c.drafts_with_failures} of {c.drafts} AI drafts with a failure",
        f"Returns {m.returns}, declines {m.declines}, amendments {m.amendments}",
        f"Red-flag (urgent) cases: {m.red_flag_cases}",
    ]
    return "\n".join(lines)
