"""Clinical triage rules from ``rules.yaml``: phrases per category, with negation, past and questions.

A rule fires when each of its phrase groups matches in an *affirmed* place of the text:
not negated ("no chest pain"), not resolved ("the bleeding has stopped"), not in a clause
about the past ("I had a stroke in 2019") and not inside a question about information or
a hypothetical ("what are the signs of a stroke?", "what should I do if ..."), unless the
clause says it is happening now. See the header of ``rules.yaml`` for the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.triage.errors import TriageConfigError
from assistant.triage.text import Clause, clause_spans, clauses

RULES_PATH = Path(__file__).with_name("rules.yaml")
_BUT = re.compile(r"\b(but|however|though|although|yet)\b")
_QUALIFIER_WORDS = 5  # a clause this short that only says when qualifies its neighbour
_FUNCTION_WORDS = frozenset(
    {
        *("a", "an", "the", "and", "or", "so", "then", "just", "only", "about", "around", "roughly"),
        *("maybe", "like", "back", "that", "which", "this", "it", "to", "me", "him", "her", "them"),
        *("us", "for", "at", "in", "on", "of", "was", "is"),
        # "it started 4 months ago", "been going on for a year": only when it began
        *("started", "began", "begun", "has", "have", "had", "been", "going", "ongoing"),
    }
)


@dataclass(frozen=True)
class Category:
    """One emergency category: its label and the advice shown to the patient."""

    id: str
    label: str
    advice: str


@dataclass(frozen=True)
class Rule:
    """One emergency pattern: every group must match in an affirmed place."""

    id: str
    category: str
    groups: tuple[tuple[re.Pattern[str], ...], ...]
    same_clause: bool = False  # every group must match in one clause
    lasting: bool = False  # a later "fine now" does not settle it (an overdose taken, adrenaline used)
    even_asked: bool = False  # a question does not clear it ("is there a painless way to ...")
    context: tuple[re.Pattern[str], ...] = ()  # one must occur anywhere, not negated, in any tense


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired, with the words that made each group match."""

    rule_id: str
    category: str
    matched: tuple[str, ...]


def _any_of(rule_name: str, phrases: list[Any]) -> re.Pattern[str]:
    body = "|".join(f"(?:{str(p).lower()})" for p in phrases)
    try:
        return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])" if body else r"(?!x)x")
    except re.error as e:
        raise TriageConfigError(f"{rule_name}: a phrase is not a valid pattern ({e})") from e


def _phrase(rule_id: str, phrase: str) -> re.Pattern[str]:
    try:
        return re.compile(rf"(?<![a-z0-9]){phrase.lower()}(?![a-z0-9])")
    except re.error as e:
        raise TriageConfigError(f"rule '{rule_id}': phrase {phrase!r} is not a valid pattern ({e})") from e


@dataclass(frozen=True)
class ContextCues:
    """The cue lists that decide whether a phrase is affirmed where it occurs."""

    negation: re.Pattern[str]
    pseudo_negation: re.Pattern[str]
    terminator: re.Pattern[str]
    resolved: re.Pattern[str]
    past: re.Pattern[str]
    present: re.Pattern[str]
    information: re.Pattern[str]
    mild: re.Pattern[str]
    window: int
    recovered: re.Pattern[str] = re.compile(r"(?!x)x")
    ongoing: re.Pattern[str] = re.compile(r"(?!x)x")
    hypothetical: re.Pattern[str] = re.compile(r"(?!x)x")
    happening: re.Pattern[str] = re.compile(r"(?!x)x")
    admitted: re.Pattern[str] = re.compile(r"(?!x)x")
    conditional: re.Pattern[str] = re.compile(r"(?!x)x")
    immediate: re.Pattern[str] = re.compile(r"(?!x)x")

    def says_present(self, clause: str) -> bool:
        """Whether a clause has a present cue that counts: in a conditional ("if he slurs again
        what should we do") only an immediate one ("now", "at the moment") does."""
        if self.conditional.search(clause):
            return bool(self.immediate.search(clause))
        return bool(self.present.search(clause))

    def _negated(self, clause: str, start: int, end: int, settles: bool = True) -> bool:
        """Whether a negation cue shortly before the phrase denies it, or (with ``settles``)
        a resolution cue shortly after it ends it ("the bleeding has stopped")."""
        before = clause[:start]
        masked = self.pseudo_negation.sub(lambda m: "_" * len(m.group(0)), before)
        cues = list(self.negation.finditer(masked))
        if cues:
            cue = cues[-1]
            between = masked[cue.end() :]
            if len(between.split()) <= self.window and not self.terminator.search(between):
                return True
        if not settles:  # "took 24 paracetamol and feel fine": the danger does not settle
            return False
        after = clause[end:]
        for found in self.resolved.finditer(after):
            if len(after[: found.start()].split()) <= 4 and not re.search(
                r"(?<![a-z])not\s+$", after[: found.start()]
            ):
                return True
        return False

    def affirmed(
        self,
        clause: str,
        start: int,
        end: int,
        now_elsewhere: bool = False,
        asked: bool = False,
        settles: bool = True,
    ) -> bool:
        """Whether the phrase at ``clause[start:end]`` says something is happening now.

        ``now_elsewhere``: another clause of the message says something is happening now,
        so a question here that is not hypothetical asks about it ("is it normal for ...?
        it has been going 30 minutes"). ``asked``: a question does not clear the phrase.
        ``settles``: later words of the clause that say it is over ("fainted in the heat
        and was fine after a glass of water") clear it, as a later clause would.
        """
        if settles and self.settled_after(clause, end):
            return False
        present = bool(self.present.search(clause))
        if self.past.search(clause) and not present:
            return False
        present = self.says_present(clause)
        info = self.information.search(clause)
        asks_about_now = now_elsewhere and not self.hypothetical.search(clause)
        if info is not None and info.start() <= start and not (present or asked or asks_about_now):
            return False
        return not self._negated(clause, start, end, settles)

    def settled_after(self, clause: str, end: int) -> bool:
        """Whether the clause says, after ``end``, that what came before is over (and nothing
        in it says it goes on)."""
        return bool(self.recovered.search(clause, end)) and not self.ongoing.search(clause)

    def asks_about_now(self, parts: list[Clause]) -> bool:
        """Whether a clause that is not a question or a hypothetical says something is happening now."""
        return any(
            self.happening.search(c.text)
            and not self.information.search(c.text)
            and not self.recovered.search(c.text)
            and not self.hypothetical.search(c.text)
            for c in parts
        )


