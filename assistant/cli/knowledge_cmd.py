"""`second-opinion knowledge ...`: ingest, search, stats, evaluate."""

from __future__ import annotations

import typer

app = typer.Typer(help="Ingest sources into the knowledge base, search it and evaluate retrieval.")
