"""Batched, thread-safe chest X-ray inference on CUDA (when present) or CPU.

One :class:`InferenceEngine` per process holds one model instance. ``predict`` prepares a
batch exactly as the registry entry prescribes, runs the forward pass under a lock, and
returns calibrated :class:`Finding` objects. On CUDA the forward pass uses bf16 autocast
and channels_last memory format (optionally ``torch.compile``); on CPU it runs in fp32 and
is deterministic.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import torch
from pydantic import BaseModel, Field
from torch import nn

from imaging.populations import FilmContext, gate_findings
from imaging.preprocess import prepare_batch
from imaging.registry import ModelEntry, load_weights

logger = logging.getLogger(__name__)

DeviceChoice = Literal["auto", "cpu", "cuda"]


FindingStatus = Literal["reported", "not_assessed"]


class Finding(BaseModel):
    """One model output for one image, with whether the model is validated for this film.

    ``probability`` is the model's calibrated output. It is a result only when ``status`` is
    ``"reported"``: the film fell in a population the model card lists as validated on
    external data. Otherwise the finding is ``"not_assessed"``, ``positive`` is False and
    ``reason`` says why in plain words; the probability is kept for audit, never as a result.
    The default ``"not_assessed"`` makes findings stored before population gating existed
    read back as not assessed.
    """

    label: str = Field(description="Finding label, e.g. 'pneumonia'.")
    probability: float = Field(ge=0.0, le=1.0, description="Calibrated probability.")
    threshold: float = Field(description="Operating threshold of this label.")
    positive: bool = Field(description="True when reported and probability >= threshold.")
    model: str = Field(description="Model card id, '<name>@<version>'.")
    status: FindingStatus = Field(
        default="not_assessed", description="'reported' only inside a validated population."
    )
    reason: str | None = Field(default=None, description="Why not assessed, in plain words.")
    population: str | None = Field(
        default=None, description="The validated population the film fell in, e.g. 'adult, PA'."
    )
    sensitivity: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Validated sensitivity at the threshold (external data)."
    )
    specificity: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Validated specificity at the threshold (external data)."
    )
    rule_out_ok: bool = Field(
        default=False, description="Validated sensitivity is high enough for a negative to argue against."
    )
    rule_in_ok: bool = Field(
        default=False, description="Validated specificity is high enough for a positive to argue for."
    )


def resolve_device(device: DeviceChoice | str) -> torch.device:
    """Turn 'auto' | 'cpu' | 'cuda' into a torch device ('auto' = CUDA when available).

    Raises:
        RuntimeError: If 'cuda' is requested and no CUDA device exists.
    """
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device 'cuda' was requested but no CUDA device is available")
    return torch.device(device)


class InferenceEngine:
    """A loaded model plus its registry entry, safe to share between threads."""

    def __init__(
        self,
        entry: ModelEntry,
        device: DeviceChoice | str = "auto",
        compile: bool = False,
        model: nn.Module | None = None,
    ) -> None:
        """Load (and verify) the entry's weights and place the model on the device.

        Args:
            entry: Registry entry of the model.
            device: 'auto', 'cpu' or 'cuda'.
            compile: ``torch.compile`` the forward pass (CUDA only; ignored on CPU).
            model: An already-built module for ``entry`` (tests, training); skips loading.
        """
        self.entry = entry
        self.device = resolve_device(device)
        base = model if model is not None else load_weights(entry)
        base.eval()
        if self.device.type == "cuda":
            base = base.to(self.device, memory_format=torch.channels_last)  # type: ignore[call-overload]
        self.model: nn.Module = base
        self._forward: nn.Module = base
        if compile and self.device.type == "cuda":
            self._forward = torch.compile(base)  # type: ignore[assignment]
        self.lock = threading.Lock()
        self._temperatures = torch.tensor(
            [entry.temperatures.get(label, 1.0) for label in entry.labels], dtype=torch.float32
        )
        self._biases = torch.tensor(
            [entry.biases.get(label, 0.0) for label in entry.labels], dtype=torch.float32
        )
        logger.info("inference engine for %s on %s", entry.card_id, self.device)

    def prepare(self, images: Sequence[npt.ArrayLike]) -> torch.Tensor:
        """Model input batch for display images, as the entry prescribes (CPU tensor)."""
        return prepare_batch(
            images,
            self.entry.input_size,
            self.entry.intensity_range,
            self.entry.center_crop,
            self.entry.equalise,
        )

    def logits(self, batch: torch.Tensor) -> torch.Tensor:
        """Raw logits ``(N, labels)`` as float32 on CPU for a prepared batch."""
        with self.lock, torch.inference_mode():
            if self.device.type == "cuda":
                x = batch.to(self.device, non_blocking=True).contiguous(memory_format=torch.channels_last)
                with torch.autocast("cuda", dtype=torch.bfloat16):
                    out = self._forward(x)
            else:
                out = self._forward(batch)
        result: torch.Tensor = out.float().cpu()
        return result

    def probabilities(self, logits: torch.Tensor) -> npt.NDArray[np.float64]:
        """Calibrated probabilities: ``sigmoid(logit / T + b)`` per label."""
        return torch.sigmoid(logits / self._temperatures + self._biases).double().numpy()

    def findings(self, probabilities: npt.NDArray[np.float64]) -> list[list[Finding]]:
        """Turn a ``(N, labels)`` probability array into findings per image."""
        out = []
        for row in probabilities:
            image_findings = []
            for label, p in zip(self.entry.labels, row, strict=True):
                threshold = float(self.entry.thresholds.get(label, 0.5))
                image_findings.append(
                    Finding(
                        label=label,
                        probability=float(p),
                        threshold=threshold,
                        positive=bool(p >= threshold),
                        model=self.entry.card_id,
                    )
                )
            out.append(image_findings)
        return out

    def feature_distances(self, images: Sequence[npt.ArrayLike]) -> list[float] | None:
        """Distance of each image's embedding from the training films (None without a summary)."""
        summary = self.entry.feature_distance
        if summary is None or not images:
            return None
        from imaging.feature_distance import embed

        batch = self.prepare(images)
        with self.lock:
            features = embed(self.model, batch.to(self.device))
        return [float(d) for d in summary.distances(features)]

    def predict(
        self,
        images: Sequence[npt.ArrayLike],
        batch_size: int = 32,
        films: Sequence[FilmContext] | None = None,
    ) -> list[list[Finding]]:
        """Findings for each image, computed in batches and gated by validated population.

        Args:
            images: Display images (2-D, [0, 1] or [0, 255]) of frontal chest radiographs.
            batch_size: Images per forward pass.
            films: Age group, view and source type of each image; None means nothing is
                known, so every finding is not assessed.

        Returns:
            One list of findings (one per label, in the entry's label order) per image.
        """
        contexts = list(films) if films is not None else [FilmContext() for _ in images]
        if len(contexts) != len(images):
            raise ValueError(f"{len(images)} images but {len(contexts)} film contexts")
        results: list[list[Finding]] = []
        for start in range(0, len(images), batch_size):
            batch = self.prepare(images[start : start + batch_size])
            results.extend(self.findings(self.probabilities(self.logits(batch))))
        return [
            gate_findings(found, self.entry.populations, self.entry.gating_rule, film)
            for found, film in zip(results, contexts, strict=True)
        ]
