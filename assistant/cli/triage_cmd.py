"""`second-opinion triage ...`: check texts for emergencies, and measure triage on a labelled set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli.context import get_settings

if TYPE_CHECKING:
    from assistant.triage import Triage

app = typer.Typer(help="Emergency triage of patient messages.", no_args_is_help=True)
FILE_OPTION = typer.Option(
    "--file", "-f", exists=True, dir_okay=False, help="One text per line (or a .jsonl set's texts)."
)


def _triage(ctx: typer.Context, rules_only: bool) -> Triage:
    from assistant.context import AppContext
    from assistant.triage import Triage, triage_for

    if rules_only:
        return Triage(None)
    return triage_for(AppContext(get_settings(ctx)))


def _texts(texts: list[str] | None, file: Path | None) -> list[str]:
    if file is None:
        return list(texts or [])
    lines = file.read_text(encoding="utf-8").splitlines()
    if file.suffix == ".jsonl":  # an evaluation set: read the text of each line
        return [str(json.loads(line)["text"]) for line in lines if line.strip()]
    return [line for line in lines if line.strip()]


@app.command()
def check(
    ctx: typer.Context,
    texts: Annotated[list[str] | None, typer.Argument(help="Texts to check, one result each.")] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", "-f", exists=True, dir_okay=False, help="One text per line (or a .jsonl set's texts)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    rules_only: Annotated[bool, typer.Option(help="Skip the semantic layer.")] = False,
) -> None:
    """Triage each text: emergency or not, category, score and evidence."""
    inputs = _texts(texts, file)
    if not inputs:
        raise typer.BadParameter("give texts or --file")
    triage = _triage(ctx, rules_only)
    for text in inputs:
        d = triage.check(text)
        if as_json:
            typer.echo(json.dumps(d.as_json(), ensure_ascii=False))
        else:
            verdict = f"EMERGENCY {d.category} {d.score:.2f}" if d.emergency else "ok"
            typer.echo(f"{verdict}\t{text}\t[{d.evidence}]")


@app.command()
def evaluate(
    ctx: typer.Context,
    sets: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="JSON-lines sets.")],
    errors: Annotated[bool, typer.Option(help="List the misses and false alarms.")] = False,
    rules_only: Annotated[bool, typer.Option(help="Skip the semantic layer.")] = False,
) -> None:
    """Recall and false-alarm rate per category, kind and language on each set."""
    from assistant.triage.evaluation import evaluate as run
    from assistant.triage.evaluation import load_set

    triage = _triage(ctx, rules_only)
    triage.check("warm up")
    for path in sets:
        report = run(triage, load_set(path))
        typer.echo(f"== {path} ({triage.version})")
        typer.echo(report.table())
        if errors:
            for item, d in report.errors:
                what = "MISS" if item.emergency else "FALSE ALARM"
                found = f"{d.category} {d.score:.2f} {d.evidence}"
                typer.echo(f"{what:<11} [{item.category}/{item.kind}] {item.text}  ->  {found}")
        typer.echo("")


@app.command()
def calibrate(
    ctx: typer.Context,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds over the bank.")] = 5,
    max_false_alarm: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Largest share of a category's look-alikes that may fire.")
    ] = 0.05,
    repeats: Annotated[int, typer.Option(min=1, help="Different fold splits, pooled.")] = 5,
) -> None:
    """Per-category classifier thresholds by cross-validation on the exemplar bank (no evaluation set)."""
    from assistant.triage.calibration import calibrate as choose
    from assistant.triage.calibration import repeated_cross_validated

    triage = _triage(ctx, rules_only=False)
    if triage.semantic is None:
        raise typer.BadParameter("the embedding model is not installed: nothing to calibrate")
    matcher = triage.semantic
    vectors, _ = matcher.classifier_training
    rows = matcher.training_rows
    predictions, pooled = repeated_cross_validated(vectors, rows, matcher.bank.classifier, folds, repeats)
    chosen = choose(predictions, pooled, max_false_alarm)
    typer.echo(
        f"# {folds}-fold cross-validation on the bank, {repeats} splits pooled; "
        "held-out recall and look-alike false alarms"
    )
    for c in chosen:
        typer.echo(
            f"# {c.category:<18} recall {100 * c.recall:5.1f}% (n={c.emergencies // repeats}), "
            f"false alarms {100 * c.false_alarm:5.1f}% (n={c.look_alikes // repeats})"
        )
    typer.echo("  per_category:")
    for c in chosen:
        typer.echo(f"    {c.category}: {c.threshold:.2f}")
