"""Out-of-distribution score from the classifier's own embedding.

The pooled features of :class:`imaging.models.CompactCXRNet` are summarised over the
training films by a mean and a per-feature spread; a new film's distance is the root mean
squared standardised difference (a diagonal Mahalanobis distance per feature). The limit
is the 99.5th percentile of the training films' own distances, so about one real film in
two hundred lies beyond it; anything far beyond is unlike everything the model learned from.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import torch
from pydantic import BaseModel, Field
from torch import nn

FloatArray = npt.NDArray[np.float64]


class FeatureDistance(BaseModel):
    """Summary of the training films' embedding and the refusal limit."""

    mean: list[float]
    scale: list[float]
    limit: float = Field(description="99.5th percentile of the training films' distances.")

    def distances(self, features: FloatArray) -> FloatArray:
        """Distance of each row of ``features`` ``(N, D)`` from the training films."""
        z = (features - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(np.sqrt((z**2).mean(axis=1)), dtype=np.float64)


@torch.no_grad()
def embed(model: nn.Module, batch: torch.Tensor) -> FloatArray:
    """Pooled features ``(N, D)`` of a CompactCXRNet for a prepared batch (eval mode)."""
    stem, features, pool = (getattr(model, name) for name in ("stem", "features", "pool"))
    out = torch.flatten(pool(features(stem(batch))), 1)
    return np.asarray(out.double().cpu().numpy(), dtype=np.float64)


def fit_feature_distance(features: FloatArray, quantile: float = 99.5) -> FeatureDistance:
    """Summarise training-film features and set the limit at their ``quantile`` percentile."""
    mean = features.mean(axis=0)
    scale = features.std(axis=0) + 1e-3 * (features.std() + 1e-6)
    summary = FeatureDistance(mean=mean.tolist(), scale=scale.tolist(), limit=0.0)
    limit = float(np.percentile(summary.distances(features), quantile))
    return summary.model_copy(update={"limit": limit})
