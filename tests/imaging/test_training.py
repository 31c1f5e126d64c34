"""Tests for imaging.training: patient-level splits, test isolation, one training step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from imaging.models import CompactCXRNet
from imaging.training import (
    CXRDataset,
    TrainConfig,
    augment,
    kermany_rows,
    nih_rows,
    to_input,
    train_epoch,
)

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
SEED = 20240601


@pytest.fixture(scope="module")
def data_root() -> Path:
    """The shared data folder with both CXR datasets."""
    if not (SHARED / "cxr" / "kermany" / "labels.csv").is_file():
        pytest.skip(f"shared CXR data not found under {SHARED}")
    return SHARED


class TestSplits:
    def test_nih_split_is_by_patient(self, data_root: Path) -> None:
        """No NIH patient appears in two splits; all three splits are used."""
        rows = nih_rows(data_root, SEED)
        splits: dict[str, set[str]] = {}
        for _, _, split, patient in rows:
            splits.setdefault(patient, set()).add(split)
        assert all(len(s) == 1 for s in splits.values())
        assert {s for v in splits.values() for s in v} == {"train", "val", "test"}

    def test_kermany_test_split_is_untouched(self, data_root: Path) -> None:
        """Exactly the 624 official test images are 'test'; none is in train or val."""
        rows = kermany_rows(data_root, SEED)
        assert sum(r[2] == "test" for r in rows) == 624
        assert all("test_" in r[0].name for r in rows if r[2] == "test")
        assert not any("test_" in r[0].name for r in rows if r[2] != "test")

    @pytest.mark.parametrize("seed", [1, SEED])
    def test_splits_are_deterministic(self, data_root: Path, seed: int) -> None:
        """The same seed gives the same assignment."""
        assert nih_rows(data_root, seed) == nih_rows(data_root, seed)


class TestTrainingStep:
    def test_augment_keeps_shape_and_range(self) -> None:
        """Augmentation is shape-preserving and stays in [-1, 1]."""
        x = to_input(np.random.default_rng(0).integers(0, 256, (4, 32, 32), dtype=np.uint8))
        out = augment(x, torch.Generator().manual_seed(0))
        assert out.shape == x.shape
        assert out.min() >= -1.0
        assert out.max() <= 1.0

    def test_one_epoch_reduces_loss_on_separable_data(self, tmp_path: Path) -> None:
        """A few epochs on bright-vs-dark images drive the loss down."""
        rng = np.random.default_rng(0)
        y = (np.arange(128) % 2).astype(np.float32)
        images = (rng.integers(0, 60, (128, 32, 32)) + 150 * y[:, None, None]).astype(np.uint8)
        data = CXRDataset(
            images,
            np.stack([y, y], 1),
            np.array(["kermany"] * 128),
            np.array(["train"] * 128),
            np.array(["p"] * 128),
        )
        config = TrainConfig(
            data_root=tmp_path, out_dir=tmp_path, cache_dir=tmp_path, batch_size=32, nih_repeat=1
        )
        torch.manual_seed(0)
        model = CompactCXRNet(2, widths=(8, 16))
        opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
        sched = torch.optim.lr_scheduler.ConstantLR(opt, 1.0)
        gen = torch.Generator().manual_seed(0)
        losses = [train_epoch(model, data, opt, sched, torch.ones(2), config, gen) for _ in range(4)]
        assert losses[-1] < losses[0]
