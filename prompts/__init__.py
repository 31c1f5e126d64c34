"""Versioned prompt templates as files, and the small loader that renders them.

Each template is a text file ``prompts/<name>.txt`` that starts with YAML front matter
between two ``---`` lines (``name``, ``version``, ``description``, ``stop``) followed by
the body (trailing newlines are dropped, so a body can end mid-line for the model to
continue). The body uses ``$variable`` placeholders (:class:`string.Template` syntax), so
braces and brackets in the text need no escaping; ``$$`` is a literal dollar sign.

Every draft records the template name, its version and the sha256 of the rendered text,
so that a clinician or auditor can tell exactly which prompt produced which words.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

TEMPLATES_DIR = Path(__file__).resolve().parent
_FRONT_MATTER = "---"


class PromptTemplateError(ValueError):
    """A prompt template file is missing, malformed, or was rendered with wrong variables."""

    def __init__(self, message: str = "invalid prompt template; check the file in prompts/") -> None:
        super().__init__(message)


def prompt_sha256(text: str) -> str:
    """Return the hex sha256 of a rendered prompt (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RenderedPrompt:
    """A rendered prompt together with the provenance a draft stores."""

    text: str
    name: str
    version: str
    stop: tuple[str, ...]

    @property
    def sha256(self) -> str:
        """Hex sha256 of the rendered text."""
        return prompt_sha256(self.text)


@dataclass(frozen=True)
class PromptTemplate:
    """One versioned template loaded from ``prompts/<name>.txt``."""

    name: str
    version: str
    description: str
    body: str
    stop: tuple[str, ...] = ()
    variables: frozenset[str] = field(default_factory=frozenset)

    def render(self, **variables: object) -> str:
        """Substitute ``$placeholders`` with the given values.

        Args:
            **variables: One value per placeholder; values are inserted verbatim
                (a ``$`` inside a value is never re-expanded).

        Returns:
            The rendered prompt text.

        Raises:
            PromptTemplateError: If a placeholder has no value or an unknown name is given.
        """
        missing = sorted(self.variables - variables.keys())
        unknown = sorted(variables.keys() - self.variables)
        if missing or unknown:
            raise PromptTemplateError(
                f"template {self.name!r} v{self.version}: missing variables {missing}, "
                f"unknown variables {unknown}"
            )
        values = {key: str(value) for key, value in variables.items()}
        return string.Template(self.body).substitute(values)

    def render_prompt(self, **variables: object) -> RenderedPrompt:
        """Render and return the text with the template's name, version and stop sequences."""
        return RenderedPrompt(
            text=self.render(**variables), name=self.name, version=self.version, stop=self.stop
        )

    def sha256(self, **variables: object) -> str:
        """Return the sha256 of the text rendered with ``variables``."""
        return prompt_sha256(self.render(**variables))


def _placeholders(body: str) -> frozenset[str]:
    names: set[str] = set()
    for match in string.Template.pattern.finditer(body):
        if match.group("invalid") is not None:
            raise PromptTemplateError(f"invalid '$' placeholder at offset {match.start()}")
        name = match.group("named") or match.group("braced")
        if name:
            names.add(name)
    return frozenset(names)


def parse_template(text: str, *, source: str = "<string>") -> PromptTemplate:
    """Parse a template file's text (front matter plus body).

    Args:
        text: The whole file.
        source: Where it came from, for error messages.

    Returns:
        The parsed template.

    Raises:
        PromptTemplateError: If the front matter is missing or lacks name/version.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != _FRONT_MATTER:
        raise PromptTemplateError(f"{source}: must start with a '---' front-matter line")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == _FRONT_MATTER)
    except StopIteration:
        raise PromptTemplateError(f"{source}: front matter is not closed by '---'") from None
    meta: Any = yaml.safe_load("\n".join(lines[1:end])) or {}
    if not isinstance(meta, dict) or "name" not in meta or "version" not in meta:
        raise PromptTemplateError(f"{source}: front matter needs 'name' and 'version'")
    stop = meta.get("stop") or []
    if not isinstance(stop, list) or not all(isinstance(s, str) for s in stop):
        raise PromptTemplateError(f"{source}: 'stop' must be a list of strings")
    body = "\n".join(lines[end + 1 :]).rstrip("\n")
    return PromptTemplate(
        name=str(meta["name"]),
        version=str(meta["version"]),
        description=str(meta.get("description", "")).strip(),
        body=body,
        stop=tuple(stop),
        variables=_placeholders(body),
    )


@lru_cache(maxsize=64)
def _parsed(text: str, source: str) -> PromptTemplate:
    """:func:`parse_template`, remembered per file text: every draft loads the same templates, and
    parsing the front matter cost more than composing a short section. Keyed on the text, so an edited
    file is parsed afresh; the template is frozen, so sharing it is safe."""
    return parse_template(text, source=source)


def load_template(name: str, *, directory: Path | None = None) -> PromptTemplate:
    """Load ``<directory>/<name>.txt`` (default: this package's folder).

    Args:
        name: Template name; must equal the ``name`` in its front matter.
        directory: Folder holding template files.

    Returns:
        The parsed template.

    Raises:
        PromptTemplateError: If the file is missing or its front matter disagrees.
    """
    if not name.replace("_", "").isalnum():
        raise PromptTemplateError(f"template name {name!r} must be letters, digits and '_'")
    path = (directory or TEMPLATES_DIR) / f"{name}.txt"
    if not path.is_file():
        raise PromptTemplateError(f"prompt template {name!r} not found at {path}")
    template = _parsed(path.read_text(encoding="utf-8"), str(path))
    if template.name != name:
        raise PromptTemplateError(
            f"{path}: front matter name {template.name!r} differs from file name {name!r}"
        )
    return template


def available_templates(directory: Path | None = None) -> list[str]:
    """Names of all template files in ``directory`` (default: this package's folder)."""
    return sorted(p.stem for p in (directory or TEMPLATES_DIR).glob("*.txt"))
