"""Tests for imaging.gradcam: heatmap shape, range, non-constancy and the overlay PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import torch
from PIL import Image

from imaging.gradcam import grad_cam, heatmap_for, overlay, write_overlay
from imaging.inference import InferenceEngine
from imaging.preprocess import load_image_file
from imaging.registry import available_models, get_model_entry

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
NIH_SAMPLE = SHARED / "cxr" / "xrv_samples" / "00000001_000.png"


@pytest.fixture(scope="module")
def engine() -> InferenceEngine:
    """The project's default CXR model on CPU."""
    return InferenceEngine(get_model_entry(), device="cpu")


@pytest.fixture(scope="module")
def radiograph() -> npt.NDArray[np.float32]:
    """A real adult NIH chest radiograph (1024 px)."""
    if not NIH_SAMPLE.is_file():
        pytest.skip(f"shared CXR sample not found: {NIH_SAMPLE}")
    return load_image_file(NIH_SAMPLE)


class TestHeatmap:
    @pytest.mark.parametrize("label", ["pneumonia", "abnormal"])
    def test_shape_range_and_not_constant(
        self, engine: InferenceEngine, radiograph: npt.NDArray[np.float32], label: str
    ) -> None:
        """The map has the model input's size, lies in [0, 1] and is not constant."""
        cam = heatmap_for(engine, radiograph, label)
        size = engine.entry.input_size
        assert cam.shape == (size, size)
        assert cam.min() >= 0.0
        assert cam.max() <= 1.0
        assert float(cam.std()) > 0.01

    def test_unknown_label(self, engine: InferenceEngine, radiograph: npt.NDArray[np.float32]) -> None:
        """Explaining a label the model does not output is refused."""
        with pytest.raises(ValueError, match="'Fracture' is not an output"):
            heatmap_for(engine, radiograph, "Fracture")

    def test_heatmap_leaves_inference_unchanged(
        self, engine: InferenceEngine, radiograph: npt.NDArray[np.float32]
    ) -> None:
        """Computing a heatmap does not alter the model (same findings before and after)."""
        before = engine.predict([radiograph])
        heatmap_for(engine, radiograph, "pneumonia")
        assert engine.predict([radiograph]) == before


class TestOverlay:
    def test_png_has_image_size(
        self, engine: InferenceEngine, radiograph: npt.NDArray[np.float32], tmp_path: Path
    ) -> None:
        """The overlay PNG is RGB at the radiograph's resolution and differs from it."""
        path = write_overlay(engine, radiograph, "pneumonia", tmp_path / "cam.png")
        with Image.open(path) as img:
            assert img.format == "PNG"
            assert img.mode == "RGB"
            assert img.size == (radiograph.shape[1], radiograph.shape[0])
            rgb = np.asarray(img, dtype=np.float32)
        assert np.abs(rgb.mean(axis=2) - radiograph * 255.0).max() > 20.0

    def test_zero_heatmap_keeps_image(self) -> None:
        """A zero heatmap leaves the grayscale image untouched."""
        image = np.random.default_rng(0).random((40, 50)).astype(np.float32)
        rgb = np.asarray(overlay(image, np.zeros((16, 16), dtype=np.float32)), dtype=np.float32)
        np.testing.assert_allclose(rgb[..., 0], np.clip(image * 255.0, 0, 255).astype(np.uint8), atol=1.0)


KERMANY = SHARED / "cxr" / "kermany" / "images"


def _kermany(name: str) -> npt.NDArray[np.float32]:
    path = KERMANY / name
    if not path.is_file():
        pytest.skip(f"shared Kermany film not found: {path}")
    return load_image_file(path)


class TestHeatmapsThatWork:
    @pytest.mark.parametrize(
        "name", ["test_PNEUMONIA_person100_bacteria_475.jpeg", "test_NORMAL_IM-0001-0001.jpeg"]
    )
    def test_overlay_is_never_plain_grey(self, engine: InferenceEngine, name: str, tmp_path: Path) -> None:
        """Positive or below threshold, the overlay PNG carries colour that varies over the film."""
        film = _kermany(name)
        path = write_overlay(engine, film, "pneumonia", tmp_path / "o.png")
        rgb = np.asarray(Image.open(path), dtype=np.float32)
        chroma = np.abs(rgb[..., 0] - rgb[..., 2])
        assert float((chroma > 10).mean()) > 0.01
        assert float(chroma.std()) > 2.0

    def test_empty_map_falls_back_to_relative_evidence(self) -> None:
        """When no region argues for the label (all-negative evidence) the map is still not blank."""

        class AgainstEverywhere(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.features = torch.nn.Conv2d(1, 1, 1, bias=False)
                torch.nn.init.ones_(self.features.weight)

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                return -self.features(x).mean(dim=(1, 2, 3))[:, None]

        x = torch.linspace(0.1, 1.0, 64).reshape(1, 1, 8, 8)
        cam = grad_cam(AgainstEverywhere().eval(), x, 0, "features")[0]
        assert float(cam.max()) == pytest.approx(1.0) and float(cam.std()) > 0.1

    @pytest.mark.slow
    @pytest.mark.xfail(
        strict=True,
        reason="measured: so-cxr-robust's Grad-CAM puts 0.50-0.65 of its weight inside the central 80% box "
        "on Kermany pneumonia films (a uniform map gives 0.64); its evidence is not in the lung field, "
        "one more sign it has not learned the disease (its findings are never reported)",
    )
    def test_positive_film_heatmap_sits_in_the_lung_field(self) -> None:
        """On a pneumonia film the robust model's heatmap weight lies mostly inside the chest."""
        if "so-cxr-robust" not in available_models():
            pytest.skip("so-cxr-robust is not registered")
        engine = InferenceEngine(get_model_entry("so-cxr-robust"), device="cpu")
        film = _kermany("test_PNEUMONIA_person100_bacteria_475.jpeg")
        cam = heatmap_for(engine, film, "pneumonia")
        h, w = cam.shape
        inner = np.zeros_like(cam, dtype=bool)
        inner[int(0.1 * h) : int(0.9 * h), int(0.1 * w) : int(0.9 * w)] = True
        assert float(cam[inner].sum() / cam.sum()) > 0.75
        assert float(cam.std()) > 0.05
