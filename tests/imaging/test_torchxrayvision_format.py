"""Format round-trip of the TorchXRayVision DenseNet-121 loader.

The weights used here are randomly initialised and saved in TorchXRayVision's exact
state-dict layout; these tests prove the format is read correctly, nothing about accuracy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from imaging.checksums import sha256_file
from imaging.errors import WeightsFormatError
from imaging.inference import InferenceEngine
from imaging.registry import load_weights, xrv_entry
from imaging.torchxrayvision_format import (
    XRV_OP_THRESHS,
    XRV_PATHOLOGIES,
    XRVDenseNet121,
    save_xrv_state_dict,
)


@pytest.fixture(scope="module")
def random_xrv_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[XRVDenseNet121, Path]:
    """A randomly initialised DenseNet-121 saved in TorchXRayVision's state-dict layout."""
    torch.manual_seed(7)
    model = XRVDenseNet121().eval()
    path = tmp_path_factory.mktemp("xrv") / "densenet121-res224-all.random-init.pt"
    return model, save_xrv_state_dict(model, path)


class TestXRVFormatRoundTrip:
    def test_layout_matches_torchxrayvision(self) -> None:
        """Parameter names follow TorchXRayVision's DenseNet (features.*, classifier)."""
        keys = XRVDenseNet121().state_dict().keys()
        for name in (
            "features.conv0.weight",
            "features.denseblock1.denselayer1.norm1.weight",
            "features.denseblock4.denselayer16.conv2.weight",
            "features.transition3.conv.weight",
            "features.norm5.running_var",
            "classifier.weight",
        ):
            assert name in keys
        assert XRVDenseNet121().classifier.weight.shape == (18, 1024)

    def test_round_trip_reproduces_outputs(self, random_xrv_file: tuple[XRVDenseNet121, Path]) -> None:
        """Saved then loaded through the registry, the model gives identical logits."""
        model, path = random_xrv_file
        loaded = load_weights(xrv_entry(path, sha256_file(path)))
        x = torch.randn(2, 1, 224, 224) * 500.0
        with torch.no_grad():
            assert torch.equal(model(x), loaded(x))

    def test_entry_carries_labels_thresholds_and_scaling(
        self, random_xrv_file: tuple[XRVDenseNet121, Path]
    ) -> None:
        """18 labels in TorchXRayVision order, its op_threshs, [-1024, 1024] at 224 px."""
        entry = xrv_entry(random_xrv_file[1])
        assert entry.labels == list(XRV_PATHOLOGIES)
        assert len(entry.labels) == 18
        assert entry.labels[8] == "Pneumonia"
        assert entry.labels[-1] == "Enlarged Cardiomediastinum"
        assert [entry.thresholds[label] for label in entry.labels] == list(XRV_OP_THRESHS)
        assert entry.input_size == 224
        assert entry.intensity_range == (-1024.0, 1024.0)

    def test_engine_prepares_input_in_xrv_range(self, random_xrv_file: tuple[XRVDenseNet121, Path]) -> None:
        """The engine crops, resizes to 224 and scales [0, 1] to [-1024, 1024]."""
        engine = InferenceEngine(xrv_entry(random_xrv_file[1]), device="cpu")
        image = np.tile(np.linspace(0.0, 1.0, 200, dtype=np.float32), (300, 1))
        batch = engine.prepare([image])
        assert batch.shape == (1, 1, 224, 224)
        assert batch.min() >= -1024.0
        assert batch.max() <= 1024.0
        assert batch.max() - batch.min() > 1500.0
        findings = engine.predict([image])[0]
        assert [f.label for f in findings] == list(XRV_PATHOLOGIES)

    def test_wrong_layout_is_refused(self, tmp_path: Path) -> None:
        """A state dict of another architecture is refused with the key mismatch."""
        path = tmp_path / "other.pt"
        torch.save({"conv.weight": torch.zeros(1)}, path)
        with pytest.raises(WeightsFormatError, match="not a TorchXRayVision DenseNet-121"):
            load_weights(xrv_entry(path))

    def test_wrong_label_count_is_refused(self, tmp_path: Path) -> None:
        """A 14-output DenseNet (e.g. NIH-only layout) does not fit the 18-label entry."""
        path = save_xrv_state_dict(XRVDenseNet121(num_labels=14), tmp_path / "nih14.pt")
        with pytest.raises(WeightsFormatError, match="wrong shapes"):
            load_weights(xrv_entry(path))
