"""Validated populations of a model and the gating of its findings.

A model card lists the populations (age group, view, source type) in which the model was
validated on films from sources it was not trained on, with the figures at its operating
threshold. :func:`gate_findings` reports a finding only for a film inside one of them;
otherwise the finding is "not assessed" with the reason in plain words. The card's
:class:`GatingRule` decides whether a validated finding may be used to rule a diagnosis
out (enough sensitivity) or in (enough specificity).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from imaging.inference import Finding

AgeGroup = Literal["child", "adult"]
SourceType = Literal["dicom", "picture", "photograph"]
ADULT_AGE_YEARS = 18.0
UNRECORDED_VIEW = "view not recorded"

_AGE_WORDS = {"child": "children's films", "adult": "adults' films"}
_SOURCE_WORDS = {
    "dicom": "DICOM radiographs",
    "picture": "PNG/JPEG exports of films",
    "photograph": "photographs of films or screens",
}


class FilmContext(BaseModel):
    """What is known about one film for gating: age group, view and how it arrived."""

    age_group: AgeGroup | None = Field(default=None, description="None when the age is unknown.")
    view: str | None = Field(default=None, description="'PA' or 'AP'; None when not recorded.")
    source_type: SourceType = "dicom"


class GatingRule(BaseModel):
    """When a population counts as validated, and when a finding may rule out or rule in."""

    min_auc_lower_ci: float = Field(
        default=0.6, description="External AUC lower 95% bound to list a population."
    )
    rule_out_sensitivity: float = 0.90
    rule_out_sensitivity_lower_ci: float = 0.80
    rule_in_specificity: float = 0.90
    rule_in_specificity_lower_ci: float = 0.80

    def describe(self) -> str:
        """The rule in one paragraph, for the model card."""
        return (
            "A population is listed as validated only when the external AUC's lower 95% bound is at "
            f"least {self.min_auc_lower_ci:.2f}. Inside it, a negative finding may argue against a "
            f"diagnosis (rule out) only if validated sensitivity >= {self.rule_out_sensitivity:.2f} "
            f"with lower 95% bound >= {self.rule_out_sensitivity_lower_ci:.2f}; a positive finding may "
            f"argue for it (rule in) only if validated specificity >= {self.rule_in_specificity:.2f} "
            f"with lower 95% bound >= {self.rule_in_specificity_lower_ci:.2f}. Anything else is "
            "reported as a probability that cannot settle the question."
        )


class ValidatedPopulation(BaseModel):
    """Figures of one label in one population, measured on external data."""

    label: str
    age_group: AgeGroup
    views: list[str] = Field(description="Views covered, e.g. ['PA'], or 'view not recorded'.")
    source_types: list[SourceType] = Field(default_factory=lambda: list[SourceType](["dicom", "picture"]))
    threshold: float = Field(description="Operating threshold for this population.")
    n_positive: int
    n_negative: int
    auc: float
    auc_ci95: tuple[float, float]
    sensitivity: float
    sensitivity_ci95: tuple[float, float]
    specificity: float
    specificity_ci95: tuple[float, float]
    evidence: str = Field(description="Where measured, e.g. 'NIH films, source held out of training'.")

    @property
    def name(self) -> str:
        """Plain name of the population, e.g. 'adult, PA'."""
        return f"{self.age_group}, {'/'.join(self.views)}"

    def contains(self, film: FilmContext) -> bool:
        """True when the film falls in this population."""
        return (
            film.age_group == self.age_group
            and (film.view or UNRECORDED_VIEW) in self.views
            and film.source_type in self.source_types
        )


def age_group(age_years: float | None) -> AgeGroup | None:
    """Age group of a patient aged ``age_years`` (None when unknown)."""
    if age_years is None:
        return None
    return "adult" if age_years >= ADULT_AGE_YEARS else "child"


def normalise_view(view: str | None) -> str | None:
    """'PA' or 'AP' from a recorded view ('AP Supine', 'ap erect', 'POSTERO_ANTERIOR'), else None."""
    if not view:
        return None
    v = view.strip().upper().replace("_", " ")
    if v.startswith("PA") or v.startswith("POSTERO"):
        return "PA"
    if v.startswith("AP") or v.startswith("ANTERO"):
        return "AP"
    return None


def not_assessed_reason(populations: list[ValidatedPopulation], label: str, film: FilmContext) -> str:
    """Plain words for why ``label`` cannot be reported on ``film``."""
    own = [p for p in populations if p.label == label]
    if not own:
        return (
            "this model has not been validated for this finding on films from sources it was not trained on"
        )
    if film.age_group is None:
        return "the patient's age is not known, and this model is validated only for " + ", ".join(
            sorted({p.name for p in own})
        )
    if not any(p.age_group == film.age_group for p in own):
        return f"this model has not been validated on {_AGE_WORDS[film.age_group]}"
    same_age = [p for p in own if p.age_group == film.age_group]
    if not any(film.source_type in p.source_types for p in same_age):
        return f"this model has not been validated on {_SOURCE_WORDS[film.source_type]}"
    if film.view is None:
        return "the film's view (PA or AP) is not recorded, and this model is validated per view"
    return f"this model has not been validated on {film.age_group}s' {film.view} films"


def gate_findings(
    findings: list[Finding], populations: list[ValidatedPopulation], rule: GatingRule, film: FilmContext
) -> list[Finding]:
    """Findings with status, reason, population figures and rule flags set for ``film``.

    Inside a validated population the population's threshold replaces the global one and
    ``positive`` is recomputed; outside, ``positive`` is False and the reason is given.
    """
    out = []
    for f in findings:
        valid = [p for p in populations if p.auc_ci95[0] >= rule.min_auc_lower_ci]
        match = next((p for p in valid if p.label == f.label and p.contains(film)), None)
        if match is None:
            reason = not_assessed_reason(valid, f.label, film)
            out.append(f.model_copy(update={"status": "not_assessed", "reason": reason, "positive": False}))
            continue
        out.append(
            f.model_copy(
                update={
                    "status": "reported",
                    "reason": None,
                    "population": match.name,
                    "threshold": match.threshold,
                    "positive": f.probability >= match.threshold,
                    "sensitivity": match.sensitivity,
                    "specificity": match.specificity,
                    "rule_out_ok": match.sensitivity >= rule.rule_out_sensitivity
                    and match.sensitivity_ci95[0] >= rule.rule_out_sensitivity_lower_ci,
                    "rule_in_ok": match.specificity >= rule.rule_in_specificity
                    and match.specificity_ci95[0] >= rule.rule_in_specificity_lower_ci,
                }
            )
        )
    return out