@dataclass(frozen=True)
class RuleSet:
    """The compiled rules file."""

    version: str
    emergency_advice: str
    categories: dict[str, Category]
    rules: tuple[Rule, ...]
    cues: ContextCues
    vocabulary: frozenset[str]
    figurative: tuple[tuple[re.Pattern[str], str], ...] = ()
    senses: tuple[tuple[re.Pattern[str], str], ...] = ()
    precedence: dict[str, frozenset[str]] = field(default_factory=dict)

    def literal(self, text: str) -> str:
        """The text with its figures of speech ("the waiting is killing me") said plainly and
        organ or imaging senses of emergency words ("a collapsed lung") named for what they are."""
        for pattern, plain in (*self.figurative, *self.senses):
            text = pattern.sub(plain, text)
        return text

    def _in_context(self, rule: Rule, parts: list[Clause]) -> bool:
        """Whether one of the rule's context phrases occurs, not negated ("chemo last week")."""
        return not rule.context or any(
            not self.cues._negated(c.text, m.start(), m.end())
            for c in parts
            for pattern in rule.context
            for m in pattern.finditer(c.text)
        )

    def clauses(self, text: str) -> list[Clause]:
        """The clauses of a normalised text, a time qualifier standing alone joined to its clause.

        "a choking fit at nursery, one time" and "years ago, I collapsed at work": a clause of
        a few words that only says when (a past cue) belongs to the clause before it, or to
        the one after it when it comes first.
        """
        parts = clauses(text)
        qualifier = [self._only_when(c.text) for c in parts]
        if len(parts) < 2 or not any(qualifier):
            return parts
        texts: list[str] = []
        leading = ""
        for c, q in zip(parts, qualifier, strict=True):
            if q and texts:
                texts[-1] = f"{texts[-1]} {c.text}"
            elif q:
                leading = f"{leading} {c.text}".strip()
            else:
                texts.append(f"{leading} {c.text}".strip())
                leading = ""
        if leading:  # nothing but qualifiers
            texts.append(leading)
        return [Clause(i, t) for i, t in enumerate(texts)]

    def _only_when(self, clause: str) -> bool:
        """Whether a clause says only when something was ("one time", "years ago", "which
        always happens to me"): a past cue and nothing but function words besides."""
        if len(clause.split()) > _QUALIFIER_WORDS or not self.is_past(clause):
            return False
        return set(self.cues.past.sub(" ", clause).split()) <= _FUNCTION_WORDS

    def check(self, text: str) -> list[RuleHit]:
        """The rules a normalised, typo-corrected ``text`` triggers, in file order (settled clauses aside)."""
        current: list[Clause] = self.clauses(self.drop_settled(text))
        whole: list[Clause] = self.clauses(text)
        now = self.cues.asks_about_now(whole)
        # "what happens if I took 50 of them? I did it an hour ago": a lasting danger asked
        # about as a hypothetical is not one when another clause says it was done.
        admitted = any(self.cues.admitted.search(c.text) for c in whole)
        hits: list[RuleHit] = []
        for rule in self.rules:
            parts = whole if rule.lasting else current
            if not self._in_context(rule, whole):
                continue
            asked = rule.even_asked or (rule.lasting and admitted)
            scopes = [[c] for c in parts] if rule.same_clause else [parts]
            for scope in scopes:
                matched: list[str] = []
                for group in rule.groups:
                    found = self._affirmed_match(group, scope, now, asked, not rule.lasting)
                    if found is None:
                        break
                    matched.append(found)
                else:
                    hits.append(RuleHit(rule.id, rule.category, tuple(matched)))
                    break
        return self._by_precedence(hits)

    def _by_precedence(self, hits: list[RuleHit]) -> list[RuleHit]:
        """The hits with those of a category that another hit's category goes before moved last.

        "a tearing pain through to my back and my legs feel weak" fires a dissection rule and a
        stroke rule: `precedence` names the dissection first. Otherwise file order stands.
        """
        fired = {h.category for h in hits}
        beaten = {c for c in fired for w in fired if c in self.precedence.get(w, frozenset())}
        return sorted(hits, key=lambda h: h.category in beaten)

    def _affirmed_match(
        self,
        group: tuple[re.Pattern[str], ...],
        parts: list[Clause],
        now: bool,
        asked: bool,
        settles: bool = True,
    ) -> str | None:
        for clause in parts:
            for pattern in group:
                for m in pattern.finditer(clause.text):
                    if self.cues.affirmed(clause.text, m.start(), m.end(), now, asked, settles):
                        return m.group(0)
        return None

    def drop_settled(self, text: str) -> str:
        """The text without the clauses a later clause says are over.

        "my leg went numb, fine now" and "she fainted this morning but she is back to normal"
        describe something that has passed, even with a present word ("this morning"); a
        clause that says it goes on ("still", "again", "keeps") is kept. A recovery that the
        next clause takes back ("he has come round but he is still in agony") settles nothing.
        """
        spans = clause_spans(text)
        cues = self.cues
        # A clause that says it is over and also that it goes on ("another fit before he came
        # round", "not better now") is not over.
        over = [self.is_over(text[a:b]) for a, b in spans]
        for j in range(len(spans) - 1):
            between = text[spans[j][1] : spans[j + 1][0]]
            if over[j] and _BUT.search(between) and cues.ongoing.search(text[slice(*spans[j + 1])]):
                over[j] = False
        out = text
        for i in reversed(range(len(spans))):
            a, b = spans[i]
            if any(over[i + 1 :]) and not over[i] and not cues.ongoing.search(text[a:b]):
                out = out[:a] + " " * (b - a) + out[b:]
        return out

    def is_information_request(self, clause: str, now_elsewhere: bool = False) -> bool:
        """Whether a clause asks for information or is hypothetical (and says nothing is happening now).

        With ``now_elsewhere`` (the message says elsewhere that something is happening now) a
        question that is not hypothetical counts as asking about it, not for information.
        """
        cues = self.cues
        if not cues.information.search(clause) or cues.says_present(clause):
            return False
        return not now_elsewhere or bool(cues.hypothetical.search(clause))

    def says_happening_now(self, text: str) -> bool:
        """Whether some clause of ``text`` that is not a question says something is happening now."""
        return self.cues.asks_about_now(self.clauses(self.drop_settled(text)))

    def is_past(self, clause: str) -> bool:
        """Whether a clause speaks of the past and not of now."""
        return bool(self.cues.past.search(clause)) and not self.cues.present.search(clause)

    def is_over(self, clause: str) -> bool:
        """Whether a clause says something is over ("she came round", "back to normal") and not
        that it goes on."""
        clause = clause.strip()
        return bool(self.cues.recovered.search(clause)) and not self.cues.ongoing.search(clause)

    def is_mild(self, clause: str) -> bool:
        """Whether a clause plays a symptom down ("a bit", "slightly", "mild")."""
        return bool(self.cues.mild.search(clause))

    def has_negation(self, clause: str) -> bool:
        """Whether a clause holds a negation cue (pseudo-negations such as "not sure" aside)."""
        masked = self.cues.pseudo_negation.sub(" ", clause)
        return bool(self.cues.negation.search(masked) or self.cues.resolved.search(masked))


