"""Typed registry of imaging models and checksum-verified weight loading.

Each set of weights is described by a :class:`ModelEntry`: what it predicts, how its input
must be prepared, its operating thresholds and calibration, where its weights live and
their SHA-256, and its model card. The project's own entries are JSON files next to their
weights in ``imaging/weights/``; a deployment's entries (e.g. TorchXRayVision) are built
from a local path it supplies.
"""

from __future__ import annotations

import json
import logging
import pickle
from pathlib import Path
from typing import Literal

import torch
from pydantic import BaseModel, Field
from torch import nn

from imaging.checksums import sha256_file
from imaging.errors import (
    ModelNotFoundError,
    WeightsChecksumError,
    WeightsFormatError,
    WeightsMissingError,
)
from imaging.feature_distance import FeatureDistance
from imaging.models import build_model
from imaging.populations import GatingRule, ValidatedPopulation
from imaging.torchxrayvision_format import (
    XRV_INPUT_SIZE,
    XRV_INTENSITY_RANGE,
    XRV_OP_THRESHS,
    XRV_PATHOLOGIES,
    load_xrv_state_dict,
)

logger = logging.getLogger(__name__)

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
DEFAULT_CXR_MODEL = "so-cxr-compact"


class ModelMetric(BaseModel):
    """One measured figure with where it was measured."""

    dataset: str = Field(description="Dataset and split, e.g. 'Kermany official test (624)'.")
    label: str = Field(description="Finding label the figure is about.")
    name: str = Field(description="Metric name, e.g. 'auc', 'sensitivity'.")
    value: float
    ci95: tuple[float, float] | None = Field(default=None, description="Bootstrap 95% interval.")


class ModelCard(BaseModel):
    """What a clinician or operator needs to know before trusting a model."""

    id: str = Field(description="Card id cited with every finding: '<name>@<version>'.")
    summary: str
    training_data: list[str] = Field(default_factory=list)
    training_command: str | None = None
    seed: int | None = None
    metrics: list[ModelMetric] = Field(default_factory=list)
    limitations: list[str] = Field(default_factory=list)
    intended_use: str = "Decision support for a clinician; never a diagnosis on its own."
    external_validation: str | None = Field(
        default=None, description="The external-validation report (Markdown tables) behind the populations."
    )


class ModelEntry(BaseModel):
    """A typed description of one set of model weights."""

    name: str
    version: str
    task: Literal["cxr_classification", "cxr_guard"] = "cxr_classification"
    architecture: Literal["compact_cxr", "xrv_densenet121"]
    architecture_args: dict[str, list[int] | float | int] = Field(default_factory=dict)
    labels: list[str]
    input_size: int = Field(description="Square input side in pixels.")
    intensity_range: tuple[float, float] = Field(description="Model input value range.")
    preprocessing: list[str] = Field(description="Human-readable preparation steps, in order.")
    center_crop: bool = False
    equalise: bool = Field(default=False, description="Per-image histogram equalisation after resizing.")
    thresholds: dict[str, float] = Field(description="Operating threshold per label.")
    temperatures: dict[str, float] = Field(
        default_factory=dict, description="Temperature per label (1.0 = uncalibrated)."
    )
    biases: dict[str, float] = Field(
        default_factory=dict, description="Calibration offset per label: sigmoid(logit / T + b)."
    )
    threshold_rule: str = "youden on validation split"
    gradcam_layer: str = Field(default="features", description="Dotted name of the layer Grad-CAM reads.")
    populations: list[ValidatedPopulation] = Field(
        default_factory=list,
        description="Populations validated on external data; findings elsewhere are not assessed.",
    )
    gating_rule: GatingRule = Field(default_factory=GatingRule)
    feature_distance: FeatureDistance | None = Field(
        default=None, description="Embedding summary of the training films for the OOD distance."
    )
    weights_path: Path
    sha256: str | None = Field(default=None, description="Expected SHA-256; None skips the check.")
    card: ModelCard

    @property
    def card_id(self) -> str:
        """The id cited with each finding."""
        return self.card.id


def available_models(weights_dir: Path = WEIGHTS_DIR) -> list[str]:
    """Names of the model entries shipped in ``weights_dir``."""
    return sorted(p.stem for p in weights_dir.glob("*.json"))


