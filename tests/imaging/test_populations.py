"""Tests for imaging.populations: a finding is reported only inside a validated population."""

from __future__ import annotations

import pytest

from imaging.inference import Finding
from imaging.populations import (
    UNRECORDED_VIEW,
    FilmContext,
    GatingRule,
    ValidatedPopulation,
    age_group,
    gate_findings,
    normalise_view,
)
from imaging.registry import available_models, get_model_entry


def _population(**changes: object) -> ValidatedPopulation:
    base: dict[str, object] = {
        "label": "pneumonia",
        "age_group": "adult",
        "views": ["PA"],
        "threshold": 0.3,
        "n_positive": 100,
        "n_negative": 100,
        "auc": 0.85,
        "auc_ci95": (0.78, 0.9),
        "sensitivity": 0.93,
        "sensitivity_ci95": (0.86, 0.97),
        "specificity": 0.6,
        "specificity_ci95": (0.5, 0.7),
        "evidence": "held-out source",
    }
    base.update(changes)
    return ValidatedPopulation.model_validate(base)


def _finding(probability: float = 0.4) -> Finding:
    return Finding(label="pneumonia", probability=probability, threshold=0.5, positive=False, model="m@1")


ADULT_PA = FilmContext(age_group="adult", view="PA", source_type="dicom")


class TestGateFindings:
    def test_inside_population_is_reported_with_its_figures(self) -> None:
        """A film in the population gets its threshold, figures and rule flags."""
        [f] = gate_findings([_finding(0.4)], [_population()], GatingRule(), ADULT_PA)
        assert (f.status, f.reason, f.population) == ("reported", None, "adult, PA")
        assert (f.threshold, f.positive) == (0.3, True)
        assert (f.sensitivity, f.specificity) == (0.93, 0.6)
        assert (f.rule_out_ok, f.rule_in_ok) == (True, False)

    @pytest.mark.parametrize(
        ("sensitivity", "ci_low", "rule_out"),
        [(0.93, 0.86, True), (0.89, 0.85, False), (0.95, 0.79, False)],
    )
    def test_rule_out_needs_sensitivity_and_its_lower_bound(
        self, sensitivity: float, ci_low: float, rule_out: bool
    ) -> None:
        """Rule-out needs sensitivity >= 0.90 and its lower 95% bound >= 0.80."""
        pop = _population(sensitivity=sensitivity, sensitivity_ci95=(ci_low, 0.99))
        [f] = gate_findings([_finding()], [pop], GatingRule(), ADULT_PA)
        assert f.rule_out_ok is rule_out

    def test_rule_in_needs_specificity(self) -> None:
        """Rule-in is allowed when validated specificity and its lower bound are high enough."""
        pop = _population(specificity=0.95, specificity_ci95=(0.88, 0.98))
        [f] = gate_findings([_finding()], [pop], GatingRule(), ADULT_PA)
        assert f.rule_in_ok

    @pytest.mark.parametrize(
        ("film", "reason"),
        [
            (FilmContext(age_group="child", view="PA"), "not been validated on children's films"),
            (FilmContext(age_group=None, view="PA"), "age is not known"),
            (FilmContext(age_group="adult", view="AP"), "not been validated on adults' AP films"),
            (FilmContext(age_group="adult", view=None), "view (PA or AP) is not recorded"),
            (
                FilmContext(age_group="adult", view="PA", source_type="photograph"),
                "photographs of films",
            ),
        ],
    )
    def test_outside_population_is_not_assessed_with_reason(self, film: FilmContext, reason: str) -> None:
        """Outside every population the finding is not assessed, never positive, with the reason."""
        pop = _population(source_types=["dicom", "picture"])
        [f] = gate_findings([_finding(0.99)], [pop], GatingRule(), film)
        assert (f.status, f.positive) == ("not_assessed", False)
        assert f.reason is not None and reason in f.reason

    def test_unvalidated_auc_does_not_count(self) -> None:
        """A population whose AUC lower bound misses the rule does not make findings reportable."""
        pop = _population(auc=0.62, auc_ci95=(0.55, 0.7))
        [f] = gate_findings([_finding()], [pop], GatingRule(), ADULT_PA)
        assert f.status == "not_assessed"

    def test_unrecorded_view_population(self) -> None:
        """A population that covers unrecorded views accepts a picture without a view."""
        pop = _population(views=["PA", "AP", UNRECORDED_VIEW])
        film = FilmContext(age_group="adult", view=None, source_type="picture")
        [f] = gate_findings([_finding()], [pop], GatingRule(), film)
        assert f.status == "reported"


class TestFindingDefaults:
    def test_stored_json_without_status_reads_not_assessed(self) -> None:
        """Findings stored before gating existed are read back as not assessed."""
        old = {"label": "pneumonia", "probability": 0.7, "threshold": 0.5, "positive": True, "model": "m@1"}
        f = Finding.model_validate(old)
        assert (f.status, f.rule_out_ok, f.rule_in_ok) == ("not_assessed", False, False)


class TestHelpers:
    @pytest.mark.parametrize(("age", "group"), [(None, None), (4, "child"), (17.9, "child"), (18, "adult")])
    def test_age_group(self, age: float | None, group: str | None) -> None:
        """Adults are 18 and over; unknown age stays unknown."""
        assert age_group(age) == group

    @pytest.mark.parametrize(
        ("view", "norm"),
        [
            ("PA", "PA"),
            ("AP Supine", "AP"),
            ("ap erect", "AP"),
            ("POSTERO_ANTERIOR", "PA"),
            ("LL", None),
            ("", None),
        ],
    )
    def test_normalise_view(self, view: str, norm: str | None) -> None:
        """Recorded views are reduced to PA or AP."""
        assert normalise_view(view) == norm


class TestRegisteredCards:
    @pytest.mark.parametrize("name", [n for n in available_models() if n != "so-cxr-guard"])
    def test_every_population_meets_the_rule(self, name: str) -> None:
        """Every population a registered card lists meets its own AUC rule (else it must not be listed)."""
        entry = get_model_entry(name)
        for pop in entry.populations:
            assert pop.auc_ci95[0] >= entry.gating_rule.min_auc_lower_ci
            assert pop.label in entry.labels

    def test_compact_model_is_not_validated_anywhere(self) -> None:
        """The compact model was never validated on an external source: it lists no population."""
        assert get_model_entry("so-cxr-compact").populations == []
