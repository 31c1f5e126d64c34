"""The consent text the patient agrees to, versioned by its file name.

Texts live in ``texts/consent-<version>.md``; the newest version is current. A new
version means every patient is asked again (consent is recorded per version with the
text's sha256 by :func:`assistant.services.cases.record_consent`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TEXTS = Path(__file__).with_name("texts")


@dataclass(frozen=True)
class ConsentText:
    """One version of the consent text."""

    version: str
    text: str


@lru_cache(maxsize=1)
def current_consent(folder: Path = TEXTS) -> ConsentText:
    """The newest consent text (versions sort as strings, e.g. '2026-11').

    Raises:
        FileNotFoundError: If the folder holds no ``consent-*.md`` file.
    """
    files = sorted(folder.glob("consent-*.md"))
    if not files:
        raise FileNotFoundError(f"no consent-*.md text in {folder}; the chat cannot ask for consent")
    newest = files[-1]
    return ConsentText(version=newest.stem.removeprefix("consent-"), text=newest.read_text(encoding="utf-8"))
