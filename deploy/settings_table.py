"""Print every SECOND_OPINION_* environment variable as a Markdown table (for docs/deploy.md).

Discovered from :class:`assistant.settings.Settings`, so a new setting shows up here without
editing this script; ``tests/deploy/test_guide.py`` checks that the guide names each one.

    .venv/bin/python deploy/settings_table.py                       # print it
    .venv/bin/python deploy/settings_table.py --update docs/deploy.md  # replace it between the markers
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.settings import Settings

PREFIX = "SECOND_OPINION_"
BEGIN, END = "<!-- settings-table: begin -->", "<!-- settings-table: end -->"


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
        return "" if isinstance(value, BaseModel) else json.dumps(value)
    if field.default is PydanticUndefined or field.default is None:
        return ""
    value = field.default
    return str(value).lower() if isinstance(value, bool) else str(value)


def _escape(text: str) -> str:
    """Markdown table cell: no pipes, no angle brackets read as HTML."""
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def variables(model: type[BaseModel] = Settings, prefix: str = PREFIX) -> Iterator[tuple[str, str, str]]:
    """(environment variable, default, description) for every leaf setting, nested with ``__``."""
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from variables(annotation, f"{prefix}{name.upper()}__")
            continue
        yield f"{prefix}{name.upper()}", _default(field), _escape(field.description or "")


def table() -> str:
    """The Markdown table."""
    rows = ["| Variable | Default | Meaning |", "|---|---|---|"]
    rows += [f"| `{var}` | `{default}` | {text} |" if default else f"| `{var}` | | {text} |"
             for var, default, text in variables()]  # fmt: skip
    return "\n".join(rows) + "\n"


def update(path: Path) -> None:
    """Replace the table between the markers in ``path`` (a guide that embeds it)."""
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition(BEGIN)
    _, sep2, tail = rest.partition(END)
    if not (sep and sep2):
        raise SystemExit(f"{path} has no {BEGIN} ... {END} markers")
    path.write_text(f"{head}{BEGIN}\n{table()}{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--update":
        update(Path(sys.argv[2]))
    else:
        sys.stdout.write(table())
