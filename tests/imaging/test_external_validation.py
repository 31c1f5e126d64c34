"""Tests for the dataset registry, shortcut-resistant preparation and external-validation maths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from imaging.datasets import FilmArrays, all_films, patient_half
from imaging.external_validation import calibrate, cross_fitted, fit_platt, spearman, wilson_ci
from imaging.preprocess import equalize, prepare_batch
from imaging.robust_training import augment, masked_bce, sampling_weights
from imaging.validation_report import reliability_png

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


class TestEqualize:
    def test_monotone_exposure_changes_are_invisible(self) -> None:
        """Brightness, contrast and gamma changes give the same equalised input."""
        rng = np.random.default_rng(0)
        image = rng.random((64, 64)).astype(np.float32)
        base = prepare_batch([image], 64, (-1.0, 1.0), equalise=True)
        for changed in (image**0.6, 0.5 * image + 0.2, image**1.8):
            again = prepare_batch([changed.astype(np.float32)], 64, (-1.0, 1.0), equalise=True)
            assert float((again - base).abs().mean()) < 0.02

    def test_ties_share_a_rank_and_range_is_unit(self) -> None:
        """A two-level image maps to two values; the output lies in [0, 1]."""
        x = torch.tensor([[[[0.0, 0.0], [255.0, 255.0]]]])
        out = equalize(x)
        assert sorted(set(out.flatten().tolist())) == [pytest.approx(1 / 6), pytest.approx(5 / 6)]


class TestTraining:
    def test_augment_keeps_shape_and_range(self) -> None:
        """Augmented model input has the batch's shape and stays in [-1, 1]."""
        g = torch.Generator().manual_seed(0)
        out = augment(torch.rand(4, 1, 32, 32) * 255, g)
        assert out.shape == (4, 1, 32, 32) and float(out.min()) >= -1 and float(out.max()) <= 1

    def test_masked_bce_ignores_unknown_targets(self) -> None:
        """A NaN target contributes nothing to the loss."""
        logits = torch.tensor([[2.0, -1.0]])
        full = masked_bce(logits, torch.tensor([[1.0, float("nan")]]))
        only = torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor([2.0]), torch.tensor([1.0]))
        assert float(full) == pytest.approx(float(only))

    def test_sampling_balances_classes_and_damps_big_sources(self) -> None:
        """Each class gets half the weight; a source 100x larger gets only 10x the share."""
        source = np.array(["big"] * 100 + ["small"] * 1 + ["big"] * 50 + ["small"] * 50)
        abnormal = np.array([1] * 101 + [0] * 100)
        data = FilmArrays(
            images=np.zeros((201, 2, 2), np.uint8),
            source=source,
            patient=np.arange(201).astype(str),
            view=np.array([""] * 201),
            age_group=np.array(["adult"] * 201),
            abnormal=abnormal,
            pneumonia=abnormal.astype(np.float32),
            official_test=np.zeros(201, bool),
        )
        w = sampling_weights(data)
        assert w[abnormal == 1].sum() == pytest.approx(0.5)
        big, small = (
            w[(abnormal == 1) & (source == "big")].sum(),
            w[(abnormal == 1) & (source == "small")].sum(),
        )
        assert big / small == pytest.approx(10.0)


class TestStatistics:
    def test_spearman(self) -> None:
        """Rank correlation is 1 for a monotone relation and -1 for a reversed one."""
        a = np.arange(10.0)
        assert spearman(a, a**3) == pytest.approx(1.0)
        assert spearman(a, -a) == pytest.approx(-1.0)

    def test_wilson_interval(self) -> None:
        """Wilson interval of 45/50 matches the textbook value and stays inside [0, 1]."""
        low, high = wilson_ci(45, 50)
        assert low == pytest.approx(0.786, abs=0.002) and high == pytest.approx(0.957, abs=0.002)
        assert wilson_ci(0, 10)[0] == 0.0

    def test_platt_recovers_known_calibration(self) -> None:
        """Fitting data drawn from sigmoid(z / 2 - 0.5) recovers T ~ 2 and b ~ -0.5."""
        rng = np.random.default_rng(1)
        z = rng.normal(0, 3, 20000)
        y = (rng.random(z.size) < calibrate(z, 2.0, -0.5)).astype(np.int64)
        temperature, bias = fit_platt(z, y)
        assert temperature == pytest.approx(2.0, rel=0.1) and bias == pytest.approx(-0.5, abs=0.1)

    def test_cross_fitting_needs_both_classes_in_each_half(self) -> None:
        """A half without one class cannot calibrate the other: refused, not silently wrong."""
        with pytest.raises(ValueError, match="lacks one class"):
            cross_fitted(np.zeros(4), np.array([0, 0, 1, 1]), np.array([0, 0, 1, 1]))

    def test_reliability_png(self, tmp_path: Path) -> None:
        """The diagram is written as a PNG."""
        p = np.linspace(0, 1, 50)
        path = reliability_png(p, p > 0.5, tmp_path / "r.png", "test")
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


