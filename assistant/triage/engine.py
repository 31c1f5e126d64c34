"""One triage decision per text: clinical rules first, then the nearest exemplars.

:meth:`Triage.check` normalises the text, corrects misspellings, runs the rules (with
negation, past events and questions about warning signs) and, when no rule fires and an
embedder is present, compares each affirmed sentence with the exemplar bank. The
:class:`TriageDecision` carries the category, a score and the evidence for the audit log.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.triage.gloss import Glossary, default_glossary, language
from assistant.triage.rules import RULES_PATH, RuleHit, RuleSet, load_rules
from assistant.triage.semantic import EXEMPLARS_PATH, SemanticMatcher, TextEmbedder, load_bank
from assistant.triage.text import Clause, TypoCorrector, normalise, sentences, words

log = logging.getLogger(__name__)
_MAX_SEGMENTS = 24  # an intake story of eight sentences gives about twenty; the last ones count too
_AND = re.compile(r"\band\b|\bthen\b|\bso\b")
_PRONOUN = re.compile(r"(it|this|that|which|they|these|those)\b")
_MAX_CHARS = 4000
_CLASSIFIER_MIN_WORDS = 4
_CLASSIFIER_MAX_WORDS = 40  # longer than any exemplar: the classifier reads it clause by clause


@dataclass(frozen=True)
class TriageDecision:
    """Whether a text describes an emergency now, which kind, how sure and why."""

    text: str
    emergency: bool
    category: str | None = None
    score: float = 0.0
    evidence: str = ""
    source: str = "none"  # rule | semantic | none
    categories: tuple[str, ...] = ()
    label: str = ""
    advice: str = ""
    rule_ids: tuple[str, ...] = field(default=())
    reference: str = ""  # the rule id or the exemplar: evidence without the patient's words

    def audit_detail(self) -> dict[str, Any]:
        """What the audit log keeps of the decision (no patient words)."""
        return {
            "category": self.category,
            "categories": list(self.categories),
            "score": round(self.score, 3),
            "source": self.source,
            "reference": self.reference,
        }

    def as_json(self) -> dict[str, Any]:
        """The decision as the CLI prints it."""
        return {
            "text": self.text,
            "emergency": self.emergency,
            "category": self.category,
            "score": round(self.score, 3),
            "evidence": self.evidence,
            "source": self.source,
        }


def _known_words(embedder: TextEmbedder | None) -> set[str]:
    """Whole words of the embedding model's vocabulary: ordinary words typo correction leaves alone."""
    path = getattr(embedder, "path", None)
    vocab = Path(str(path)) / "vocab.txt" if path is not None else None
    if vocab is None or not vocab.is_file():
        try:
            from knowledge.embeddings import default_model_path

            vocab = default_model_path() / "vocab.txt"
        except Exception:
            return set()
    if not vocab.is_file():
        return set()
    return {w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha() and w.isascii()}


