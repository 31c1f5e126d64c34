"""Fact sentences written by code from structured data (intake, findings, passages).

Nothing here is left to a language model: probabilities, thresholds, CT measurements
and quoted source sentences are formatted from the inputs, so the facts in a draft are
exactly the facts in the case.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.drafting.citations import SupportScorer, split_sentences
from assistant.drafting.schemas import (
    CTMeasurements,
    DraftSentence,
    ImagingFinding,
    ImagingFindings,
    IntakeRecord,
    Passage,
)

_WORD = re.compile(r"[a-z][a-z\-]+")
_STOPWORD_TEXT = (
    "a an and are as at be by can do does for from has have how in is it its may of on or "
    "that the their this to was were what when which who why will with your you"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# A quoted sentence that starts with one of these leans on the sentence before it.
_ANAPHORA = frozenset({"this", "these", "that", "those", "it", "they", "such", "also", "however"})


def _clean(text: str) -> str:
    return " ".join(text.split()).strip().rstrip(".")


def in_hundred(probability: float) -> str:
    """Plain-words frequency for a probability: 0.87 -> 'about 87 in 100'."""
    per_hundred = round(probability * 100)
    if per_hundred == 0 and probability > 0:
        return "less than 1 in 100"
    if per_hundred == 100 and probability < 1:
        return "more than 99 in 100"
    return f"about {per_hundred} in 100"


def finding_sentence(finding: ImagingFinding) -> str:
    """One finding in plain words, e.g. '... was 0.87 (about 87 in 100), above its ... 0.42.'"""
    p, t = finding.probability, finding.threshold
    side = "above" if p > t else "below" if p < t else "exactly at"
    verdict = (
        "so the model counts it as present"
        if finding.positive
        else "so the model does not count it as present"
    )
    return (
        f"The {finding.model_card.name} model's estimated probability of {finding.label} was "
        f"{p:.2f} ({in_hundred(p)}), {side} its operating threshold of {t:.2f}, {verdict}."
    )


def ct_sentences(ct: CTMeasurements) -> list[str]:
    """CT quantitation in plain words (lung volume, %LAA-950, nodule candidates)."""
    out: list[str] = []
    if ct.lung_volume_l is not None:
        out.append(f"The measured lung volume on the CT was {ct.lung_volume_l:.1f} litres.")
    if ct.laa950_percent is not None:
        out.append(
            f"{ct.laa950_percent:.1f}% of the lung volume measured below -950 Hounsfield units "
            "(%LAA-950), a measure that rises with emphysema."
        )
    nodules = sorted(ct.nodule_candidates, key=lambda n: n.diameter_mm, reverse=True)
    if not nodules:
        out.append("The automated CT analysis found no nodule candidates.")
    else:
        biggest = nodules[0]
        where = f" in the {biggest.location}" if biggest.location else ""
        count = "1 nodule candidate" if len(nodules) == 1 else f"{len(nodules)} nodule candidates"
        out.append(
            f"The automated CT analysis found {count}; the largest measured about "
            f"{biggest.diameter_mm:.0f} mm across{where}."
        )
    return out


def image_fact_sentences(imaging: ImagingFindings) -> list[DraftSentence]:
    """Every finding and CT measurement as a ``finding`` sentence."""
    sentences = [
        DraftSentence(text=finding_sentence(f), origin="finding", finding_refs=[f.label])
        for f in imaging.findings
    ]
    if imaging.ct is not None:
        sentences += [
            DraftSentence(text=text, origin="finding", finding_refs=["ct"])
            for text in ct_sentences(imaging.ct)
        ]
    return sentences


def matching_findings(diagnosis: str, imaging: ImagingFindings) -> list[ImagingFinding]:
    """Findings whose label names the diagnosis in question (or the reverse)."""
    dx = diagnosis.lower()
    return [f for f in imaging.findings if f.label.lower() in dx or dx in f.label.lower()]


def summary_sentences(intake: IntakeRecord) -> list[DraftSentence]:
    """The patient's question, restated from the intake record."""
    out = [f"You asked for a second opinion on a diagnosis of {_clean(intake.diagnosis_in_question)}."]
    if intake.main_question.strip():
        out.append(f"Your main question was: \u201c{_clean(intake.main_question)}\u201d.")
    symptoms = intake.symptoms
    if symptoms.text.strip():
        when = f", starting {_clean(symptoms.onset)}" if symptoms.onset.strip() else ""
        lasting = f" and lasting {_clean(symptoms.duration)}" if symptoms.duration.strip() else ""
        out.append(f"You described {_clean(symptoms.text)}{when}{lasting}.")
    if intake.history.strip():
        out.append(f"Relevant history you gave: {_clean(intake.history)}.")
    if intake.medications:
        out.append(f"Medicines you listed: {', '.join(_clean(m) for m in intake.medications)}.")
    if intake.allergies:
        out.append(f"Allergies you listed: {', '.join(_clean(a) for a in intake.allergies)}.")
    if intake.prior_imaging.strip():
        out.append(f"Earlier imaging you mentioned: {_clean(intake.prior_imaging)}.")
    return [DraftSentence(text=t, origin="intake") for t in out]


