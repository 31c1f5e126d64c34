"""Sources as what they are: one number per document, labelled honestly, cited only when relevant.

Three small interfaces with simple implementations of our own, so a better one (the
knowledge library's grouping helper, a cross-encoder relevance scorer) can replace them
without touching the composer:

- :class:`PassageGrouper`: retrieval hits (chunks) to numbered :class:`Passage` objects,
  one per source document, chunks joined in retrieval order;
- :class:`RelevanceChecker`: does this passage answer this sentence's question;
- :func:`usable_sentence`: whether a passage sentence fits the case (no CT wording
  without a CT upload, no adult-only wording for a child and the reverse).

A note the project wrote (publisher "Second Opinion project", or a ``pack:`` source id)
is shown as the project's summary, with the guidelines it summarises as references; it
never carries a guideline's URL as if it were that guideline's own text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from assistant.drafting.conditions import conditions_in
from assistant.drafting.schemas import DraftContent, GuardrailFlag, Passage

PROJECT_PUBLISHER = "Second Opinion project"
PROJECT_LABEL = "Summary written by the Second Opinion project (not the guideline's own text)"
_CT = re.compile(r"\b(ct|computed tomography|hounsfield|slices?|lung-rads|%laa)\b", re.I)
_CHILD = re.compile(r"\b(child|children|paediatric|pediatric|infants?|toddlers?|kids?)\b", re.I)
_ADULT = re.compile(r"\b(adults?|smokers?|older people|elderly|over (?:40|50|65))\b", re.I)
_WORD = re.compile(r"[a-z][a-z\-]{2,}")
_STOP_TEXT = (
    "the and for are was were with that this from your you have has can may might not but its "
    "their them they there which what when will would could should into about than then also "
    "more most some such other only been being does did done very"
)
_STOP = frozenset(_STOP_TEXT.split())


def _get(hit: Any, name: str) -> Any:
    if isinstance(hit, Mapping):
        return hit.get(name)
    return getattr(hit, name, None)


def is_project_summary(hit: Any) -> bool:
    """True for a note the project wrote (read defensively from whatever metadata exists)."""
    flag = _get(hit, "is_project_summary")
    if isinstance(flag, bool):
        return flag
    publisher = str(_get(hit, "publisher") or "")
    source_id = str(_get(hit, "source_id") or "")
    return PROJECT_PUBLISHER.lower() in publisher.lower() or source_id.startswith("pack:")


def reference_lines(hit: Any) -> list[str]:
    """'Organisation (year). Title. URL' for each reference a note lists."""
    out: list[str] = []
    for ref in _get(hit, "references") or []:
        title = str(_get(ref, "title") or "").strip()
        org = str(_get(ref, "organisation") or "").strip()
        year = _get(ref, "year")
        url = str(_get(ref, "url") or (f"https://doi.org/{_get(ref, 'doi')}" if _get(ref, "doi") else ""))
        head = f"{org} ({year})" if org and year else org or (str(year) if year else "")
        line = ". ".join(x for x in (head, title, url) if x)
        if line:
            out.append(line)
    return out


def population_of(hit: Any) -> str:
    """'child', 'adult' or '' from explicit metadata, else the title and topics."""
    explicit = _get(hit, "population")
    if isinstance(explicit, str) and explicit in ("adult", "child"):
        return explicit
    extra = _get(hit, "extra") or {}
    label = " ".join(
        [str(_get(hit, "title") or ""), str(extra.get("topics", "")), str(extra.get("population", ""))]
    )
    child, adult = bool(_CHILD.search(label)), bool(_ADULT.search(label))
    return "child" if child and not adult else "adult" if adult and not child else ""


def document_key(hit: Any) -> str:
    """What identifies a hit's source document: source id, else URL/DOI, else title."""
    for name in ("source_id", "doi", "url", "title"):
        value = _get(hit, name)
        if value:
            return f"{name}:{value}"
    return f"chunk:{_get(hit, 'chunk_id')}"


class PassageGrouper(Protocol):
    """Turns retrieval hits into numbered passages, one per source document."""

    def __call__(self, hits: Sequence[Any], limit: int) -> tuple[list[Passage], list[dict[str, Any]]]: ...