def get_model_entry(name: str = DEFAULT_CXR_MODEL, weights_dir: Path = WEIGHTS_DIR) -> ModelEntry:
    """Load a registered model entry by name.

    Args:
        name: Entry name (the JSON file stem in ``weights_dir``).
        weights_dir: Folder holding ``<name>.json`` and the weights it names.

    Returns:
        The entry; a relative ``weights_path`` is resolved against ``weights_dir``.

    Raises:
        ModelNotFoundError: If no such entry exists.
    """
    card_path = weights_dir / f"{name}.json"
    if not card_path.is_file():
        raise ModelNotFoundError(name, available_models(weights_dir))
    entry = ModelEntry.model_validate(json.loads(card_path.read_text(encoding="utf-8")))
    if not entry.weights_path.is_absolute():
        entry = entry.model_copy(update={"weights_path": weights_dir / entry.weights_path})
    return entry


def verify_weights(entry: ModelEntry) -> Path:
    """Check that the entry's weights file exists and matches its SHA-256.

    Raises:
        WeightsMissingError: If the file is absent.
        WeightsChecksumError: If its checksum differs from the entry's.
    """
    path = entry.weights_path
    if not path.is_file():
        raise WeightsMissingError(entry.name, path)
    if entry.sha256 is not None:
        actual = sha256_file(path)
        if actual != entry.sha256.lower():
            raise WeightsChecksumError(entry.name, path, entry.sha256, actual)
    return path


def load_state_dict(entry: ModelEntry) -> dict[str, torch.Tensor]:
    """Verify and load the raw state dict of an entry (weights only, no pickled code)."""
    path = verify_weights(entry)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError) as err:
        raise WeightsFormatError(
            f"{path} is not a plain tensor state dict for {entry.name!r} (pickled modules are "
            "refused because loading them runs code).",
            remedy="Convert it once on a trusted machine: torch.save(model.state_dict(), path).",
        ) from err
    if isinstance(state, dict) and "state_dict" in state:
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise WeightsFormatError(f"{path} does not hold a state dict for {entry.name!r}.")
    return {str(k): v for k, v in state.items()}


def load_weights(entry: ModelEntry) -> nn.Module:
    """Build the entry's network and load its verified weights, in eval mode on CPU.

    Raises:
        WeightsMissingError: If the weights file is absent.
        WeightsChecksumError: If the checksum differs.
    """
    if entry.architecture == "xrv_densenet121":
        model = build_model(entry.architecture, len(entry.labels))
        load_xrv_state_dict(model, load_state_dict(entry))
    else:
        model = build_model(entry.architecture, len(entry.labels), **entry.architecture_args)
        model.load_state_dict(load_state_dict(entry))
    model.eval()
    logger.info("loaded model %s (%s)", entry.card_id, entry.weights_path.name)
    return model


def save_entry(entry: ModelEntry, weights_dir: Path = WEIGHTS_DIR) -> Path:
    """Write an entry as ``<name>.json`` (weights path stored relative when inside the folder)."""
    data = entry.model_dump(mode="json")
    try:
        data["weights_path"] = str(entry.weights_path.resolve().relative_to(weights_dir.resolve()))
    except ValueError:
        data["weights_path"] = str(entry.weights_path)
    out = weights_dir / f"{entry.name}.json"
    out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    (weights_dir / f"{entry.name}.md").write_text(card_markdown(entry), encoding="utf-8")
    return out


