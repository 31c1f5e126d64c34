"""Tests for imaging.registry: typed entries and checksum-verified weight loading."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from imaging.checksums import sha256_file
from imaging.errors import ModelNotFoundError, WeightsChecksumError, WeightsFormatError, WeightsMissingError
from imaging.models import CompactCXRNet
from imaging.registry import (
    DEFAULT_CXR_MODEL,
    ModelCard,
    ModelEntry,
    available_models,
    get_model_entry,
    load_weights,
    save_entry,
)


def _entry(weights: Path, sha256: str | None) -> ModelEntry:
    return ModelEntry(
        name="test-compact",
        version="0.0.1",
        architecture="compact_cxr",
        architecture_args={"widths": [8, 16], "dropout": 0.0},
        labels=["pneumonia", "abnormal"],
        input_size=64,
        intensity_range=(-1.0, 1.0),
        preprocessing=["resize", "scale"],
        thresholds={"pneumonia": 0.5, "abnormal": 0.5},
        weights_path=weights,
        sha256=sha256,
        card=ModelCard(id="test-compact@0.0.1", summary="test entry"),
    )


@pytest.fixture
def saved_weights(tmp_path: Path) -> Path:
    """A small randomly initialised model saved as a state dict."""
    torch.manual_seed(0)
    path = tmp_path / "test-compact.pt"
    torch.save(CompactCXRNet(2, widths=(8, 16), dropout=0.0).state_dict(), path)
    return path


class TestGetModelEntry:
    def test_unknown_name_lists_known_models(self, tmp_path: Path) -> None:
        """An unknown model name raises and names the registered ones."""
        with pytest.raises(ModelNotFoundError, match="'nope' is not registered"):
            get_model_entry("nope", weights_dir=tmp_path)

    def test_default_model_is_shipped(self) -> None:
        """The project's default CXR model has an entry with thresholds for every label."""
        entry = get_model_entry(DEFAULT_CXR_MODEL)
        assert DEFAULT_CXR_MODEL in available_models()
        assert set(entry.thresholds) == set(entry.labels) >= {"pneumonia", "abnormal"}
        assert entry.card.seed is not None
        assert entry.card.training_command

    def test_round_trip_through_json(self, tmp_path: Path, saved_weights: Path) -> None:
        """A saved entry loads back equal, with its weights path resolved."""
        entry = _entry(saved_weights, sha256_file(saved_weights))
        save_entry(entry, tmp_path)
        loaded = get_model_entry("test-compact", weights_dir=tmp_path)
        assert loaded.weights_path == saved_weights
        assert loaded.model_dump() == entry.model_dump()


class TestLoadWeights:
    def test_loads_verified_weights(self, saved_weights: Path) -> None:
        """Matching checksum: the model loads in eval mode with the saved parameters."""
        model = load_weights(_entry(saved_weights, sha256_file(saved_weights)))
        assert not model.training
        saved = torch.load(saved_weights, weights_only=True)
        assert torch.equal(model.state_dict()["classifier.weight"], saved["classifier.weight"])

    def test_missing_file_names_what_and_where(self, tmp_path: Path) -> None:
        """A missing weights file raises with the model name and the expected path."""
        missing = tmp_path / "absent.pt"
        with pytest.raises(WeightsMissingError, match=r"'test-compact' are missing.*absent\.pt") as err:
            load_weights(_entry(missing, None))
        assert "Install the weights file" in err.value.remedy

    @pytest.mark.parametrize("sha", ["0" * 64, "f" * 64])
    def test_wrong_checksum_is_refused(self, saved_weights: Path, sha: str) -> None:
        """A file whose SHA-256 differs from the entry's is refused."""
        with pytest.raises(WeightsChecksumError, match="fail verification"):
            load_weights(_entry(saved_weights, sha))

    def test_tampered_file_is_refused(self, saved_weights: Path) -> None:
        """Changing one byte after registration breaks verification."""
        entry = _entry(saved_weights, sha256_file(saved_weights))
        data = bytearray(saved_weights.read_bytes())
        data[-10] ^= 0xFF
        saved_weights.write_bytes(bytes(data))
        with pytest.raises(WeightsChecksumError, match="fail verification"):
            load_weights(entry)

    def test_pickled_module_is_refused(self, tmp_path: Path) -> None:
        """A pickled nn.Module (code on load) is refused with the conversion remedy."""
        path = tmp_path / "module.pt"
        torch.save(CompactCXRNet(2, widths=(8, 16)), path)
        with pytest.raises(WeightsFormatError, match="not a plain tensor state dict"):
            load_weights(_entry(path, None))