def first_diagnosis_sentences(intake: IntakeRecord) -> list[DraftSentence]:
    """What the first diagnosis said, as the patient reported it."""
    dx = _clean(intake.diagnosis_in_question)
    out = [f"Your first diagnosis was {dx}."]
    if intake.reason.strip():
        out.append(f"The reason you were given: {_clean(intake.reason)}.")
    return [DraftSentence(text=t, origin="intake") for t in out]


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS}


def _candidate_sentences(passage: Passage) -> list[str]:
    out = []
    for sentence in split_sentences(passage.text):
        words = sentence.split()
        if 6 <= len(words) <= 45 and sentence[-1:] in ".!" and words[0].lower().strip(",") not in _ANAPHORA:
            out.append(sentence)
    return out


def pick_passage_facts(
    query: str,
    passages: Sequence[Passage],
    *,
    used: set[str] | None = None,
    limit: int = 1,
    scorer: SupportScorer | None = None,
) -> list[DraftSentence]:
    """Quote the passage sentences most relevant to ``query``, each cited ``[n]``.

    Relevance is the support scorer's similarity when one is given, else content-word
    overlap; sentences already ``used`` are skipped, and at most one sentence is taken
    from each passage.

    Args:
        query: What the section is about.
        passages: The numbered retrieved passages.
        used: Passage sentences already quoted in the draft; the picked ones are added.
        limit: How many facts to return.
        scorer: Optional similarity scorer.

    Returns:
        ``passage`` sentences ending in their ``[n]`` marker, best first.
    """
    query_words = _content_words(query)
    pool = [
        (order, passage.number, sentence)
        for order, passage in enumerate(passages)
        for sentence in _candidate_sentences(passage)
        if used is None or sentence not in used
    ]
    similarity = scorer.score_many(query, [c[2] for c in pool]) if scorer and pool else []
    best: dict[int, tuple[float, int, int, str]] = {}
    for i, (order, number, sentence) in enumerate(pool):
        overlap = len(query_words & _content_words(sentence)) / (len(query_words) or 1)
        score = overlap if scorer is None else similarity[i] + 0.1 * overlap
        if score > 0 and (number not in best or score > best[number][0]):
            best[number] = (score, -order, number, sentence)
    ranked = list(best.values())
    ranked.sort(reverse=True)
    out: list[DraftSentence] = []
    for _, _, number, sentence in ranked[:limit]:
        if used is not None:
            used.add(sentence)
        body = sentence.rstrip(".!")
        out.append(DraftSentence(text=f"{body} [{number}].", origin="passage", citations=[number]))
    return out
