"""`second-opinion imaging ...`: inspect, analyze, train, evaluate."""

from __future__ import annotations

import typer

app = typer.Typer(help="Inspect and analyse medical images; train and evaluate imaging models.")
