"""The project's knowledge-pack notes as cited sources, for drafting tests that need real passages."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.drafting.schemas import CitedSource

PACK = Path(__file__).resolve().parents[3] / "knowledge/pack"


def pack_note(number: int, name: str) -> CitedSource:
    """One pack note as a cited source: title and population from its front matter, body text."""
    raw = (PACK / f"{name}.md").read_text()
    _, front, body = raw.split("---", 2)
    title = re.search(r'^title: "?(.*?)"?$', front, re.M)
    population = re.search(r"^population: (\w+)", front, re.M)
    lines = "\n".join(line for line in body.splitlines() if not line.startswith("#"))
    paragraphs = [p.strip() for p in lines.split("\n\n") if p.strip()]
    return CitedSource(
        number=number,
        title=title.group(1) if title else name,
        text="\n\n".join(paragraphs),
        population=population.group(1) if population and population.group(1) in ("adult", "child") else "",
    )