class TestDatasetRegistry:
    @pytest.fixture(scope="class")
    def films(self) -> list:  # type: ignore[type-arg]
        """Every film of the registry (skipped without the shared data)."""
        if not (SHARED / "cxr" / "adult_extra" / "all_labels.csv").is_file():
            pytest.skip(f"shared chest X-ray data not found under {SHARED / 'cxr'}")
        return all_films(SHARED)

    def test_sources_and_counts(self, films: list) -> None:  # type: ignore[type-arg]
        """Kermany, NIH and six adult sets; NIH 500/500; duplicates left out."""
        sources = {f.source for f in films}
        assert {"kermany", "nih", "covid_chestxray_ieee8023", "actualmed_covid"} <= sources
        nih = [f.abnormal for f in films if f.source == "nih"]
        assert (len(nih), sum(nih)) == (1000, 500)
        assert len([f for f in films if f.source == "covid_cxnet_armiro"]) == 606

    def test_every_film_has_age_group_and_known_view(self, films: list) -> None:  # type: ignore[type-arg]
        """Kermany films are children; adult sets hold a few minors by recorded age; views are PA/AP/None."""
        assert all(f.age_group == "child" for f in films if f.source == "kermany")
        others = [f.age_group for f in films if f.source != "kermany"]
        assert others.count("adult") > 0.95 * len(others)
        assert {f.view for f in films} <= {"PA", "AP", None}

    def test_patient_halves_never_split_a_patient(self, films: list) -> None:  # type: ignore[type-arg]
        """All films of one patient fall in the same half."""
        halves: dict[str, set[int]] = {}
        for f in films:
            halves.setdefault(f.patient, set()).add(patient_half(f.patient, 7))
        assert all(len(h) == 1 for h in halves.values())


def _synthetic_films(n_per_source: int = 48, size: int = 32) -> FilmArrays:
    """Three sources whose abnormal films carry a dark blob in the right lung region."""
    rng = np.random.default_rng(5)
    sources = np.repeat(np.array(["a", "b", "c"]), n_per_source)
    abnormal = np.tile(np.array([0, 1]), len(sources) // 2)
    yy, xx = np.mgrid[0:size, 0:size]
    blob = ((yy - size * 0.5) ** 2 + (xx - size * 0.3) ** 2) < (size * 0.18) ** 2
    images = rng.integers(90, 200, (len(sources), size, size)).astype(np.float64)
    images[abnormal == 1] = np.where(blob, images[abnormal == 1] * 0.3, images[abnormal == 1])
    images += np.where(sources == "b", 40, 0)[:, None, None]
    n = len(sources)
    return FilmArrays(
        images=np.clip(images, 0, 255).astype(np.uint8),
        source=sources,
        patient=np.array([f"{s}{i}" for i, s in enumerate(sources)]),
        view=np.tile(np.array(["PA", "AP"]), n // 2 + 1)[:n],
        age_group=np.array(["adult"] * n),
        abnormal=abnormal,
        pneumonia=abnormal.astype(np.float32),
        official_test=np.zeros(n, bool),
    )


@pytest.mark.slow
class TestLeaveOneSourceOut:
    def test_a_real_signal_survives_the_whole_pipeline(self, tmp_path: Path) -> None:
        """A lesion present in every source is found on the held-out source; the report is written."""
        from imaging.external_validation import run_folds
        from imaging.robust_training import RobustTrainConfig
        from imaging.validation_report import write_validation_report

        data = _synthetic_films()
        config = RobustTrainConfig(
            image_size=32, epochs=6, samples_per_epoch=512, widths=(8, 16, 32), device="cpu"
        )
        logits = run_folds(data, ["c"], config, tmp_path)
        reports, rows = write_validation_report(data, logits, tmp_path)
        assert reports[0].source == "c" and reports[0].auc > 0.8
        assert (tmp_path / "fold_c.npz").is_file() and (tmp_path / "reliability_c_pneumonia.png").is_file()
        assert rows[2].startswith("| c | pneumonia | 24 | 24 |")
