"""`second-opinion knowledge ...`: ingest, search, stats, status, reindex, evaluate, delete."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.cli.context import get_settings
from assistant.components import knowledge_config

if TYPE_CHECKING:
    from knowledge.retrieval import Retriever

app = typer.Typer(help="Ingest sources into the knowledge base, search it and evaluate retrieval.")

SHARED_KNOWLEDGE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "knowledge"


def _retriever(ctx: typer.Context) -> Retriever:
    from assistant.operator_help import explain
    from knowledge.errors import KnowledgeError
    from knowledge.retrieval import Retriever

    settings = get_settings(ctx)
    try:
        return Retriever(knowledge_config(settings))
    except KnowledgeError as e:
        typer.secho(explain(e, settings) or str(e), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from e


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
    optimize: Annotated[bool, typer.Option(help="Compact the BM25 index afterwards.")] = True,
) -> None:
    """Ingest Markdown/text, HTML, PDF, MedQuAD XML and PubMedQA JSON (incremental)."""
    logging.basicConfig(level=logging.WARNING)
    retriever = _retriever(ctx)
    report = retriever.ingest_paths(
        paths, progress=lambda done, total: typer.echo(f"  embedded {done}/{total} documents")
    )
    if optimize and report.chunks_written:
        retriever.optimize()
    typer.echo(report.summary())
    for error in report.errors:
        typer.secho(f"error: {error}", fg=typer.colors.YELLOW, err=True)
    if report.errors and not report.documents:
        raise typer.Exit(1)


@app.command()
def search(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int | None, typer.Option("-k", help="Passages to return.")] = None,
    mode: Annotated[str, typer.Option(help="hybrid, dense or lexical.")] = "hybrid",
    doc_type: Annotated[list[str] | None, typer.Option("--type", help="Only these doc types.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print passages as JSON.")] = False,
) -> None:
    """Search the knowledge base and print numbered, cited passages."""
    if mode not in ("hybrid", "dense", "lexical"):
        raise typer.BadParameter("mode must be hybrid, dense or lexical")
    filters: dict[str, Any] = {"doc_type": doc_type} if doc_type else {}
    passages = _retriever(ctx).search(question, k=k, filters=filters, mode=mode)  # type: ignore[arg-type]
    if as_json:
        typer.echo(json.dumps([p.model_dump(mode="json") for p in passages], indent=2))
        return
    if not passages:
        typer.echo(_why_nothing(ctx, mode))
    for p in passages:
        typer.secho(p.citation(), bold=True)
        detail = ", ".join(f"{name}={value:.3g}" for name, value in p.scores.items())
        typer.echo(f"    {p.source_id} ({p.doc_type}; {detail})")
        text = " ".join(p.text.split())
        typer.echo(f"    {text[:400]}{'...' if len(text) > 400 else ''}\n")


def _why_nothing(ctx: typer.Context, mode: str) -> str:
    """Say which index is empty or stale, rather than a bare 'no passages found'."""
    from knowledge.index_status import index_status

    status = index_status(knowledge_config(get_settings(ctx)))
    if status.ok:
        return f"no passages matched ({mode} search over {status.vectors} chunks)"
    return f"no passages found: {status.message}"


@app.command()
def status(ctx: typer.Context) -> None:
    """Chunk counts of the vector store and the lexical index; exit 1 when empty or stale."""
    from knowledge.index_status import index_status

    found = index_status(knowledge_config(get_settings(ctx)))
    typer.echo(json.dumps(found.as_dict(), indent=2))
    if not found.ok:
        typer.secho(found.message, fg=typer.colors.RED, err=True)
        raise typer.Exit(1)


@app.command()
def reindex(
    ctx: typer.Context,
    library: Annotated[
        list[Path] | None,
        typer.Option("--from", help="Re-ingest these files/folders instead of reading the vector store."),
    ] = None,
) -> None:
    """Rebuild the lexical index (SQLite file or PostgreSQL) from the vector store's chunks.

    For a host whose lexical index is empty or stale, or after switching it to PostgreSQL.
    With --from, the library files are ingested again instead (both indexes).
    """
    import time

    logging.basicConfig(level=logging.WARNING)
    retriever = _retriever(ctx)
    started = time.perf_counter()
    if library:
        retriever.index.clear()
        report = retriever.ingest_paths(library)
        typer.echo(report.summary())
    else:
        n = retriever.rebuild_lexical_index(clear=True)
        typer.echo(f"reindexed {n} chunks from the vector store into {retriever.index.location}")
    retriever.optimize()
    found = retriever.status()
    typer.echo(f"{found.message} ({time.perf_counter() - started:.1f} s)")
    if not found.ok:
        raise typer.Exit(1)


@app.command()
def stats(ctx: typer.Context) -> None:
    """Documents and chunks per type, store locations and models."""
    typer.echo(json.dumps(_retriever(ctx).stats(), indent=2))


@app.command()
def delete(
    ctx: typer.Context, source_id: Annotated[str, typer.Argument(help="Document id to remove.")]
) -> None:
    """Remove one document and all its chunks."""
    removed = _retriever(ctx).delete_source(source_id)
    typer.echo(f"removed {removed} chunks of {source_id}")


@app.command()
def evaluate(
    ctx: typer.Context,
    medquad: Annotated[Path, typer.Option(help="MedQuAD folder.")] = SHARED_KNOWLEDGE / "medquad",
    pubmedqa: Annotated[Path, typer.Option(help="PubMedQA JSON.")] = (
        SHARED_KNOWLEDGE / "pubmedqa" / "pqal_dev.json"
    ),
    sample: Annotated[int, typer.Option(help="MedQuAD questions to sample; 0 = all.")] = 500,
    seed: Annotated[int, typer.Option(help="Sampling seed.")] = 13,
    output: Annotated[Path | None, typer.Option(help="Also write the table here.")] = None,
) -> None:
    """Hit@1, hit@5 and MRR@10 of dense, BM25 and fused retrieval on MedQuAD and PubMedQA.

    The sets must have been ingested first (`knowledge ingest` on the same paths).
    """
    from knowledge.evaluation import evaluate as run
    from knowledge.evaluation import format_table, medquad_questions, pubmedqa_questions

    retriever = _retriever(ctx)
    counts = retriever.stats()
    typer.echo(f"index: {counts['documents']} documents, {counts['chunks']} chunks")
    results = []
    for name, path in (("MedQuAD", medquad), ("PubMedQA dev", pubmedqa)):
        if not path.exists():
            typer.secho(f"skipping {name}: {path} not found", fg=typer.colors.YELLOW, err=True)
            continue
        is_medquad = name == "MedQuAD"
        qs = medquad_questions(path, sample or None, seed) if is_medquad else pubmedqa_questions(path)
        typer.echo(f"{name}: {len(qs)} questions")
        result = run(retriever, name, qs, lambda d, n: typer.echo(f"  {d}/{n}"))
        typer.echo(f"  {result.seconds:.1f} s ({1e3 * result.seconds / max(len(qs), 1):.1f} ms/question)")
        results.append(result)
    table = format_table(results)
    typer.echo(table)
    if output is not None:
        output.write_text(table + "\n", encoding="utf-8")
