"""`second-opinion imaging ...`: inspect, analyze, train, evaluate."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli.context import get_settings

app = typer.Typer(help="Inspect and analyse medical images; train and evaluate imaging models.")


@app.command("inspect")
def inspect_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A DICOM file, a folder, a .zip, or a PNG/JPEG.")],
    previews: Annotated[
        Path | None, typer.Option("--previews", help="Write windowed PNG previews here.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Keep the de-identified copies here (default: discarded)."),
    ] = None,
) -> None:
    """Print a JSON summary of every imaging object found in PATH (de-identified)."""
    from imaging.archive import ArchiveLimits
    from imaging.errors import ImagingError
    from imaging.ingest import ingest_path
    from imaging.previews import write_previews

    uploads = get_settings(ctx).uploads
    limits = ArchiveLimits(
        max_uncompressed_bytes=uploads.max_uncompressed_mb * 1024 * 1024,
        max_members=uploads.max_members,
        max_depth=uploads.max_nesting,
    )
    with tempfile.TemporaryDirectory(prefix="inspect-") as tmp:
        store = out or Path(tmp)
        try:
            result = ingest_path(path, store, limits)
            written = write_previews(result, previews) if previews else []
        except ImagingError as e:
            typer.echo(json.dumps({"error": e.message, "remedy": e.remedy}), err=True)
            raise typer.Exit(code=2) from e
        summary = json.loads(result.model_dump_json())
        summary["description"] = result.describe()
        for series, data in zip(result.series, summary["series"], strict=True):
            data["description"] = series.describe()
        if previews:
            summary["previews"] = [str(p) for p in written]
        if out is None:
            _forget_stored_paths(summary)
        typer.echo(json.dumps(summary, indent=2))


def _forget_stored_paths(summary: dict[str, Any]) -> None:
    """Stored copies live in a temporary folder that is gone after the command."""
    for obj in summary["objects"]:
        obj["stored_path"] = None
    for series in summary["series"]:
        series["stored_paths"] = []


def _shared_data() -> Path:
    """The shared public data folder next to the repository (``<repo>/../shared/data``)."""
    return Path(__file__).resolve().parents[3] / "shared" / "data"


def _engine(ctx: typer.Context, model: str) -> Any:
    """Build the inference engine for MODEL from the imaging settings."""
    from imaging.inference import InferenceEngine
    from imaging.registry import get_model_entry, xrv_entry

    imaging = get_settings(ctx).imaging
    if model == "xrv":
        if imaging.torchxrayvision_weights is None:
            typer.echo("Set SECOND_OPINION_IMAGING__TORCHXRAYVISION_WEIGHTS to a local file.", err=True)
            raise typer.Exit(code=2)
        entry = xrv_entry(imaging.torchxrayvision_weights)
    else:
        entry = get_model_entry(model)
    return InferenceEngine(entry, device=imaging.device, compile=imaging.compile)


@app.command("analyze")
def analyze_command(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="DICOM files, folders or PNG/JPEG pictures.")],
    out: Annotated[Path, typer.Option(help="Heatmaps and key images.")] = Path("imaging-analysis"),
    model: Annotated[str, typer.Option(help="Registry name, or 'xrv'.")] = "so-cxr-compact",
    explain: Annotated[list[str] | None, typer.Option(help="Also draw heatmaps for LABEL.")] = None,
    age: Annotated[
        float | None, typer.Option(help="Patient age in years; unknown age leaves findings not assessed.")
    ] = None,
) -> None:
    """Print the study's findings JSON; write heatmaps and key images to --out."""
    from imaging.analyze import analyze_study
    from imaging.errors import ImagingError

    try:
        result = analyze_study(
            paths, _engine(ctx, model), out, heatmap_labels=explain or (), patient_age_years=age
        )
    except ImagingError as e:
        typer.echo(json.dumps({"error": e.message, "remedy": e.remedy}), err=True)
        raise typer.Exit(code=2) from e
    typer.echo(result.model_dump_json(indent=2))


@app.command("train")
def train_command(
    out: Annotated[Path, typer.Option(help="Weights and model card.")] = Path("imaging/weights"),
    data: Annotated[Path | None, typer.Option(help="Shared data folder.")] = None,
    cache: Annotated[
        Path | None, typer.Option(help="Decoded-image cache (default ~/.cache/second-opinion).")
    ] = None,
    epochs: Annotated[int, typer.Option()] = 5,
    seed: Annotated[int, typer.Option()] = 20240601,
    image_size: Annotated[int, typer.Option()] = 128,
) -> None:
    """Train the default chest X-ray model on CPU, calibrate it and write its card."""
    import logging
    import sys

    from imaging.training import TrainConfig, save_trained_model, train

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    config = TrainConfig(
        data_root=data or _shared_data(),
        out_dir=out,
        cache_dir=cache or Path.home() / ".cache" / "second-opinion" / "imaging",
        epochs=epochs,
        seed=seed,
        image_size=image_size,
    )
    result = train(config)
    command = "second-opinion imaging train " + " ".join(sys.argv[3:])
    typer.echo(
        json.dumps(
            {
                "val_auc": result.val_auc,
                "thresholds": result.thresholds,
                "temperatures": result.temperatures,
                "history": result.history,
            },
            indent=2,
        )
    )
    typer.echo(f"wrote {save_trained_model(result, config, command.strip())}")


