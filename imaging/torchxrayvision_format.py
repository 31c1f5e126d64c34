"""Loader for TorchXRayVision-format DenseNet-121 weights (``densenet121-res224-all``).

TorchXRayVision (Cohen et al., MIDL 2022, Apache-2.0) publishes a DenseNet-121 trained on
NIH, PadChest, CheXpert, MIMIC-CXR, Google, OpenI and RSNA images with 18 outputs, its own
operating thresholds (``op_threshs``), 224 px single-channel inputs scaled to
[-1024, 1024]. Its release file is a pickled module; because unpickling runs code, this
loader accepts only a plain state dict with TorchXRayVision's parameter names. Convert the
release file once, on a trusted machine that has ``torchxrayvision`` installed::

    python -c "import sys, torch; m = torch.load(sys.argv[1], weights_only=False); \
torch.save(m.state_dict(), sys.argv[2])" RELEASE.pt densenet121-res224-all.state_dict.pt

No weights are downloaded by this project; the figures TorchXRayVision reports are theirs.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import torch
import torch.nn.functional as F  # noqa: N812 - the PyTorch convention
from torch import nn

from imaging.errors import WeightsFormatError

XRV_NAME = "densenet121-res224-all"
XRV_PATHOLOGIES: tuple[str, ...] = (
    "Atelectasis",
    "Consolidation",
    "Infiltration",
    "Pneumothorax",
    "Edema",
    "Emphysema",
    "Fibrosis",
    "Effusion",
    "Pneumonia",
    "Pleural_Thickening",
    "Cardiomegaly",
    "Nodule",
    "Mass",
    "Hernia",
    "Lung Lesion",
    "Fracture",
    "Lung Opacity",
    "Enlarged Cardiomediastinum",
)
XRV_OP_THRESHS: tuple[float, ...] = (
    0.07422872,
    0.038290843,
    0.09814756,
    0.0098118475,
    0.023601074,
    0.0022490358,
    0.010060724,
    0.103246614,
    0.056810737,
    0.026791653,
    0.050318155,
    0.023985857,
    0.01939503,
    0.042889766,
    0.053369623,
    0.035975814,
    0.20204692,
    0.05015312,
)
XRV_INPUT_SIZE = 224
XRV_INTENSITY_RANGE = (-1024.0, 1024.0)


class _DenseLayer(nn.Sequential):
    def __init__(self, in_features: int, growth_rate: int, bn_size: int) -> None:
        super().__init__()
        self.add_module("norm1", nn.BatchNorm2d(in_features))
        self.add_module("relu1", nn.ReLU(inplace=True))
        self.add_module("conv1", nn.Conv2d(in_features, bn_size * growth_rate, 1, bias=False))
        self.add_module("norm2", nn.BatchNorm2d(bn_size * growth_rate))
        self.add_module("relu2", nn.ReLU(inplace=True))
        self.add_module("conv2", nn.Conv2d(bn_size * growth_rate, growth_rate, 3, padding=1, bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        new: torch.Tensor = super().forward(x)  # type: ignore[no-untyped-call]
        return torch.cat([x, new], 1)


class _Transition(nn.Sequential):
    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.add_module("norm", nn.BatchNorm2d(in_features))
        self.add_module("relu", nn.ReLU(inplace=True))
        self.add_module("conv", nn.Conv2d(in_features, out_features, 1, bias=False))
        self.add_module("pool", nn.AvgPool2d(2, 2))


class XRVDenseNet121(nn.Module):
    """DenseNet-121 with TorchXRayVision's module names, 1 input channel, raw logits out.

    Unlike TorchXRayVision's class it never applies ``op_norm``; the registry entry keeps
    ``op_threshs`` as per-label thresholds on the sigmoid probability instead.
    """

    def __init__(
        self,
        num_labels: int = len(XRV_PATHOLOGIES),
        growth_rate: int = 32,
        block_config: tuple[int, ...] = (6, 12, 24, 16),
        num_init_features: int = 64,
        bn_size: int = 4,
    ) -> None:
        """Build the network (DenseNet-BC, Huang et al. 2017, as TorchXRayVision lays it out)."""
        super().__init__()
        layers: OrderedDict[str, nn.Module] = OrderedDict(
            conv0=nn.Conv2d(1, num_init_features, 7, 2, 3, bias=False),
            norm0=nn.BatchNorm2d(num_init_features),
            relu0=nn.ReLU(inplace=True),
            pool0=nn.MaxPool2d(3, 2, 1),
        )
        features = num_init_features
        for i, num_layers in enumerate(block_config):
            block = nn.Sequential()
            for j in range(num_layers):
                block.add_module(
                    f"denselayer{j + 1}", _DenseLayer(features + j * growth_rate, growth_rate, bn_size)
                )
            layers[f"denseblock{i + 1}"] = block
            features += num_layers * growth_rate
            if i != len(block_config) - 1:
                layers[f"transition{i + 1}"] = _Transition(features, features // 2)
                features //= 2
        layers["norm5"] = nn.BatchNorm2d(features)
        self.features = nn.Sequential(layers)
        self.classifier = nn.Linear(features, num_labels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``(batch, num_labels)`` for inputs ``(batch, 1, 224, 224)`` in [-1024, 1024]."""
        out = F.relu(self.features(x))
        out = torch.flatten(F.adaptive_avg_pool2d(out, 1), 1)
        logits: torch.Tensor = self.classifier(out)
        return logits


def load_xrv_state_dict(model: nn.Module, state: dict[str, torch.Tensor]) -> None:
    """Load a TorchXRayVision state dict strictly, with a clear error on layout mismatch.

    Raises:
        WeightsFormatError: If keys or shapes do not match DenseNet-121/18 labels.
    """
    state = {k.removeprefix("module."): v for k, v in state.items()}
    state = {k: v for k, v in state.items() if not k.endswith("num_batches_tracked")}
    expected = {k for k in model.state_dict() if not k.endswith("num_batches_tracked")}
    missing, unexpected = sorted(expected - state.keys()), sorted(state.keys() - expected)
    if missing or unexpected:
        raise WeightsFormatError(
            "The file is not a TorchXRayVision DenseNet-121 state dict: "
            f"{len(missing)} missing keys (e.g. {missing[:2]}), "
            f"{len(unexpected)} unexpected keys (e.g. {unexpected[:2]})."
        )
    try:
        model.load_state_dict(state, strict=False)
    except RuntimeError as err:
        raise WeightsFormatError(f"TorchXRayVision weights have the wrong shapes: {err}") from err


def save_xrv_state_dict(model: XRVDenseNet121, path: Path) -> Path:
    """Save a model's parameters as a TorchXRayVision-layout state dict file."""
    torch.save({k: v.detach().clone() for k, v in model.state_dict().items()}, path)
    return path