class Triage:
    """The one triage of the application (see the module docstring)."""

    def __init__(
        self,
        embedder: TextEmbedder | None = None,
        rules_path: Path = RULES_PATH,
        exemplars_path: Path = EXEMPLARS_PATH,
        cache_dir: Path | None = None,
    ) -> None:
        """``cache_dir`` keeps the exemplar bank's embeddings on disk between process starts."""
        self.rules: RuleSet = load_rules(rules_path)
        self.glossary: Glossary = default_glossary()
        bank = load_bank(exemplars_path)
        self.corrector = TypoCorrector(
            self.rules.vocabulary | bank.words(),
            _known_words(embedder),
            (normalise(e.text) for e in bank.exemplars),
        )
        # Negated, past and question messages never reach the semantic layer (the rules' cues
        # set them aside), so exemplars of that kind would only pull true emergencies away.
        # (An exemplar that says something is over still compares: "I feel better now, may I
        # stop the antibiotics" is the look-alike of the clauses around it.)
        comparable = [e for e in bank.exemplars if e.emergency or self._clean(normalise(e.text), over=False)]
        set_aside = [e for e in bank.exemplars if e not in comparable and e.trained]
        bank = replace(bank, exemplars=tuple(comparable))
        self.semantic = (
            SemanticMatcher(bank, embedder, set_aside, cache_dir) if embedder is not None else None
        )

    @property
    def version(self) -> str:
        """The rules and exemplar versions, for the audit log."""
        bank = self.semantic.bank.version if self.semantic else "none"
        return f"rules {self.rules.version}, exemplars {bank}"

    def prepare(self, text: str) -> str:
        """The text as the rules read it: normalised and spelling-corrected."""
        normalised = normalise(text[:_MAX_CHARS])
        corrected = normalised if language(normalised) != "en" else self.corrector.correct(normalised)
        return self.rules.literal(corrected)

    def english(self, prepared: str) -> str:
        """The English the model reads: the text itself, or a Spanish or French text's gloss."""
        return self.glossary.gloss(prepared, language(prepared))

    def _clean(self, text: str, now: bool = False, over: bool = True) -> bool:
        """Whether every clause of a text is free of negation, past, question and recovery cues.

        The cues are read clause by clause, as the rules read them, so a present word in one
        clause ("... when I was 19, I am in a better place now") does not clear another. With
        ``now`` (another clause of the message says something is happening now) a question that
        is not hypothetical does not set a clause aside ("is that normal? it has been an hour").
        With ``over``, a clause that says something is over ("she came round within seconds")
        is set aside too.
        """
        r = self.rules
        return all(
            not (
                r.has_negation(c.text)
                or r.is_past(c.text)
                or r.is_information_request(c.text, now)
                or (over and r.is_over(c.text))
            )
            for c in r.clauses(text)
        )

    def _segments(self, prepared: str) -> dict[str, str]:
        """Affirmed stretches for the semantic layer, each with the sentence it comes from.

        A sentence without cues is compared whole and, when it runs on ("..., and ...,
        then ..."), clause by clause too, so one urgent clause is not diluted by the rest. A
        sentence with a negation, a past marker or a question is split into clauses, and a
        clause with one into its "and" parts, so "no fever, but my lips are blue" still
        compares "my lips are blue". The sentence is kept to see whether it plays the
        symptom down ("a bit").
        """
        out: dict[str, str] = {}
        sentence_list = sentences(prepared)
        now = self.rules.says_happening_now(prepared)
        if len(sentence_list) > 1 and all(self._clean(s, now) for s in sentence_list):
            # A long story goes to the nearest exemplars only: over many sentences the linear
            # classifier adds up words from all of them ("poorly", "medicine", "spits it out")
            # into an emergency none of them states. Each sentence still reaches it below.
            out[prepared] = prepared if len(words(prepared)) <= _CLASSIFIER_MAX_WORDS else ""
        for sentence in sentence_list:
            if self._clean(sentence, now):
                out.setdefault(sentence, sentence)
                parts = [p.strip() for c in self.rules.clauses(sentence) for p in _AND.split(c.text)]
                for p in parts if len(parts) > 1 else []:
                    if len(words(p)) >= 3:
                        out.setdefault(p, sentence)
                continue
            before_clean = True
            for c in self.rules.clauses(sentence):
                clean, follows = self._clean(c.text, now), before_clean
                before_clean = clean
                if clean and not follows and _PRONOUN.match(c.text):
                    # "bruise from the blood test last week, it is going yellow now": what "it"
                    # is was said in the clause set aside. Nearest exemplars only.
                    out.setdefault(c.text, "")
                    continue
                if clean:
                    out.setdefault(c.text, sentence)
                    continue
                if self.rules.is_information_request(c.text, now) or self.rules.is_over(c.text):
                    # A question's "and" parts are still asked, not said: "what is the
                    # difference between angina and a heart attack" does not give "a heart attack";
                    # nor does a clause that says it is over ("she is on antibiotics and feeling
                    # better") give what came before its recovery.
                    continue
                for p in (q.strip() for q in _AND.split(c.text)):
                    if len(words(p)) >= 3 and self._clean(p, now):
                        # Part of a clause about the past or a negation: "...years ago and now
                        # takes statins". Nearest exemplars only; the classifier guesses on it.
                        out.setdefault(p, "")
        kept = [k for k in out if len(words(k)) >= 2][:_MAX_SEGMENTS]
        return {k: out[k] for k in kept}

    def _rule_hits(self, prepared: str, glossed: str) -> list[RuleHit]:
        """The rules a message fires: on its English, or a Spanish or French message's gloss.

        The rules' own Spanish and French phrases still read the original, but the time and
        question cues are English: such a hit counts only when some clause of the gloss is
        neither past nor a question ("una convulsion ... cuando era bebe" is in the past), and
        not when the words it matched are in the gloss too, only in such clauses. (The phrases
        carry their own negations: "ne s effacent pas" is a sign, not a denial.)
        """
        if glossed == prepared:
            return self.rules.check(prepared)
        r = self.rules
        gloss_clauses = r.clauses(glossed)
        now = any(not (r.is_past(c.text) or r.is_information_request(c.text)) for c in gloss_clauses)
        if glossed_hits := r.check(glossed):
            return glossed_hits
        return [h for h in r.check(prepared) if now and not self._said_of_the_past(h, gloss_clauses)]

    def _said_of_the_past(self, hit: RuleHit, gloss_clauses: list[Clause]) -> bool:
        """Whether the words that made a hit on the original are in the gloss too, only in
        clauses about the past or questions ("mon pere est mort d une dissection aortique":
        "dissection" is in "my father died of a aortic dissection")."""
        r = self.rules
        for matched in hit.matched:
            where = [
                c for c in gloss_clauses if re.search(rf"(?<![a-z]){re.escape(matched)}(?![a-z])", c.text)
            ]
            if not where or any(not (r.is_past(c.text) or r.is_information_request(c.text)) for c in where):
                return False
        return True

    def check(self, text: str) -> TriageDecision:
        """Triage one text (a chat message, an intake answer, a case's symptoms)."""
        prepared = self.prepare(text)
        if not prepared:
            return TriageDecision(text, False)
        glossed = self.english(prepared)
        english = self.rules.drop_settled(glossed)
        hits = self._rule_hits(prepared, glossed)
        if hits:
            first = hits[0]
            cats = tuple(dict.fromkeys(h.category for h in hits))
            evidence = f"rule {first.rule_id}: " + " + ".join(repr(m) for m in first.matched)
            ids = tuple(h.rule_id for h in hits)
            return self._decision(
                text, first.category, 1.0, evidence, "rule", cats, ids, f"rule {first.rule_id}"
            )
        if self.semantic is None:
            return TriageDecision(text, False, evidence="no rule fired (semantic layer not loaded)")
        segments = self._segments(english)
        # A fragment of a few words ("he is smiling", "a brown inhaler") gives the linear
        # classifier too little to go on: it goes to the nearest exemplars only.
        learn = [bool(v) and len(words(k)) >= _CLASSIFIER_MIN_WORDS for k, v in segments.items()]
        matches = self.semantic.match(list(segments), learn)
        if not matches:
            return TriageDecision(text, False, evidence="no affirmed statement to compare")
        t = self.semantic.bank.thresholds
        mild = self.rules.is_mild
        matches = [
            m.played_down()
            if m.emergency and m.score < t.high and (mild(m.text) or mild(segments[m.text] or m.text))
            else m
            for m in matches
        ]
        best = max(matches, key=lambda m: (m.emergency, m.score - m.counter_score))
        evidence = (
            f"nearest {best.category} exemplar {best.exemplar!r} ({best.score:.2f}); "
            f"nearest non-emergency {best.counter_exemplar!r} ({best.counter_score:.2f})"
        )
        if best.prediction is not None:
            pred = best.prediction
            evidence += f"; classifier {pred.category} p={pred.p_emergency:.2f}"
        if not best.emergency:
            return TriageDecision(text, False, None, best.score, evidence, "semantic")
        cats = tuple(dict.fromkeys(m.category for m in matches if m.emergency))
        source, score = "semantic", best.score
        if best.by_classifier and best.prediction is not None:
            source, score = "classifier", best.prediction.p_emergency
        return self._decision(
            text, best.category, score, evidence, source, cats, (), f"exemplar {best.exemplar!r}"
        )

    def _decision(
        self,
        text: str,
        category: str,
        score: float,
        evidence: str,
        source: str,
        categories: tuple[str, ...],
        rule_ids: tuple[str, ...],
        reference: str,
    ) -> TriageDecision:
        cat = self.rules.categories[category]
        return TriageDecision(
            text,
            True,
            category,
            score,
            evidence,
            source,
            categories,
            cat.label,
            cat.advice,
            rule_ids,
            reference,
        )

    def advice_text(self, decision: TriageDecision) -> str:
        """The message shown to the patient: the category's advice, then what to do now."""
        lines = ["**This could be an emergency.**", ""]
        for cat_id in decision.categories or ((decision.category,) if decision.category else ()):
            cat = self.rules.categories[cat_id]
            lines.append(f"- **{cat.label}.** {cat.advice}")
        lines += ["", f"**{self.rules.emergency_advice}**"]
        return "\n".join(lines)


@lru_cache(maxsize=1)
def rules_only_triage() -> Triage:
    """A triage without the semantic layer (rules and typo correction only), built once."""
    return Triage(None)