def group_hits(hits: Sequence[Any], limit: int = 8) -> tuple[list[Passage], list[dict[str, Any]]]:
    """Group chunks by document, number documents 1..n, and label project summaries.

    Args:
        hits: Retrieval results (``knowledge.documents.Passage`` or mappings), best first.
        limit: Most documents kept.

    Returns:
        The composer's passages and, for the evidence record, one provenance entry per
        document (number, title, publisher, url, text, chunk ids, references, label).
    """
    groups: dict[str, list[Any]] = {}
    for hit in hits:
        key = document_key(hit)
        if key not in groups and len(groups) >= limit:
            continue
        groups.setdefault(key, []).append(hit)
    passages: list[Passage] = []
    provenance: list[dict[str, Any]] = []
    for number, chunks in enumerate(groups.values(), start=1):
        first = chunks[0]
        text = "\n\n".join(dict.fromkeys(str(_get(c, "text") or "") for c in chunks))
        summary = is_project_summary(first)
        doi = _get(first, "doi")
        url = "" if summary else str((f"https://doi.org/{doi}" if doi else _get(first, "url")) or "")
        publisher = PROJECT_LABEL if summary else str(_get(first, "publisher") or "")
        passage = Passage(
            number=number,
            title=str(_get(first, "title") or ""),
            publisher=publisher,
            url=url,
            text=text,
            is_project_summary=summary,
            references=reference_lines(first) if summary else [],
            population=population_of(first),
        )
        passages.append(passage)
        provenance.append(
            {
                **passage.model_dump(mode="json"),
                "source_id": str(_get(first, "source_id") or ""),
                "chunk_ids": [str(_get(c, "chunk_id") or "") for c in chunks],
                "date": str(_get(first, "date") or ""),
                "doc_type": str(_get(first, "doc_type") or ""),
            }
        )
    return passages, provenance


def usable_sentence(sentence: str, passage: Passage, *, has_ct: bool, is_child: bool | None) -> bool:
    """Whether a passage sentence fits this case's uploads and the patient's age group."""
    if not has_ct and _CT.search(sentence):
        return False
    if is_child is None:
        return True
    population = passage.population
    if is_child and (population == "adult" or (_ADULT.search(sentence) and not _CHILD.search(sentence))):
        return False
    return not (
        not is_child and (population == "child" or (_CHILD.search(sentence) and not _ADULT.search(sentence)))
    )


class RelevanceChecker(Protocol):
    """Does a passage answer the question a sentence makes a claim about?"""

    name: str

    def relevant(self, sentence: str, passage: Passage) -> bool: ...


def key_terms(text: str) -> set[str]:
    """Content words of ``text`` (lower case, no stop words, no citation markers)."""
    return {w for w in _WORD.findall(re.sub(r"\[\d+\]", " ", text.lower())) if w not in _STOP}


class KeyTermRelevance:
    """Entailment on key terms: the sentence's conditions and claim terms must be in the passage.

    Every condition the sentence names must be named by the passage; a CT claim needs a
    passage about CT; and at least ``min_overlap`` of the sentence's other content words
    (at least two) must occur in the passage.
    """

    name = "key-term entailment"

    def __init__(self, min_overlap: float = 0.3) -> None:
        self.min_overlap = min_overlap

    def relevant(self, sentence: str, passage: Passage) -> bool:
        """True when ``passage`` covers what ``sentence`` claims."""
        body = passage.title + "\n" + passage.text
        named = conditions_in(sentence)
        if named and not all(c in conditions_in(body) for c in named):
            return False
        if _CT.search(sentence) and not _CT.search(body):
            return False
        words = key_terms(sentence)
        if not words:
            return True
        shared = words & key_terms(body)
        return len(shared) >= min(2, len(words)) and len(shared) / len(words) >= self.min_overlap


def check_draft_relevance(draft: DraftContent, checker: RelevanceChecker) -> int:
    """Remove citations whose passage does not answer the sentence; flag each removal.

    Sentences quoted from a passage keep their own citation. A model or knowledge
    sentence left with no relevant citation is marked unsupported.

    Returns:
        How many citations were removed.
    """
    passages = {p.number: p for p in draft.passages}
    removed_total = 0
    for section in draft.sections:
        for sentence in section.sentences:
            if sentence.origin == "passage" or not sentence.citations:
                continue
            drop = [
                n
                for n in sentence.citations
                if n in passages and not checker.relevant(sentence.text, passages[n])
            ]
            if not drop:
                continue
            for n in drop:
                sentence.text = re.sub(rf"\s?\[{n}\]", "", sentence.text)
            sentence.citations = [n for n in sentence.citations if n not in drop]
            detail = f"irrelevant citation(s) {drop} removed ({checker.name})"
            sentence.flags.append(detail)
            draft.flags.append(GuardrailFlag(kind="relevance", detail=detail, section=section.key))
            if not sentence.citations:
                sentence.supported = False
            removed_total += len(drop)
    return removed_total


def cited_numbers(texts: Sequence[str]) -> set[int]:
    """Every ``[n]`` that appears in ``texts``."""
    return {int(n) for text in texts for n in re.findall(r"\[(\d+)\]", text)}
