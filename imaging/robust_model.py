"""Build, validate and register ``so-cxr-robust``: the whole recipe behind one function.

:func:`run_external_validation` trains the leave-one-source-out folds (resuming from the
report folder), writes the tables and reliability diagrams, and, when asked, registers
the fold that never saw NIH as the deployed model: calibrated and thresholded on half of
the NIH patients, its populations validated on the other half, per view.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import torch

from imaging.checksums import sha256_file
from imaging.datasets import NIH, FilmArrays, build_film_cache
from imaging.external_validation import SourceReport, run_folds
from imaging.feature_distance import FeatureDistance, embed, fit_feature_distance
from imaging.models import CompactCXRNet
from imaging.populations import GatingRule, ValidatedPopulation
from imaging.registry import WEIGHTS_DIR, ModelCard, ModelEntry, ModelMetric, save_entry
from imaging.robust_training import LABELS, RobustTrainConfig, model_input, to_unit
from imaging.validation_report import validated_populations, write_validation_report

logger = logging.getLogger(__name__)
NAME, VERSION = "so-cxr-robust", "2.0.0"
DEPLOYED_HELD_OUT = NIH


def _order(sources: list[str]) -> list[str]:
    """The deployed fold (NIH held out) first, so it exists even if a run is cut short."""
    return sorted(sources, key=lambda s: (s != DEPLOYED_HELD_OUT, s))


def run_external_validation(
    data_root: Path,
    cache_dir: Path,
    out_dir: Path,
    config: RobustTrainConfig,
    register: bool = False,
    weights_dir: Path = WEIGHTS_DIR,
    extra_markdown: list[str] | None = None,
) -> Path:
    """Train/evaluate the folds, write ``out_dir/report.md``; optionally register the model.

    Returns:
        The path of the Markdown report.
    """
    data = build_film_cache(data_root, cache_dir, config.image_size)
    sources = _order(_sources(data))
    fold_logits = run_folds(data, sources, config, out_dir)
    reports, loso_rows = write_validation_report(data, fold_logits, out_dir)
    rule = GatingRule()
    held = data.take(data.source == DEPLOYED_HELD_OUT)
    populations, calibration, pop_rows = validated_populations(
        held, fold_logits[DEPLOYED_HELD_OUT], rule, "NIH films (source never in training), patient half 1"
    )
    lines = [
        f"# External validation of {NAME}@{VERSION}",
        "",
        f"Input {config.image_size} px, histogram-equalised; {config.epochs} epochs of "
        f"{config.samples_per_epoch} balanced samples; seed {config.seed}.",
        "",
        "## Leave-one-source-out (each source tested by a model trained without it: external)",
        "",
        *loso_rows,
        "",
        "## Deployed model (trained without NIH): operating points per population on NIH patient half 1",
        "",
        *pop_rows,
        "",
        f"Gating rule: {rule.describe()}",
        "",
        *(extra_markdown or []),
    ]
    report = out_dir / "report.md"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if register:
        body = "\n".join(lines[2:])
        _register(out_dir, config, populations, calibration, reports, weights_dir, data, body)
    return report


def _sources(data: FilmArrays) -> list[str]:
    """Sources with at least 15 normal and 15 abnormal films: the ones a claim can rest on."""
    out = []
    for source in dict.fromkeys(data.source.tolist()):
        y = data.abnormal[data.source == source]
        if int(y.sum()) >= 15 and int((1 - y).sum()) >= 15:
            out.append(str(source))
    return out


def _feature_summary(weights: Path, config: RobustTrainConfig, films: FilmArrays) -> FeatureDistance:
    """Embedding summary of the deployed model over its own training films."""
    model = CompactCXRNet(len(LABELS), widths=config.widths, dropout=config.dropout)
    model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    model.eval()
    chunks = [
        embed(model, model_input(to_unit(films.images[i : i + 256]))) for i in range(0, len(films), 256)
    ]
    return fit_feature_distance(np.concatenate(chunks))


def _register(
    out_dir: Path,
    config: RobustTrainConfig,
    populations: list[ValidatedPopulation],
    calibration: dict[str, tuple[float, float, float]],
    reports: list[SourceReport],
    weights_dir: Path,
    data: FilmArrays,
    report: str,
) -> Path:
    weights = weights_dir / f"{NAME}.pt"
    shutil.copyfile(out_dir / f"model_without_{DEPLOYED_HELD_OUT}.pt", weights)
    distance = _feature_summary(weights, config, data.take(data.source != DEPLOYED_HELD_OUT))
    metrics = []
    for r in reports:
        where = f"{r.source} (held out of training)"
        metrics.append(ModelMetric(dataset=where, label=r.label, name="auc", value=r.auc, ci95=r.auc_ci95))
        for view, (auc, low, high, _, _) in r.view_auc.items():
            metrics.append(
                ModelMetric(
                    dataset=f"{where}, {view} only", label=r.label, name="auc", value=auc, ci95=(low, high)
                )
            )
        rho = r.spearman_brightness_normals
        metrics.append(
            ModelMetric(
                dataset=f"{where}, normals", label=r.label, name="spearman_score_brightness", value=rho
            )
        )
        if r.ece_calibrated is not None:
            ece = r.ece_calibrated
            metrics.append(ModelMetric(dataset=where, label=r.label, name="ece_calibrated", value=ece))
    entry = ModelEntry(
        name=NAME,
        version=VERSION,
        architecture="compact_cxr",
        architecture_args={"widths": list(config.widths), "dropout": config.dropout},
        labels=list(LABELS),
        input_size=config.image_size,
        intensity_range=(-1.0, 1.0),
        equalise=True,
        preprocessing=[
            "decode to grayscale, display window applied, 0 = black, 1 = white",
            f"resize to {config.image_size}x{config.image_size} (antialiased bilinear, aspect not kept)",
            "quantise to 8 bits and histogram-equalise per image (mid-rank)",
            "scale [0, 1] linearly to [-1, 1]",
        ],
        thresholds={k: v[2] for k, v in calibration.items()},
        temperatures={k: v[0] for k, v in calibration.items()},
        biases={k: v[1] for k, v in calibration.items()},
        threshold_rule=(
            "Youden's J on calibrated probabilities of NIH patient half 0 (a source never in training)"
        ),
        gradcam_layer="features.2",
        populations=populations,
        feature_distance=distance,
        weights_path=weights,
        sha256=sha256_file(weights),
        card=ModelCard(
            id=f"{NAME}@{VERSION}",
            summary=(
                "Compact residual CNN for frontal chest radiographs, trained against shortcuts "
                "(equalised input, augmentation, source-balanced sampling) on Kermany paediatric and six "
                "adult public sets; tested on NIH films it never saw, where it did not reach the "
                "validation rule."
            ),
            training_data=[
                "Kermany 2018 paediatric (all 5,840 films, train and test splits)",
                "adult_extra: covid_chestxray_ieee8023, hannover_mhh_covid, covid_cxnet_armiro, "
                "actualmed_covid, figure1_covid, shenzhen_tb_partial (duplicates and normal-appearing "
                "COVID films left out)",
                "NOT NIH: NIH 1,000 is the external validation source (half for calibration, half for "
                "figures)",
            ],
            training_command="second-opinion imaging evaluate --external DIR --register",
            seed=config.seed,
            metrics=metrics,
            external_validation=report,
            limitations=[
                f"Trained at {config.image_size}x{config.image_size} px on two CPU cores; small network.",
                "Validated on one external adult source (NIH, via a 1,000-film subset whose normals "
                "come from a narrow slice of patients); not validated on children, on photographs of "
                "films, or on any local hospital. Outside the listed populations every finding is "
                "reported as not assessed.",
                "Every abnormal training film is pneumonia-like (pneumonia, COVID-19, a few TB); the "
                "model does not detect nodules, masses, effusions, fractures or devices, and a negative "
                "is not a normal film.",
                "Public adult sources confound source with label; leave-one-source-out figures show how "
                "far that was overcome (see the report).",
            ],
        ),
    )
    path = save_entry(entry, weights_dir)
    logger.info("registered %s (%s)", entry.card_id, path)
    return path
