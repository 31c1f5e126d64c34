"""Training of the project's default chest X-ray model on public data.

Data (read in place, never copied): the Kermany paediatric set (official train split only;
its test split is reserved for evaluation) and 1,000 adult NIH ChestX-ray14 images, split
by patient id (70% train / 10% validation / 20% held-out test), never by image. Decoded,
resized images are cached once as a uint8 array so that epochs cost only the network.

Outputs: ``pneumonia`` (pneumonia/opacity) and ``abnormal`` (normal vs abnormal). The
validation split fits one temperature per label and the Youden operating threshold.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import torch
import torch.nn.functional as F  # noqa: N812 - the PyTorch convention
from torch import nn

from imaging.calibration import choose_threshold, fit_temperature, sigmoid
from imaging.metrics import roc_auc
from imaging.models import CompactCXRNet
from imaging.preprocess import load_image_file, resize_square

logger = logging.getLogger(__name__)

LABELS = ("pneumonia", "abnormal")
NIH_FRACTIONS = (0.7, 0.1, 0.2)
KERMANY_VAL_FRACTION = 0.1


@dataclass
class CXRDataset:
    """Decoded images with labels and split assignment (parallel arrays)."""

    images: npt.NDArray[np.uint8]
    targets: npt.NDArray[np.float32]
    source: npt.NDArray[np.str_]
    split: npt.NDArray[np.str_]
    patient: npt.NDArray[np.str_]
    names: list[str] = field(default_factory=list)

    def subset(self, mask: npt.NDArray[np.bool_]) -> CXRDataset:
        """Rows selected by a boolean mask."""
        return CXRDataset(
            self.images[mask],
            self.targets[mask],
            self.source[mask],
            self.split[mask],
            self.patient[mask],
            [n for n, keep in zip(self.names, mask, strict=True) if keep],
        )


@dataclass
class TrainConfig:
    """Everything that determines a training run (recorded in the model card)."""

    data_root: Path
    out_dir: Path
    cache_dir: Path
    image_size: int = 128
    epochs: int = 8
    batch_size: int = 64
    learning_rate: float = 2e-3
    weight_decay: float = 1e-4
    seed: int = 20240601
    num_threads: int = 2
    nih_repeat: int = 3
    widths: tuple[int, ...] = (16, 32, 64, 128)
    name: str = "so-cxr-compact"
    version: str = "1.0.0"


def _patient_split(patient_id: str, seed: int, fractions: tuple[float, ...]) -> int:
    """Assign a patient deterministically to a split index by hashing id and seed."""
    digest = hashlib.sha256(f"{seed}:{patient_id}".encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    edges = np.cumsum(fractions)
    return int(np.searchsorted(edges, u, side="right"))


def kermany_rows(data_root: Path, seed: int) -> list[tuple[Path, float, str, str]]:
    """Kermany rows ``(path, pneumonia, split, patient)``; train patients split 90/10 into val."""
    folder = data_root / "cxr" / "kermany"
    rows = []
    with (folder / "labels.csv").open(newline="") as fh:
        for rec in csv.DictReader(fh):
            split = rec["split"]
            if split == "train":
                pick = _patient_split(rec["patient_id"], seed, (1 - KERMANY_VAL_FRACTION,))
                split = "train" if pick == 0 else "val"
            positive = 1.0 if rec["label"] == "PNEUMONIA" else 0.0
            rows.append((folder / "images" / rec["image"], positive, split, rec["patient_id"]))
    return rows


def nih_rows(data_root: Path, seed: int) -> list[tuple[Path, float, str, str]]:
    """NIH rows ``(path, pneumonia, split, patient)`` split 70/10/20 by patient id."""
    folder = data_root / "cxr" / "nih1000"
    names = ("train", "val", "test")
    rows = []
    with (folder / "labels.csv").open(newline="") as fh:
        for rec in csv.DictReader(fh):
            split = names[min(_patient_split(rec["patient_id"], seed, NIH_FRACTIONS), 2)]
            positive = float(rec["Pneumonia"] == "1")
            rows.append((folder / "images_256" / rec["image"], positive, split, rec["patient_id"]))
    return rows


def build_cache(data_root: Path, cache_dir: Path, size: int, seed: int) -> CXRDataset:
    """Decode, resize and cache all training/evaluation images as uint8 (built once).

    Targets per row: ``[pneumonia, abnormal]``. In these two datasets every abnormal image
    carries a pneumonia label (Kermany: NORMAL/PNEUMONIA; NIH subset: No Finding/Pneumonia),
    so the two targets coincide here; the model card says so.
    """
    cache = cache_dir / f"cxr_cache_{size}_{seed}.npz"
    if cache.is_file():
        z = np.load(cache)
        return CXRDataset(z["images"], z["targets"], z["source"], z["split"], z["patient"], list(z["names"]))
    rows = [(*r, "kermany") for r in kermany_rows(data_root, seed)]
    rows += [(*r, "nih") for r in nih_rows(data_root, seed)]
    images = np.empty((len(rows), size, size), dtype=np.uint8)
    started = time.perf_counter()
    for i, (path, *_rest) in enumerate(rows):
        images[i] = np.round(resize_square(load_image_file(path), size) * 255.0).astype(np.uint8)
    logger.info("decoded %d images in %.0f s", len(rows), time.perf_counter() - started)
    dataset = CXRDataset(
        images,
        np.array([[r[1], r[1]] for r in rows], dtype=np.float32),
        np.array([r[4] for r in rows]),
        np.array([r[2] for r in rows]),
        np.array([r[3] for r in rows]),
        [f"{r[4]}/{r[0].name}" for r in rows],
    )
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.savez(
        cache,
        images=dataset.images,
        targets=dataset.targets,
        source=dataset.source,
        split=dataset.split,
        patient=dataset.patient,
        names=np.array(dataset.names),
    )
    return dataset


def to_input(images: npt.NDArray[np.uint8]) -> torch.Tensor:
    """uint8 ``(N, H, W)`` -> float ``(N, 1, H, W)`` in the model's [-1, 1] range."""
    return torch.from_numpy(images).float().div_(127.5).sub_(1.0)[:, None]


