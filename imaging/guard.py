"""A learned input guard: is this picture an upright frontal chest radiograph?

``so-cxr-guard`` is a tiny network trained on real frontal films (positives) against
real and generated negatives (:mod:`imaging.guard_data`): CT slices, films rotated,
mirrored, upside down or inverted, documents, synthetic patterns and natural-image-like
textures. It reads the same equalised 64 px input as the classifier, so it cannot use
exposure; it is trained on jittered framings and scores the mean over five, so a chest that
sits high or low in the frame is still read. :class:`FrontalGuard` scores display images for
:func:`imaging.ood.check_cxr_input`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import torch
import torch.nn.functional as F  # noqa: N812 - the PyTorch convention
from torch import nn

from imaging.datasets import FilmArrays
from imaging.errors import ImagingError
from imaging.guard_data import FILM_TRANSFORMS, ct_pictures, document, natural_like, synthetic, transform_film
from imaging.models import CompactCXRNet
from imaging.preprocess import prepare_batch, resize_square
from imaging.registry import ModelEntry, get_model_entry, load_weights

logger = logging.getLogger(__name__)
GUARD_NAME = "so-cxr-guard"
GUARD_SIZE = 64
GUARD_WIDTHS = (8, 16, 32, 64)
#: Framing jitter for every training picture (scale 0.8-1.2, rotation +-5 deg, shift +-15% of the
#: half-width): real films place the chest higher or lower and larger or smaller in the frame
#: (an AP film of a seated patient shows neck and abdomen), and a guard trained on one framing
#: refused them. Applied to negatives too, so that jitter itself is no sign of a film.
GUARD_FRAMING = {"scale_range": 0.4, "degrees": 10.0, "shift_range": 0.3}


def _small(picture: npt.NDArray[np.float32]) -> npt.NDArray[np.uint8]:
    gray = picture.mean(axis=2) if picture.ndim == 3 else picture
    return np.round(resize_square(gray.astype(np.float32), GUARD_SIZE) * 255).astype(np.uint8)


def negative_pool(ct_series: Sequence[Path], seed: int, per_kind: int) -> npt.NDArray[np.uint8]:
    """Non-film negatives at guard resolution: CT slices, documents, synthetic, natural-like."""
    rng = np.random.default_rng(seed)
    pictures = [_small(p) for series in ct_series for p in ct_pictures(series)]
    for _ in range(per_kind):
        pictures += [_small(document(rng)), _small(synthetic(rng)), _small(natural_like(rng))]
        pictures.append(_small(natural_like(rng, colour=True)))
    return np.stack(pictures)


def _as_input(images: npt.NDArray[np.uint8]) -> torch.Tensor:
    from imaging.robust_training import model_input

    return model_input(torch.from_numpy(images).float()[:, None])


def _batch(
    films: npt.NDArray[np.uint8], negatives: npt.NDArray[np.uint8], rng: np.random.Generator, n: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Half real films, a quarter transformed films, a quarter other negatives."""
    pos = films[rng.integers(0, len(films), n // 2)]
    bad = films[rng.integers(0, len(films), n // 4)].astype(np.float32) / 255.0
    kinds = rng.integers(0, len(FILM_TRANSFORMS), len(bad))
    turned = np.stack([transform_film(b, FILM_TRANSFORMS[k]) for b, k in zip(bad, kinds, strict=True)])
    other = negatives[rng.integers(0, len(negatives), n - len(pos) - len(bad))]
    images = np.concatenate([pos, np.round(turned * 255).astype(np.uint8), other])
    y = np.r_[np.ones(len(pos)), np.zeros(len(images) - len(pos))].astype(np.float32)
    return _as_input(images), torch.from_numpy(y)[:, None]


def train_guard(
    films: FilmArrays,
    negatives: npt.NDArray[np.uint8],
    steps: int = 400,
    seed: int = 11,
    framing: dict[str, float] | None = None,
) -> nn.Module:
    """Train the guard network on ``films`` (positives and their transforms) and ``negatives``.

    ``framing``: arguments of :func:`imaging.training.random_affine` applied to every picture
    of every batch (``GUARD_FRAMING``); ``None`` trains on the pictures as framed.
    """
    from imaging.training import random_affine

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    generator = torch.Generator().manual_seed(seed)
    model = CompactCXRNet(1, widths=GUARD_WIDTHS, dropout=0.1)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, total_steps=steps)
    model.train()
    for step in range(steps):
        x, y = _batch(films.images, negatives, rng, 64)
        if framing is not None:
            x = random_affine(x, generator, **framing)
        shift = torch.from_numpy(rng.integers(-4, 5, 2)).tolist()
        x = torch.roll(x, shifts=(int(shift[0]), int(shift[1])), dims=(2, 3))
        loss = F.binary_cross_entropy_with_logits(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()  # type: ignore[no-untyped-call]
        opt.step()
        sched.step()
        if step % 100 == 0:
            logger.info("guard step %d loss %.4f", step, float(loss.item()))
    model.eval()
    return model


#: Framings each picture is also scored in; the guard's probability is their mean.
GUARD_VIEWS = ("as_is", "zoom_in", "zoom_out", "higher", "lower")


def reframe(image: npt.ArrayLike, view: str) -> npt.NDArray[np.float32]:
    """``image`` framed another way: 10% closer or further, or with 10% of its top or bottom cut."""
    arr = np.asarray(image, dtype=np.float32)
    if arr.ndim == 3:
        arr = arr.mean(axis=2)
    h, w = arr.shape
    dh, dw = max(1, h // 20), max(1, w // 20)
    match view:
        case "as_is":
            out = arr
        case "zoom_in":
            out = arr[dh : h - dh, dw : w - dw]
        case "zoom_out":
            out = np.pad(arr, ((dh, dh), (dw, dw)), mode="edge")
        case "higher":
            out = arr[2 * dh :]
        case "lower":
            out = arr[: h - 2 * dh]
        case _:
            raise ValueError(f"unknown guard view {view!r}")
    return np.ascontiguousarray(out)


class FrontalGuard:
    """Scores display images: probability of an upright frontal chest radiograph."""

    def __init__(
        self, entry: ModelEntry, model: nn.Module | None = None, views: Sequence[str] = GUARD_VIEWS
    ) -> None:
        """Load (and verify) the guard's weights unless a module is given.

        ``views``: the framings averaged per picture (:func:`reframe`); ``("as_is",)`` scores
        the picture alone.
        """
        self.entry = entry
        self.model = model if model is not None else load_weights(entry)
        self.model.eval()
        self.threshold = float(entry.thresholds.get(entry.labels[0], 0.5))
        self.views = tuple(views)
        self.lock = threading.Lock()

    def probabilities(self, images: Sequence[npt.ArrayLike]) -> list[float]:
        """Probability per image, the mean over its framings (colour pictures are averaged to grey)."""
        framed = [reframe(image, view) for image in images for view in self.views]
        batch = prepare_batch(framed, self.entry.input_size, self.entry.intensity_range, equalise=True)
        with self.lock, torch.inference_mode():
            probs = torch.sigmoid(self.model(batch))[:, 0].reshape(len(images), len(self.views))
        return [float(p) for p in probs.mean(dim=1)]


_CACHE: dict[str, FrontalGuard | None] = {}


def default_guard() -> FrontalGuard | None:
    """The registered guard, loaded once; None when it is not installed."""
    if GUARD_NAME not in _CACHE:
        try:
            _CACHE[GUARD_NAME] = FrontalGuard(get_model_entry(GUARD_NAME))
        except ImagingError as err:
            logger.warning("input guard model unavailable: %s", err.message)
            _CACHE[GUARD_NAME] = None
    return _CACHE[GUARD_NAME]
