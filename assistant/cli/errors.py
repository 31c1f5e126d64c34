"""Turn a failing dependency into one paragraph an operator can act on (``--debug``: traceback).

Commands raise whatever the libraries raise (SQLAlchemy, kombu, httpx inside Chroma's
client, the OpenAI client); :class:`OperatorErrorGroup` catches it at the top of the
command line, finds which component it came from (the exception's type, else the
library whose code raised it) and prints what failed, where, the setting that
configures it and the fix, instead of a traceback hundreds of lines long.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from typing import Any

import typer
from pydantic import ValidationError
from typer.core import TyperGroup

from assistant import operator_help as oh
from assistant.settings import Settings

DEBUG_KEY = "second_opinion.debug"

#: Which component a library belongs to, by the top-level module of the code that raised.
_LIBRARY_COMPONENTS: dict[str, oh.Component] = {
    "sqlalchemy": oh.DATABASE,
    "psycopg": oh.DATABASE,
    "psycopg2": oh.DATABASE,
    "sqlite3": oh.DATABASE,
    "alembic": oh.DATABASE,
    "chromadb": oh.VECTOR_STORE,
    "knowledge.vector_store": oh.VECTOR_STORE,
    "openai": oh.LLM,
    "langchain_openai": oh.LLM,
    "llama_cpp": oh.LLM,
    "assistant.drafting.llm": oh.LLM,
    "assistant.drafting.gguf": oh.LLM,
    "kombu": oh.BROKER,
    "celery": oh.BROKER,
    "redis": oh.BROKER,
    "amqp": oh.BROKER,
}


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _library_of(module: str) -> oh.Component | None:
    for prefix, component in _LIBRARY_COMPONENTS.items():
        if module == prefix or module.startswith(prefix + "."):
            return component
    return None


def component_of(exc: BaseException) -> oh.Component | None:
    """The component an exception came from, or None for the application's own errors.

    The innermost library frame decides (a ``ConnectError`` raised inside Chroma's client
    is the vector store's), then the modules of the exceptions in the chain.
    """
    for link in _chain(exc):
        frames = traceback.extract_tb(link.__traceback__)
        for frame in reversed(frames):
            module = _module_of(frame.filename)
            if module and (found := _library_of(module)):
                return found
        if found := _library_of(type(link).__module__):
            return found
    return None


def _module_of(filename: str) -> str:
    """A dotted module name from a file path (site-packages or this repository)."""
    parts = filename.replace("\\", "/").split("/")
    for anchor in ("site-packages", "dist-packages"):
        if anchor in parts:
            rest = parts[parts.index(anchor) + 1 :]
            return ".".join(rest).removesuffix(".py")
    for root in ("assistant", "knowledge"):
        if root in parts:
            rest = parts[len(parts) - 1 - parts[::-1].index(root) :]
            return ".".join(rest).removesuffix(".py")
    return parts[-1].removesuffix(".py") if parts[-1] == "sqlite3" else ""


def _problem(exc: BaseException) -> str:
    """The root cause in one line (the innermost exception of the chain says most)."""
    root = list(_chain(exc))[-1]
    lines = [line.strip() for line in str(root).strip().splitlines() if line.strip()]
    text = lines[0] if lines else ""
    return f"{type(root).__name__}: {text}"[:300]


def settings_problem(exc: ValidationError) -> str:
    """A settings validation error as environment variable names and reasons."""
    items = []
    for error in exc.errors():
        loc = [str(p) for p in error["loc"] if not isinstance(p, int)]
        name = "SECOND_OPINION_" + "__".join(p.upper() for p in loc) if loc else "settings"
        items.append(f"{name}: {error['msg']}")
    return "; ".join(items)


def explain(exc: BaseException, settings: Settings | None) -> str | None:
    """One paragraph for an operator, or None when the error is not a dependency's."""
    if isinstance(exc, ValidationError) and exc.title == "Settings":
        return oh.describe(oh.SETTINGS, None, "invalid settings: " + settings_problem(exc))
    component = component_of(exc)
    if component is None:
        return None
    return oh.describe(component, settings, _problem(exc))


class OperatorErrorGroup(TyperGroup):
    """The root command group: dependency failures become a paragraph, unless ``--debug``."""

    def invoke(self, ctx: Any) -> Any:
        """Run the command; translate what escapes it."""
        try:
            return super().invoke(ctx)
        except Exception as e:
            # Exit, Abort and usage errors are the command line's own control flow
            if ctx.meta.get(DEBUG_KEY) or type(e).__module__.split(".")[0] in ("typer", "click"):
                raise
            settings = ctx.obj if isinstance(ctx.obj, Settings) else None
            paragraph = explain(e, settings)
            if paragraph is None:
                paragraph = f"unexpected error: {_problem(e)}"
            typer.secho(f"error: {paragraph}", err=True, fg=typer.colors.RED)
            typer.secho("(run with --debug for the traceback)", err=True)
            raise typer.Exit(1) from e