def _rule(raw: dict[str, Any], categories: dict[str, Category]) -> Rule:
    rule_id = str(raw.get("id", "")).strip()
    if not rule_id:
        raise TriageConfigError("every rule needs an 'id'")
    category = str(raw.get("category", ""))
    if category not in categories:
        raise TriageConfigError(f"rule '{rule_id}': unknown category '{category}'")
    groups = raw.get("all_of")
    if not isinstance(groups, list) or not groups or not all(isinstance(g, list) and g for g in groups):
        raise TriageConfigError(f"rule '{rule_id}': 'all_of' must be a non-empty list of phrase lists")
    compiled = tuple(tuple(_phrase(rule_id, str(p)) for p in g) for g in groups)
    return Rule(
        rule_id,
        category,
        compiled,
        bool(raw.get("same_clause", False)),
        bool(raw.get("lasting", False)),
        bool(raw.get("even_asked", False)),
        tuple(_phrase(rule_id, str(p)) for p in raw.get("context") or []),
    )


def _literal_words(phrases: list[Any]) -> set[str]:
    out: set[str] = set()
    for p in phrases:
        stemless = re.sub(r"[a-z]*\\w\*|\\[a-z]|\[[^\]]*\]", " ", str(p).lower())  # stems are not words
        out.update(re.findall(r"[a-z]{4,}", stemless))
    return out


