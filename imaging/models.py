"""Network architectures for the project's imaging models.

Every model is an ``nn.Module`` with explicit constructor arguments so that a registry
entry (:mod:`imaging.registry`) can rebuild it from its recorded configuration alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from imaging.torchxrayvision_format import XRVDenseNet121


class ResidualBlock(nn.Module):
    """Two 3x3 convolutions with batch norm and an identity (or 1x1 projected) shortcut."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        """Build the block.

        Args:
            in_channels: Channels of the input feature map.
            out_channels: Channels of the output feature map.
            stride: Stride of the first convolution (2 halves the resolution).
        """
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.act = nn.ReLU(inplace=True)
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the block."""
        out = self.act(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        result: torch.Tensor = self.act(out + self.shortcut(x))
        return result


class CompactCXRNet(nn.Module):
    """A small ResNet-style classifier for chest radiographs.

    A strided stem followed by one residual block per stage (each halving the resolution),
    global average pooling, dropout and one logit per label. ``features`` is the last
    convolutional stage, the layer Grad-CAM reads.
    """

    def __init__(
        self,
        num_labels: int,
        in_channels: int = 1,
        widths: Sequence[int] = (16, 32, 64, 128),
        dropout: float = 0.2,
    ) -> None:
        """Build the network.

        Args:
            num_labels: Number of output logits (one per finding label).
            in_channels: Image channels (1 for grayscale radiographs).
            widths: Channels of the stem and of each residual stage.
            dropout: Dropout probability before the classifier.
        """
        super().__init__()
        if not widths:
            raise ValueError("widths must name at least one stage")
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, widths[0], 5, 2, 2, bias=False),
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(inplace=True),
        )
        stages: list[nn.Module] = []
        previous = widths[0]
        for width in widths:
            stages.append(ResidualBlock(previous, width, stride=2))
            previous = width
        self.features = nn.Sequential(*stages)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(previous, num_labels)
        self._init_weights()

    def _init_weights(self) -> None:
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(module, nn.BatchNorm2d):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return logits of shape ``(batch, num_labels)`` for images ``(batch, C, H, W)``."""
        x = self.features(self.stem(x))
        x = torch.flatten(self.pool(x), 1)
        out: torch.Tensor = self.classifier(self.dropout(x))
        return out


def build_model(architecture: str, num_labels: int, **kwargs: object) -> nn.Module:
    """Build a registered architecture by name.

    Args:
        architecture: ``"compact_cxr"`` or ``"xrv_densenet121"``.
        num_labels: Number of output logits.
        **kwargs: Constructor arguments recorded in the registry entry.

    Returns:
        The freshly initialised module.

    Raises:
        ValueError: If the architecture name is unknown.
    """
    if architecture == "compact_cxr":
        widths = kwargs.get("widths", (16, 32, 64, 128))
        dropout = kwargs.get("dropout", 0.2)
        if not isinstance(widths, list | tuple) or not isinstance(dropout, float | int):
            raise ValueError("compact_cxr needs 'widths' as a list of ints and 'dropout' as a float")
        return CompactCXRNet(num_labels, widths=tuple(int(w) for w in widths), dropout=float(dropout))
    if architecture == "xrv_densenet121":
        return XRVDenseNet121(num_labels=num_labels)
    raise ValueError(f"unknown architecture {architecture!r}; known: compact_cxr, xrv_densenet121")
