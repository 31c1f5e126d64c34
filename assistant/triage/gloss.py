"""English glosses of Spanish and French messages, so the English rules and model can read them.

The embedding model is English and scores a Spanish or French emergency near zero; the
rules carry only a few Spanish and French phrases. A word-for-word gloss from ``gloss.yaml``
("me falta el aire" -> "i am short of breath", "douleur dans la poitrine" -> "pain in the
chest") lets the English rules and the exemplar classifier read them too. It is deliberately
simple: phrases are replaced longest first, unknown words are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.triage.errors import TriageConfigError
from assistant.triage.text import looks_romance, words

GLOSS_PATH = Path(__file__).with_name("gloss.yaml")

# Words that tell Spanish from French once a text reads as either (see ``looks_romance``).
_SPANISH = frozenset(
    [
        "el",
        "los",
        "las",
        "del",
        "una",
        "mi",
        "mis",
        "tengo",
        "tiene",
        "estoy",
        "esta",
        "muy",
        "pero",
        "que",
        "con",
        "por",
        "para",
        "sin",
        "mucha",
        "mucho",
        "puedo",
        "dolor",
        "pecho",
        "hace",
        "quiero",
        "cuales",
        "como",
        "sus",
        "sangre",
        "toso",
        "tose",
        "fiebre",
        *("cuando", "hijo", "hija", "todo", "toda", "ahora", "desde", "siento"),
    ]
)
_FRENCH = frozenset(
    [
        "le",
        "les",
        "des",
        "une",
        "je",
        "j",
        "ai",
        "est",
        "pas",
        "du",
        "au",
        "il",
        "elle",
        "ne",
        "dans",
        "avec",
        "qui",
        "ca",
        "sa",
        "ses",
        "mes",
        "plus",
        "depuis",
        "tres",
        "douleur",
        "veux",
        "suis",
        "tousse",
        "fievre",
        # ninth round: function and body words of short French messages with few of the above
        *("et", "comme", "entre", "quelque", "chose", "soudaine", "soudain", "mon"),
        *("tete", "ventre", "poitrine", "quand", "aussi", "tout", "toute"),
        "respirer",
        "saigne",
    ]
)


def language(normalised: str) -> str:
    """``"es"``, ``"fr"`` or ``"en"`` for a normalised text (only the first two are glossed)."""
    tokens = words(normalised)
    es = sum(t in _SPANISH for t in tokens)
    fr = sum(t in _FRENCH for t in tokens)
    enough = max(es, fr) >= (1 if len(tokens) <= 4 else max(2.0, 0.2 * len(tokens)))
    if not (looks_romance(normalised) or enough):
        return "en"
    return "fr" if fr > es else "es"


@dataclass(frozen=True)
class Glossary:
    """Per language, the phrases (longest first) and their English words."""

    version: str
    entries: dict[str, tuple[tuple[re.Pattern[str], str], ...]]

    def gloss(self, normalised: str, lang: str) -> str:
        """The English gloss of a normalised text in ``lang`` (the text itself for English).

        One left-to-right pass: at each word the longest phrase that starts there is replaced,
        so English words already written are never translated again.
        """
        entries = self.entries.get(lang)
        if not entries:
            return normalised
        out: list[str] = []
        pos = 0
        while pos < len(normalised):
            if not normalised[pos].isalnum() or (pos and normalised[pos - 1].isalnum()):
                out.append(normalised[pos])
                pos += 1
                continue
            best: tuple[re.Match[str], str] | None = None
            for pattern, english in entries:  # the longest match wins, not the longest key
                m = pattern.match(normalised, pos)
                if m is not None and m.end() > pos and (best is None or m.end() > best[0].end()):
                    best = (m, english)
            if best is not None:
                out.append(best[0].expand(best[1]))
                pos = best[0].end()
            else:
                end = pos
                while end < len(normalised) and normalised[end].isalnum():
                    end += 1
                out.append(normalised[pos:end])
                pos = end
        glossed = re.sub(r"\bcan not\b", "cannot", "".join(out))
        return re.sub(r"[ ]+", " ", glossed).strip()


def _entries(lang: str, raw: Any) -> tuple[tuple[re.Pattern[str], str], ...]:
    if not isinstance(raw, dict):
        raise TriageConfigError(f"gloss '{lang}' must map phrases to English words")
    keys = sorted(raw, key=lambda k: (-len(str(k)), str(k)))  # "no puedo respirar" before "no"
    out: list[tuple[re.Pattern[str], str]] = []
    for key in keys:
        try:
            pattern = re.compile(rf"(?:{str(key).lower()})(?![a-z0-9])")
        except re.error as e:
            raise TriageConfigError(f"gloss '{lang}': {key!r} is not a valid pattern ({e})") from e
        out.append((pattern, str(raw[key] or "")))
    return tuple(out)


def load_glossary(path: Path = GLOSS_PATH) -> Glossary:
    """Read and compile the glossary.

    Raises:
        TriageConfigError: If the file is not valid YAML or an entry is not a valid pattern.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise TriageConfigError(f"cannot read the triage glossary {path}: {e}") from e
    if not isinstance(data, dict):
        raise TriageConfigError(f"{path} must hold a mapping of languages")
    entries = {lang: _entries(lang, data.get(lang) or {}) for lang in ("es", "fr")}
    return Glossary(str(data.get("version", "")), entries)


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """The packaged glossary, read once."""
    return load_glossary()