def random_affine(
    x: torch.Tensor, generator: torch.Generator, *, scale_range: float, degrees: float, shift_range: float
) -> torch.Tensor:
    """Per-image random affine of ``(N, 1, H, W)`` images, borders repeated.

    Scale is drawn from ``1 +- scale_range/2``, rotation from ``+-degrees/2`` and the shift
    of each axis from ``+-shift_range/2`` (a fraction of the half-width).
    """
    n = x.shape[0]
    scale = (1.0 - scale_range / 2) + scale_range * torch.rand(n, generator=generator)
    angle = (torch.rand(n, generator=generator) - 0.5) * (degrees * np.pi / 180.0)
    shift = (torch.rand(n, 2, generator=generator) - 0.5) * shift_range
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1
    )
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, padding_mode="border", align_corners=False)


def augment(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random small affine (scale 0.9-1.1, rotation +-7 deg, shift +-6%) and contrast jitter."""
    n = x.shape[0]
    out = random_affine(x, generator, scale_range=0.2, degrees=14.0, shift_range=0.12)
    gain = 0.85 + 0.3 * torch.rand(n, 1, 1, 1, generator=generator)
    bias = (torch.rand(n, 1, 1, 1, generator=generator) - 0.5) * 0.2
    return (out * gain + bias).clamp_(-1.0, 1.0)


@torch.no_grad()
def predict_logits(
    model: nn.Module, images: npt.NDArray[np.uint8], batch: int = 256
) -> npt.NDArray[np.float64]:
    """Logits ``(N, labels)`` for cached uint8 images, in eval mode."""
    model.eval()
    outs = [model(to_input(images[i : i + batch])) for i in range(0, len(images), batch)]
    return torch.cat(outs).double().numpy()


def train_epoch(
    model: nn.Module,
    data: CXRDataset,
    optimiser: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    pos_weight: torch.Tensor,
    config: TrainConfig,
    generator: torch.Generator,
) -> float:
    """One pass over the training rows in a seeded order; returns the mean loss."""
    model.train()
    pool = np.concatenate(
        [np.arange(len(data.images))] + [np.flatnonzero(data.source == "nih")] * (config.nih_repeat - 1)
    )
    order = pool[torch.randperm(len(pool), generator=generator).numpy()]
    losses = []
    for start in range(0, len(order) - config.batch_size + 1, config.batch_size):
        idx = np.sort(order[start : start + config.batch_size])
        x = augment(to_input(data.images[idx]), generator)
        y = torch.from_numpy(data.targets[idx])
        loss = F.binary_cross_entropy_with_logits(model(x), y, pos_weight=pos_weight)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()  # type: ignore[no-untyped-call]
        optimiser.step()
        scheduler.step()
        losses.append(float(loss.item()))
    return float(np.mean(losses))


@dataclass
class TrainResult:
    """The trained model and what calibration chose."""

    model: nn.Module
    temperatures: dict[str, float]
    thresholds: dict[str, float]
    val_auc: dict[str, float]
    history: list[dict[str, float]]
    counts: dict[str, int]


def train(config: TrainConfig) -> TrainResult:
    """Train, keep the best epoch by validation AUC, then calibrate and pick thresholds."""
    torch.manual_seed(config.seed)
    np.random.seed(config.seed)
    torch.set_num_threads(config.num_threads)
    torch.use_deterministic_algorithms(True)
    data = build_cache(config.data_root, config.cache_dir, config.image_size, config.seed)
    train_set, val_set = data.subset(data.split == "train"), data.subset(data.split == "val")
    counts = {
        f"{s}_{src}": int(((data.split == s) & (data.source == src)).sum())
        for s in ("train", "val", "test")
        for src in ("kermany", "nih")
    }
    logger.info("split sizes: %s", counts)
    model = CompactCXRNet(len(LABELS), widths=config.widths)
    positives = train_set.targets.mean(axis=0)
    pos_weight = torch.from_numpy((1.0 - positives) / positives).float()
    optimiser = torch.optim.AdamW(
        model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    epoch_rows = len(train_set.images) + (config.nih_repeat - 1) * int((train_set.source == "nih").sum())
    steps = config.epochs * (epoch_rows // config.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimiser, config.learning_rate, total_steps=steps)
    generator = torch.Generator().manual_seed(config.seed)
    best_auc, best_state, history = -1.0, copy.deepcopy(model.state_dict()), []
    for epoch in range(config.epochs):
        started = time.perf_counter()
        loss = train_epoch(model, train_set, optimiser, scheduler, pos_weight, config, generator)
        logits = predict_logits(model, val_set.images)
        auc = float(
            np.mean(
                [
                    roc_auc(logits[m, 0], val_set.targets[m, 0])
                    for m in (val_set.source == "kermany", val_set.source == "nih")
                ]
            )
        )
        history.append({"epoch": epoch + 1, "loss": loss, "val_mean_source_auc_pneumonia": auc})
        logger.info(
            "epoch %d loss %.4f val AUC %.4f (%.0f s)", epoch + 1, loss, auc, time.perf_counter() - started
        )
        if auc > best_auc:
            best_auc, best_state = auc, copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)
    logits = predict_logits(model, val_set.images)
    temperatures, thresholds, val_auc = {}, {}, {}
    for j, label in enumerate(LABELS):
        y = val_set.targets[:, j]
        temperatures[label] = fit_temperature(logits[:, j], y)
        thresholds[label] = choose_threshold(sigmoid(logits[:, j] / temperatures[label]), y, "youden")
        val_auc[label] = roc_auc(logits[:, j], y)
    return TrainResult(model, temperatures, thresholds, val_auc, history, counts)


def save_trained_model(result: TrainResult, config: TrainConfig, command: str) -> Path:
    """Write weights (state dict) and the registry entry / model card to ``config.out_dir``.

    Returns:
        The path of the written JSON entry.
    """
    from imaging.checksums import sha256_file
    from imaging.registry import ModelCard, ModelEntry, save_entry

    config.out_dir.mkdir(parents=True, exist_ok=True)
    weights = config.out_dir / f"{config.name}.pt"
    state = {k: v.detach().clone().contiguous() for k, v in result.model.state_dict().items()}
    torch.save(state, weights)
    card = ModelCard(
        id=f"{config.name}@{config.version}",
        summary="Compact residual CNN for frontal chest radiographs: pneumonia/opacity and "
        "normal-vs-abnormal, trained by the project on public data (CPU, minutes).",
        training_data=[
            f"Kermany 2018 paediatric CXR, official train split only, patient-level 90/10 "
            f"train/val: {result.counts['train_kermany']} train, {result.counts['val_kermany']} val",
            f"NIH ChestX-ray14 1,000-image subset, split by patient id 70/10/20: "
            f"{result.counts['train_nih']} train, {result.counts['val_nih']} val, "
            f"{result.counts['test_nih']} held-out test",
        ],
        training_command=command,
        seed=config.seed,
        limitations=[
            "Trained on 128x128 px inputs of two small public datasets; not validated on any "
            "local population.",
            "In the training data every abnormal image is a pneumonia image, so the 'abnormal' "
            "output has only learned pneumonia-like abnormality; it does not detect nodules, "
            "masses, fractures, devices or other findings.",
            "Kermany images are paediatric (age 1-5); NIH labels are NLP-mined and noisy.",
            "Frontal views only; lateral views and non-CXR images are refused by the input guard.",
        ],
    )
    entry = ModelEntry(
        name=config.name,
        version=config.version,
        architecture="compact_cxr",
        architecture_args={"widths": list(config.widths), "dropout": 0.2},
        labels=list(LABELS),
        input_size=config.image_size,
        intensity_range=(-1.0, 1.0),
        preprocessing=[
            "decode to grayscale, display window applied, 0 = black, 1 = white",
            f"resize to {config.image_size}x{config.image_size} (antialiased bilinear, aspect not kept)",
            "scale [0, 1] linearly to [-1, 1]",
        ],
        thresholds=result.thresholds,
        temperatures=result.temperatures,
        threshold_rule="Youden's J on calibrated validation probabilities",
        gradcam_layer="features.2",
        weights_path=weights,
        sha256=sha256_file(weights),
        card=card,
    )
    return save_entry(entry, config.out_dir)
