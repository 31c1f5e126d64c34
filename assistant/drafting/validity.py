"""What the images may be used to say: only validated findings, only in the supported direction.

A finding counts for the first diagnosis only when the imaging step reported it for a
population its model is validated on (``status == "reported"``) and the model is
specific enough to argue for the condition (``rule_in_ok``, when positive) or sensitive
enough to argue against it (``rule_out_ok``, when negative). Otherwise the draft says the
images could not confirm or exclude it, and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.drafting.conditions import Condition, for_label
from assistant.drafting.schemas import NOT_VALIDATED_REASON, ImagingFinding, ImagingFindings

# A CT nodule candidate at least this large is worth a clinician's look; at 30 mm it is mass-sized.
REVIEW_NODULE_MM = 8.0
MASS_MM = 30.0

Direction = Literal["supports", "argues_against", "cannot_settle", "not_assessed_by_any_model"]


@dataclass(frozen=True)
class Verdict:
    """What the images may say about one condition, with the finding and the reason."""

    direction: Direction
    finding: ImagingFinding | None
    reason: str


def findings_for(cond: Condition | None, label_text: str, imaging: ImagingFindings) -> list[ImagingFinding]:
    """Findings whose label points at ``cond`` (or names ``label_text``)."""
    low = label_text.lower()
    out = []
    for f in imaging.findings:
        lab = f.label.lower().replace("_", " ")
        if (cond is not None and for_label(f.label) == cond) or (low and (lab in low or low in lab)):
            out.append(f)
    return out


def _why_not(f: ImagingFinding, direction: str) -> str:
    if not f.assessed:
        return f.reason or NOT_VALIDATED_REASON
    if direction == "in":
        if f.specificity is not None:
            return f"the model's specificity ({f.specificity:.2f}) is not high enough to confirm it"
        return "the model's card gives no specificity that would allow confirming it"
    if f.sensitivity is not None:
        return f"the model's sensitivity ({f.sensitivity:.2f}) is not high enough to exclude it"
    return "the model's card gives no sensitivity that would allow excluding it"


def _why_no_finding(imaging: ImagingFindings) -> str:
    """One consistent reason for a condition no finding speaks to."""
    if not imaging.findings and imaging.ct is None:
        if imaging.refused:  # the input check's reason itself is given once, in the answer on the images
            return (
                "the uploaded image was not given to the imaging models (the answer on the images says why)"
            )
        if not imaging.kinds:
            return "no images were analysed"
        return "no imaging model result is available for these images"
    return "none of the imaging models used here looks for it"


def verdict_for(cond: Condition | None, label_text: str, imaging: ImagingFindings) -> Verdict:
    """Whether validated findings support, argue against, or cannot settle a condition."""
    found = findings_for(cond, label_text, imaging)
    if not found:
        return Verdict("not_assessed_by_any_model", None, _why_no_finding(imaging))
    for f in found:
        if f.assessed and f.positive and f.rule_in_ok:
            return Verdict("supports", f, "")
    for f in found:
        if f.assessed and not f.positive and f.rule_out_ok:
            return Verdict("argues_against", f, "")
    f = found[0]
    return Verdict("cannot_settle", f, _why_not(f, "in" if f.positive else "out"))


def usable_findings(imaging: ImagingFindings) -> list[ImagingFinding]:
    """Findings the draft may report: assessed ones only."""
    return [f for f in imaging.findings if f.assessed]


def nodules_for_review(imaging: ImagingFindings) -> tuple[float, int] | None:
    """(largest diameter, count) when CT candidates are big enough for a clinician's review."""
    ct = imaging.ct
    if ct is None or not ct.nodule_candidates:
        return None
    largest = max(n.diameter_mm for n in ct.nodule_candidates)
    return (largest, ct.candidate_count) if largest >= REVIEW_NODULE_MM else None
