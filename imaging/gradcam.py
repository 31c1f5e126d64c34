"""Grad-CAM heatmaps (Selvaraju et al., ICCV 2017) and PNG overlays on the windowed image.

For a label, the gradients of its logit with respect to a convolutional layer's activations
are averaged per channel to weight those activations; the ReLU of the weighted sum,
upsampled to the image and normalised to [0, 1], is the heatmap. It shows where the model
looked, not where disease is; the overlay says so in its legend-free colour ramp only, and
the clinician-facing text must say it in words.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import numpy.typing as npt
import torch
import torch.nn.functional as F  # noqa: N812 - the PyTorch convention
from PIL import Image
from torch import nn

from imaging.inference import InferenceEngine
from imaging.preprocess import as_display_image, center_crop_square

logger = logging.getLogger(__name__)

FloatImage = npt.NDArray[np.float32]


def _layer(model: nn.Module, name: str) -> nn.Module:
    modules: dict[str, nn.Module] = dict(model.named_modules())
    if name not in modules:
        raise ValueError(f"model has no layer {name!r} for Grad-CAM")
    return modules[name]


def grad_cam(model: nn.Module, batch: torch.Tensor, label_index: int, layer: str) -> npt.NDArray[np.float32]:
    """Grad-CAM maps for one label over a prepared batch (fp32, CPU or model's device).

    Args:
        model: The classifier in eval mode.
        batch: Prepared input ``(N, C, H, W)``.
        label_index: Output index of the label to explain.
        layer: Dotted name of the convolutional layer to read (e.g. ``"features.2"``).

    Returns:
        ``(N, H, W)`` float32 maps in [0, 1] at the input resolution.
    """
    target = _layer(model, layer)
    store: dict[str, torch.Tensor] = {}

    def hook(_m: nn.Module, _i: object, output: torch.Tensor) -> None:
        output.retain_grad()
        store["act"] = output

    handle = target.register_forward_hook(hook)
    try:
        with torch.enable_grad():
            x = batch.detach().clone().requires_grad_(True)
            logits = model(x)
            logits[:, label_index].sum().backward()  # type: ignore[no-untyped-call]
    finally:
        handle.remove()
    act = store["act"]
    assert act.grad is not None
    weights = act.grad.mean(dim=(2, 3), keepdim=True)
    raw = (weights * act).sum(dim=1, keepdim=True)
    cam = F.relu(raw)
    # A low score can leave no positive evidence at all (an all-zero map, drawn as a plain
    # grey overlay): then show where the evidence for the label was least negative instead.
    empty = cam.flatten(1).amax(1) <= 1e-6 * raw.flatten(1).abs().amax(1).clamp_min(1e-12)
    cam = torch.where(empty[:, None, None, None], raw, cam)
    cam = F.interpolate(cam, size=batch.shape[-2:], mode="bilinear", align_corners=False)[:, 0]
    flat = cam.flatten(1)
    low, high = flat.min(1).values[:, None, None], flat.max(1).values[:, None, None]
    cam = (cam - low) / (high - low).clamp_min(1e-8)
    model.zero_grad(set_to_none=True)
    return np.asarray(cam.detach().float().cpu().numpy(), dtype=np.float32)


def heatmap_for(engine: InferenceEngine, image: npt.ArrayLike, label: str) -> FloatImage:
    """Grad-CAM heatmap of one label for one image, at the model's input resolution.

    Raises:
        ValueError: If the label is not one of the model's.
    """
    if label not in engine.entry.labels:
        raise ValueError(f"label {label!r} is not an output of {engine.entry.card_id}")
    batch = engine.prepare([image]).to(engine.device)
    with engine.lock:
        cam = grad_cam(engine.model, batch, engine.entry.labels.index(label), engine.entry.gradcam_layer)
    return np.asarray(cam[0], dtype=np.float32)


def _jet(values: FloatImage) -> npt.NDArray[np.uint8]:
    """A perceptually ordered blue-to-red ramp for values in [0, 1] -> RGB uint8."""
    v = np.clip(values, 0.0, 1.0).astype(np.float32)
    channels = [np.clip(1.5 - np.abs(4.0 * v - c), 0.0, 1.0) for c in (3.0, 2.0, 1.0)]
    return (np.stack(channels, axis=-1) * np.float32(255.0)).astype(np.uint8)


def overlay(image: npt.ArrayLike, heatmap: FloatImage, alpha: float = 0.4) -> Image.Image:
    """Blend a [0, 1] heatmap onto the windowed grayscale image at the image's resolution.

    Weak activations (< 0.2) are left transparent so the anatomy stays readable.
    """
    gray = as_display_image(image)
    h, w = gray.shape
    resized = (
        np.asarray(
            Image.fromarray((heatmap * 255).astype(np.uint8)).resize((w, h), Image.Resampling.BILINEAR),
            dtype=np.float32,
        )
        / 255.0
    )
    base = gray[..., None] * np.float32(255.0)
    weight = (np.float32(alpha) * (resized >= 0.2) * resized)[..., None]
    blended = base * (1.0 - weight) + _jet(resized) * weight
    return Image.fromarray(np.clip(blended, 0, 255).astype(np.uint8), mode="RGB")


def write_overlay(engine: InferenceEngine, image: npt.ArrayLike, label: str, path: Path) -> Path:
    """Compute the heatmap of ``label`` and write the overlay PNG to ``path``."""
    display = as_display_image(image)
    if engine.entry.center_crop:
        display = center_crop_square(display)
    overlay(display, heatmap_for(engine, display, label)).save(path, format="PNG", compress_level=1)
    return path
