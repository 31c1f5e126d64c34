"""Tests for imaging.inference: batched, deterministic, thread-safe CXR inference."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import torch

from imaging.inference import InferenceEngine, resolve_device
from imaging.preprocess import load_image_file
from imaging.registry import get_model_entry

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
SAMPLES = SHARED / "cxr" / "xrv_samples"


@pytest.fixture(scope="module")
def engine() -> InferenceEngine:
    """The project's default CXR model on CPU."""
    return InferenceEngine(get_model_entry(), device="cpu")


@pytest.fixture(scope="module")
def images() -> list[npt.NDArray[np.float32]]:
    """Real chest radiographs from the shared samples, plus a synthetic gradient image."""
    files = sorted(SAMPLES.glob("*.png")) + sorted(SAMPLES.glob("*.jpg"))
    if not files:
        pytest.skip(f"shared CXR samples not found under {SAMPLES}")
    gradient = np.tile(np.linspace(0, 1, 256, dtype=np.float32), (256, 1))
    return [load_image_file(f) for f in files] + [gradient]


class TestResolveDevice:
    @pytest.mark.parametrize(
        ("choice", "expected"), [("cpu", "cpu"), ("auto", "cuda" if torch.cuda.is_available() else "cpu")]
    )
    def test_choices(self, choice: str, expected: str) -> None:
        """'auto' picks CUDA only when present; 'cpu' is always CPU."""
        assert resolve_device(choice).type == expected

    @pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA device is present")
    def test_cuda_without_device_is_refused(self) -> None:
        """Asking for CUDA on a CPU-only machine fails clearly."""
        with pytest.raises(RuntimeError, match="no CUDA device"):
            resolve_device("cuda")


class TestInferenceEngine:
    def test_findings_shape_and_fields(
        self, engine: InferenceEngine, images: list[npt.NDArray[np.float32]]
    ) -> None:
        """One finding per label per image, with threshold, above/below and card id."""
        results = engine.predict(images)
        assert len(results) == len(images)
        for findings in results:
            assert [f.label for f in findings] == engine.entry.labels
            for f in findings:
                assert 0.0 <= f.probability <= 1.0
                assert f.model == engine.entry.card_id
                # nothing is known about these films: no finding may be reported
                assert (f.status, f.positive) == ("not_assessed", False)
                assert f.reason

    def test_film_contexts_must_match_images(
        self, engine: InferenceEngine, images: list[npt.NDArray[np.float32]]
    ) -> None:
        """One film context per image, or the call is refused."""
        from imaging.populations import FilmContext

        with pytest.raises(ValueError, match="film contexts"):
            engine.predict(images, films=[FilmContext()])

    def test_cpu_inference_is_deterministic(
        self, engine: InferenceEngine, images: list[npt.NDArray[np.float32]]
    ) -> None:
        """Two runs on CPU give bit-identical probabilities."""
        first = [[f.probability for f in r] for r in engine.predict(images)]
        second = [[f.probability for f in r] for r in engine.predict(images)]
        assert first == second

    @pytest.mark.parametrize("batch_size", [1, 2, 64])
    def test_batching_does_not_change_results(
        self, engine: InferenceEngine, images: list[npt.NDArray[np.float32]], batch_size: int
    ) -> None:
        """Batch size changes speed, not the answer."""
        reference = np.array([[f.probability for f in r] for r in engine.predict(images, batch_size=8)])
        batched = np.array(
            [[f.probability for f in r] for r in engine.predict(images, batch_size=batch_size)]
        )
        np.testing.assert_allclose(batched, reference, atol=1e-5)

    def test_thread_safe(self, engine: InferenceEngine, images: list[npt.NDArray[np.float32]]) -> None:
        """Concurrent callers sharing one engine get the same answers as a serial call."""
        expected = [[f.probability for f in r] for r in engine.predict(images)]
        with ThreadPoolExecutor(max_workers=4) as pool:
            runs = list(pool.map(lambda _: engine.predict(images), range(4)))
        for run in runs:
            assert [[f.probability for f in r] for r in run] == expected

    def test_calibration_uses_temperature(self, engine: InferenceEngine) -> None:
        """Probabilities are sigmoid(logit / T) with the entry's per-label temperatures."""
        logits = torch.tensor([[2.0, -1.0]])
        temps = [engine.entry.temperatures.get(label, 1.0) for label in engine.entry.labels]
        expected = 1.0 / (1.0 + np.exp(-np.array([2.0, -1.0]) / np.array(temps)))
        np.testing.assert_allclose(engine.probabilities(logits)[0], expected, rtol=1e-6)

    @pytest.mark.gpu
    @pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
    def test_cuda_bf16_close_to_cpu(self, images: list[npt.NDArray[np.float32]]) -> None:
        """bf16 autocast + channels_last on CUDA agrees with fp32 CPU within 0.05."""
        cpu = InferenceEngine(get_model_entry(), device="cpu").predict(images)
        gpu = InferenceEngine(get_model_entry(), device="cuda").predict(images)
        for a, b in zip(cpu, gpu, strict=True):
            np.testing.assert_allclose([f.probability for f in a], [f.probability for f in b], atol=0.05)