def parse_rules(data: dict[str, Any]) -> RuleSet:
    """Compile a rules document (already parsed from YAML).

    Raises:
        TriageConfigError: If a category or rule lacks a field or a phrase is not a valid pattern.
    """
    raw_categories = data.get("categories") or {}
    if not isinstance(raw_categories, dict) or not raw_categories:
        raise TriageConfigError("the rules file defines no categories")
    categories = {
        str(k): Category(str(k), str(v.get("label", k)), " ".join(str(v.get("advice", "")).split()))
        for k, v in raw_categories.items()
    }
    rules = tuple(_rule(r, categories) for r in data.get("rules") or [])
    if not rules:
        raise TriageConfigError("the rules file defines no rules")
    if len({r.id for r in rules}) != len(rules):
        raise TriageConfigError("rule ids must be unique")
    cues = ContextCues(
        negation=_any_of("negations", data.get("negations") or []),
        pseudo_negation=_any_of("pseudo_negations", data.get("pseudo_negations") or []),
        terminator=_any_of("negation_terminators", data.get("negation_terminators") or []),
        resolved=_any_of("resolved", data.get("resolved") or []),
        past=_any_of("past", data.get("past") or []),
        present=_any_of("present", data.get("present") or []),
        information=_any_of("information", data.get("information") or []),
        mild=_any_of("mild", data.get("mild") or []),
        window=int(data.get("negation_window", 5)),
        recovered=_any_of("recovered", data.get("recovered") or []),
        ongoing=_any_of("ongoing", data.get("ongoing") or []),
        hypothetical=_any_of("hypothetical", data.get("hypothetical") or []),
        happening=_any_of("happening", data.get("happening") or []),
        admitted=_any_of("admitted", data.get("admitted") or []),
        conditional=_any_of("conditional", data.get("conditional") or []),
        immediate=_any_of("immediate", data.get("immediate") or []),
    )
    vocabulary = {str(w) for w in data.get("vocabulary") or []}
    raw_figures = data.get("figurative") or {}
    if not isinstance(raw_figures, dict):
        raise TriageConfigError("'figurative' must map a pattern to its plain wording")
    figurative = tuple((_phrase("figurative", str(k)), str(v)) for k, v in raw_figures.items())
    raw_senses = data.get("senses") or {}
    if not isinstance(raw_senses, dict):
        raise TriageConfigError("'senses' must map a pattern to its plain wording")
    senses = tuple((_phrase("senses", str(k)), str(v)) for k, v in raw_senses.items())
    raw_precedence = data.get("precedence") or {}
    if not isinstance(raw_precedence, dict) or not all(
        str(k) in categories and isinstance(v, list) and all(str(c) in categories for c in v)
        for k, v in raw_precedence.items()
    ):
        raise TriageConfigError("'precedence' must map a category to the categories it goes before")
    precedence = {str(k): frozenset(str(c) for c in v) for k, v in raw_precedence.items()}
    for raw in data.get("rules") or []:
        for group in raw.get("all_of") or []:
            vocabulary |= _literal_words(group)
    return RuleSet(
        version=str(data.get("version", "")),
        emergency_advice=" ".join(str(data.get("emergency_advice", "")).split()),
        categories=categories,
        rules=rules,
        cues=cues,
        vocabulary=frozenset(vocabulary),
        figurative=figurative,
        senses=senses,
        precedence=precedence,
    )


def load_rules(path: Path = RULES_PATH) -> RuleSet:
    """Read and compile a rules file.

    Raises:
        TriageConfigError: If the file is not valid YAML or a rule is malformed.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise TriageConfigError(f"cannot read triage rules from {path}: {e}") from e
    if not isinstance(data, dict):
        raise TriageConfigError(f"{path} must hold a mapping with 'categories' and 'rules'")
    return parse_rules(data)


@lru_cache(maxsize=1)
def category_labels() -> dict[str, str]:
    """Each category's label from the packaged rules file (for pages that name categories)."""
    return {k: c.label for k, c in load_rules().categories.items()}
