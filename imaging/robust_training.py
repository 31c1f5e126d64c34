"""Training of chest X-ray models that resist the shortcuts in the public data.

The public sets confound source with label (NIH normals come from one narrow slice of
patients; most adult abnormal films come from COVID collections with no normals), so a
model can score well by recognising the source. Against that, as the field does:

* per-image histogram equalisation (:func:`imaging.preprocess.equalize`), so exposure,
  contrast and gamma carry no signal;
* augmentation: gamma/contrast/brightness (before equalisation, so equalisation is
  exercised), small rotations, random crops and shifts, blur and noise;
* balanced sampling: half normal, half abnormal films per epoch, and within each class
  sources drawn in proportion to the square root of their size, so no source dominates;
* a fixed number of epochs (no early stopping on any evaluation source).

The same code runs on CUDA (bf16 autocast, channels_last) and on CPU.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import torch
import torch.nn.functional as F  # noqa: N812 - the PyTorch convention
from torch import nn

from imaging.datasets import FilmArrays
from imaging.models import CompactCXRNet
from imaging.preprocess import equalize
from imaging.training import random_affine

logger = logging.getLogger(__name__)

LABELS = ("pneumonia", "abnormal")


@dataclass
class RobustTrainConfig:
    """Everything that determines a run (recorded in the model card)."""

    image_size: int = 64
    epochs: int = 12
    samples_per_epoch: int = 2048
    batch_size: int = 64
    learning_rate: float = 3e-3
    weight_decay: float = 5e-4
    widths: tuple[int, ...] = (16, 32, 64, 128)
    dropout: float = 0.3
    seed: int = 20261201
    device: str = "auto"
    history: list[dict[str, float]] = field(default_factory=list)


def sampling_weights(data: FilmArrays) -> npt.NDArray[np.float64]:
    """Per-film sampling weight: classes 50/50, sources within a class by sqrt(size)."""
    weights = np.zeros(len(data), dtype=np.float64)
    for label in (0, 1):
        in_class = data.abnormal == label
        sources, counts = np.unique(data.source[in_class], return_counts=True)
        share = np.sqrt(counts) / np.sqrt(counts).sum()
        for source, count, part in zip(sources, counts, share, strict=True):
            weights[in_class & (data.source == source)] = 0.5 * part / count
    return np.asarray(weights / weights.sum(), dtype=np.float64)


def to_unit(images: npt.NDArray[np.uint8]) -> torch.Tensor:
    """uint8 ``(N, H, W)`` -> float ``(N, 1, H, W)`` in [0, 255] (the scale ranks are taken on)."""
    return torch.from_numpy(images).float()[:, None]


def model_input(raw: torch.Tensor) -> torch.Tensor:
    """Equalised model input in [-1, 1] from ``(N, 1, H, W)`` 8-bit-scaled images."""
    return equalize(raw) * 2.0 - 1.0


def augment(raw: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """Photometric jitter, equalisation, then geometric jitter, blur and noise; returns model input."""
    n = raw.shape[0]
    x = (raw / 255.0).clamp(1e-4, 1.0)
    gamma = torch.exp((torch.rand(n, 1, 1, 1, generator=g) - 0.5) * 0.8)
    gain = 0.7 + 0.6 * torch.rand(n, 1, 1, 1, generator=g)
    bias = (torch.rand(n, 1, 1, 1, generator=g) - 0.5) * 0.3
    x = torch.round(((x**gamma) * gain + bias).clamp(0.0, 1.0) * 255.0)
    x = random_affine(model_input(x), g, scale_range=0.3, degrees=20.0, shift_range=0.16)
    blur = torch.rand(n, 1, 1, 1, generator=g) < 0.3
    x = torch.where(blur, F.avg_pool2d(x, 3, 1, 1, count_include_pad=False), x)
    sigma = 0.08 * torch.rand(n, 1, 1, 1, generator=g)
    return (x + sigma * torch.randn(x.shape, generator=g)).clamp(-1.0, 1.0)


def targets(data: FilmArrays, idx: npt.NDArray[np.int64]) -> torch.Tensor:
    """``(N, 2)`` targets (pneumonia, abnormal); NaN marks an unknown pneumonia label."""
    return torch.from_numpy(np.stack([data.pneumonia[idx], data.abnormal[idx].astype(np.float32)], 1))


def masked_bce(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy over the known targets only."""
    known = ~torch.isnan(y)
    return F.binary_cross_entropy_with_logits(logits[known], y[known])


def _device(choice: str) -> torch.device:
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(choice)


def train_robust(data: FilmArrays, config: RobustTrainConfig) -> nn.Module:
    """Train a compact network on ``data`` (all of it is training data); returns it on CPU, eval mode."""
    torch.manual_seed(config.seed)
    device = _device(config.device)
    g = torch.Generator().manual_seed(config.seed)
    model = CompactCXRNet(len(LABELS), widths=config.widths, dropout=config.dropout).to(device)
    if device.type == "cuda":
        model = model.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
    weights = torch.from_numpy(sampling_weights(data))
    steps_per_epoch = config.samples_per_epoch // config.batch_size
    opt = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, config.learning_rate, total_steps=config.epochs * steps_per_epoch
    )
    for epoch in range(config.epochs):
        started, losses = time.perf_counter(), []
        model.train()
        order = torch.multinomial(weights, steps_per_epoch * config.batch_size, replacement=True, generator=g)
        for step in range(steps_per_epoch):
            idx = np.sort(order[step * config.batch_size : (step + 1) * config.batch_size].numpy())
            x = augment(to_unit(data.images[idx]), g).to(device)
            y = targets(data, idx).to(device)
            if device.type == "cuda":
                x = x.contiguous(memory_format=torch.channels_last)
                with torch.autocast("cuda", dtype=torch.bfloat16):
                    loss = masked_bce(model(x).float(), y)
            else:
                loss = masked_bce(model(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
            sched.step()
            losses.append(float(loss.item()))
        row = {"epoch": epoch + 1, "loss": float(np.mean(losses)), "seconds": time.perf_counter() - started}
        config.history.append(row)
        logger.info("epoch %d loss %.4f (%.0f s)", epoch + 1, row["loss"], row["seconds"])
    model = model.to("cpu", memory_format=torch.contiguous_format)  # type: ignore[call-overload]
    model.eval()
    trained: nn.Module = model
    return trained


@torch.no_grad()
def predict_logits(
    model: nn.Module, images: npt.NDArray[np.uint8], batch: int = 256
) -> npt.NDArray[np.float64]:
    """Logits ``(N, 2)`` for cached uint8 images (CPU, eval mode, no augmentation)."""
    model.eval()
    outs = [model(model_input(to_unit(images[i : i + batch]))) for i in range(0, len(images), batch)]
    return torch.cat(outs).double().numpy() if outs else np.zeros((0, len(LABELS)))
