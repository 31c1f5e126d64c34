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