@app.command("evaluate")
def evaluate_command(
    ctx: typer.Context,
    model: Annotated[str, typer.Option(help="Registry name.")] = "so-cxr-compact",
    data: Annotated[Path | None, typer.Option(help="Shared data folder.")] = None,
    ct: Annotated[bool, typer.Option("--ct/--no-ct", help="Also score CT nodule candidates.")] = True,
    update_card: Annotated[bool, typer.Option(help="Record the CXR figures in the model card JSON.")] = False,
    external: Annotated[
        Path | None,
        typer.Option(help="Leave-one-source-out validation: train/resume folds, write tables and PNGs here."),
    ] = None,
    register: Annotated[
        bool, typer.Option(help="With --external: register so-cxr-robust and its card.")
    ] = False,
    image_size: Annotated[int, typer.Option(help="With --external: input side in pixels.")] = 64,
    epochs: Annotated[int, typer.Option(help="With --external: epochs per fold.")] = 12,
    device: Annotated[str, typer.Option(help="With --external: auto, cpu or cuda.")] = "auto",
) -> None:
    """Print Kermany test and NIH held-out figures, and CT candidates vs TCIA boxes.

    With --external, run the external validation instead (per source, per view,
    leave-one-source-out, reliability diagrams, input-guard confusion table).
    """
    from imaging.evaluation import evaluate_ct_candidates, evaluate_cxr

    root = data or _shared_data()
    if external is not None:
        _external(root, external, register, image_size, epochs, device)
        return
    engine = _engine(ctx, model)
    seed = engine.entry.card.seed or 20240601
    results = evaluate_cxr(engine, root, seed)
    if update_card:
        _record_metrics(engine.entry, results)
    for m in results:
        ci = f" (95% CI {m.auc_ci95[0]:.3f}-{m.auc_ci95[1]:.3f})" if m.auc_ci95 else ""
        typer.echo(
            f"{m.dataset}: n={m.n} ({m.n_positive} positive) AUC {m.auc:.3f}{ci}; at threshold "
            f"{m.threshold:.3f}: sensitivity {m.sensitivity:.3f}, specificity {m.specificity:.3f}, "
            f"accuracy {m.accuracy:.3f}"
        )
    if ct:
        tcia = root / "dicom" / "lung_pet_ct_dx"
        report = evaluate_ct_candidates(tcia / "Lung_Dx-A0001_series2_5mm", tcia / "annotations" / "A0001")
        mm = report.measurements
        typer.echo(
            f"CT {report.series}: lung volume {mm.lung_volume_l:.2f} L, %LAA-950 {mm.laa950_percent:.1f}%, "
            f"airways {mm.airway_volume_ml:.0f} ml; {len(mm.nodule_candidates)} candidates; annotated "
            f"lesions {report.annotated_lesions} (slices {report.annotated_slices[0]}-"
            f"{report.annotated_slices[-1]}), detected {report.detected_lesions}, sensitivity "
            f"{report.sensitivity:.2f}, false positives per scan {report.false_positives}"
        )
        for i, c in enumerate(mm.nodule_candidates):
            hit = "match" if i in report.matched_candidates else "     "
            typer.echo(
                f"  {hit} {c.diameter_mm:5.1f} mm slices {c.slices[0]}-{c.slices[1]} "
                f"centroid(y,x) {c.centroid_zyx[1]:.0f},{c.centroid_zyx[2]:.0f} mean {c.mean_hu:.0f} HU"
            )


def _record_metrics(entry: Any, results: list[Any]) -> None:
    """Replace the card's measured figures with these results and rewrite its JSON."""
    from imaging.registry import WEIGHTS_DIR, ModelMetric, save_entry

    metrics = []
    for m in results:
        metrics.append(
            ModelMetric(
                dataset=f"{m.dataset} (n={m.n})", label=m.label, name="auc", value=m.auc, ci95=m.auc_ci95
            )
        )
        for name in ("sensitivity", "specificity", "accuracy"):
            metrics.append(
                ModelMetric(
                    dataset=f"{m.dataset} (n={m.n})", label=m.label, name=name, value=getattr(m, name)
                )
            )
    entry.card.metrics = metrics
    save_entry(entry, WEIGHTS_DIR)


def _external(root: Path, out: Path, register: bool, image_size: int, epochs: int, device: str) -> None:
    """Run the external validation and print the report."""
    import logging

    from imaging.guard_challenge import guard_confusion_markdown, train_and_register
    from imaging.robust_model import run_external_validation
    from imaging.robust_training import RobustTrainConfig

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    config = RobustTrainConfig(image_size=image_size, epochs=epochs, device=device)
    cache = Path.home() / ".cache" / "second-opinion" / "imaging"
    if register:
        train_and_register(root, cache)
    guard = guard_confusion_markdown(root, out)
    report = run_external_validation(root, cache, out, config, register=register, extra_markdown=guard)
    typer.echo(report.read_text(encoding="utf-8"))