def card_markdown(entry: ModelEntry) -> str:
    """Render an entry's model card as Markdown (written next to the JSON)."""
    card = entry.card
    lines = [f"# Model card: {card.id}", "", card.summary, "", f"Intended use: {card.intended_use}", ""]
    lines += [
        "## Outputs and operating points",
        "",
        "| label | threshold | temperature |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| {label} | {entry.thresholds.get(label, 0.5):.4f} | {entry.temperatures.get(label, 1.0):.3f} |"
        for label in entry.labels
    ]
    lines += ["", f"Threshold rule: {entry.threshold_rule}.", ""]
    lines += _population_lines(entry)
    lines += ["## Input", ""]
    lines += [f"{i}. {step}" for i, step in enumerate(entry.preprocessing, start=1)]
    lines += ["", "## Training data", ""] + [f"- {item}" for item in card.training_data]
    lines += ["", "## Reproduce", "", f"Command: `{card.training_command}`, seed {card.seed}.", ""]
    lines += [f"Weights: `{entry.weights_path.name}`, sha256 `{entry.sha256}`.", "", "## Measured", ""]
    lines += ["| dataset | label | metric | value | 95% CI |", "| --- | --- | --- | --- | --- |"]
    for m in card.metrics:
        ci = f"{m.ci95[0]:.3f}-{m.ci95[1]:.3f}" if m.ci95 else ""
        lines.append(f"| {m.dataset} | {m.label} | {m.name} | {m.value:.3f} | {ci} |")
    lines += ["", "## Limitations", ""] + [f"- {item}" for item in card.limitations]
    if card.external_validation:
        lines += ["", card.external_validation.replace("\n# ", "\n## ")]
    return "\n".join(lines) + "\n"


def _population_lines(entry: ModelEntry) -> list[str]:
    """The card's validated populations and its rule-in/rule-out rule."""
    lines = ["## Validated populations (external data)", ""]
    if not entry.populations:
        lines += [
            "None. Every finding of this model is reported as *not assessed*: it has not been "
            "validated on films from sources it was not trained on.",
            "",
        ]
    else:
        lines += [
            "| label | population | sources | n (pos/neg) | threshold | AUC (95% CI) | sensitivity (95% CI) "
            "| specificity (95% CI) | evidence |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for p in entry.populations:
            lines.append(
                f"| {p.label} | {p.name} | {', '.join(p.source_types)} | {p.n_positive}/{p.n_negative} "
                f"| {p.threshold:.3f} | {p.auc:.3f} ({p.auc_ci95[0]:.3f}-{p.auc_ci95[1]:.3f}) "
                f"| {p.sensitivity:.3f} ({p.sensitivity_ci95[0]:.3f}-{p.sensitivity_ci95[1]:.3f}) "
                f"| {p.specificity:.3f} ({p.specificity_ci95[0]:.3f}-{p.specificity_ci95[1]:.3f}) "
                f"| {p.evidence} |"
            )
        lines.append("")
    lines += [f"Gating rule: {entry.gating_rule.describe()}", ""]
    return lines


def xrv_entry(weights_path: Path, sha256: str | None = None) -> ModelEntry:
    """Registry entry for TorchXRayVision ``densenet121-res224-all`` at a local path.

    Args:
        weights_path: State-dict file converted from the TorchXRayVision release.
        sha256: Expected checksum of that file, if the deployment pinned one.

    Returns:
        The registry entry; load it with :func:`load_weights`.
    """
    return ModelEntry(
        name="xrv-densenet121-res224-all",
        version="torchxrayvision-v1",
        architecture="xrv_densenet121",
        labels=list(XRV_PATHOLOGIES),
        input_size=XRV_INPUT_SIZE,
        intensity_range=XRV_INTENSITY_RANGE,
        center_crop=True,
        preprocessing=[
            "decode to grayscale, display window applied",
            "crop the central square (XRayCenterCrop)",
            "resize to 224x224",
            "scale [0, 1] linearly to [-1024, 1024]",
        ],
        thresholds=dict(zip(XRV_PATHOLOGIES, XRV_OP_THRESHS, strict=True)),
        threshold_rule="TorchXRayVision op_threshs (published with the weights)",
        gradcam_layer="features.denseblock4",
        weights_path=weights_path,
        sha256=sha256,
        card=ModelCard(
            id="xrv-densenet121-res224-all@torchxrayvision-v1",
            summary="TorchXRayVision DenseNet-121 'all' (Cohen et al. 2022), supplied by the "
            "deployment; 18 pathology outputs.",
            training_data=["NIH, PadChest, CheXpert, MIMIC-CXR, Google, OpenI, RSNA (per its authors)"],
            limitations=[
                "Not evaluated by this project: no weights are available to it; see the "
                "authors' BENCHMARKS.md for their figures.",
                "Probabilities are the raw sigmoid outputs, not recalibrated here.",
            ],
        ),
    )
