"""Tests for imaging.models: architectures built from explicit arguments."""

from __future__ import annotations

import pytest
import torch

from imaging.models import CompactCXRNet, build_model


class TestCompactCXRNet:
    @pytest.mark.parametrize(
        ("widths", "size", "labels"),
        [((16, 32, 64, 128), 128, 2), ((8, 16), 64, 3), ((8,), 32, 1)],
    )
    def test_output_shape(self, widths: tuple[int, ...], size: int, labels: int) -> None:
        """One logit per label per image, whatever the widths and input size."""
        model = CompactCXRNet(labels, widths=widths).eval()
        assert model(torch.zeros(3, 1, size, size)).shape == (3, labels)

    def test_empty_widths_rejected(self) -> None:
        """A network needs at least one stage."""
        with pytest.raises(ValueError, match="at least one stage"):
            CompactCXRNet(2, widths=())


class TestBuildModel:
    def test_unknown_architecture(self) -> None:
        """An unknown architecture name is refused with the known ones."""
        with pytest.raises(ValueError, match="unknown architecture 'vit'"):
            build_model("vit", 2)

    def test_builds_compact_from_recorded_args(self) -> None:
        """Recorded registry arguments rebuild the same layout."""
        model = build_model("compact_cxr", 2, widths=[8, 16], dropout=0.1)
        assert isinstance(model, CompactCXRNet)
        assert model.classifier.in_features == 16
