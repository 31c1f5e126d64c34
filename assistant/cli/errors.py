"""Turn a failing dependency into one paragraph an operator can act on (``--debug``: traceback).

Commands raise whatever the libraries raise (SQLAlchemy, kombu, httpx inside Chroma's
client, the OpenAI client); :class:`OperatorErrorGroup` catches it at the top of the
command line, finds which component it came from (the exception's type, else the
library whose code raised it) and prints what failed, where, the setting that
configures it and the fix, instead of a traceback hundreds of lines long.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from assistant.operator_help import explain, problem_of
from assistant.settings import Settings

DEBUG_KEY = "second_opinion.debug"


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
            try:
                paragraph = explain(e, settings)
            except Exception:  # the explanation must never hide the error itself
                paragraph = None
            if paragraph is None:
                paragraph = f"unexpected error: {problem_of(e)}"
            typer.secho(f"error: {paragraph}", err=True, fg=typer.colors.RED)
            typer.secho("(run with --debug for the traceback)", err=True)
            raise typer.Exit(1) from e
