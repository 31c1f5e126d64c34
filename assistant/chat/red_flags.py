"""Red-flag triage: emergency symptoms in a patient's words, from a rules file clinicians edit.

The rules live in ``red_flag_rules.yaml`` beside this module (see its header for the
format). :func:`load_rules` reads and compiles them once; :meth:`RedFlagRules.check`
returns the rules a text triggers. The chat runs the check on every message and every
intake answer before anything else, shows the advice first, records the flags on the
case and marks it urgent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.chat.errors import RedFlagRulesError

RULES_PATH = Path(__file__).with_name("red_flag_rules.yaml")
_NEGATION_WINDOW = 24  # characters before a phrase in which a negation cancels it


@dataclass(frozen=True)
class RedFlagRule:
    """One emergency pattern: every group must match somewhere in the text."""

    id: str
    label: str
    advice: str
    groups: tuple[tuple[re.Pattern[str], ...], ...]


@dataclass(frozen=True)
class RedFlag:
    """A rule that fired on a text."""

    id: str
    label: str
    advice: str


@dataclass(frozen=True)
class RedFlagRules:
    """The compiled rules file."""

    version: str
    emergency_advice: str
    negation: re.Pattern[str]
    rules: tuple[RedFlagRule, ...]

    def check(self, text: str) -> list[RedFlag]:
        """The rules ``text`` triggers, in file order (empty for ordinary text)."""
        lowered = " ".join(text.lower().replace("’", "'").split())
        if not lowered:
            return []
        return [
            RedFlag(rule.id, rule.label, rule.advice)
            for rule in self.rules
            if all(self._group_matches(group, lowered) for group in rule.groups)
        ]

    def _group_matches(self, group: tuple[re.Pattern[str], ...], text: str) -> bool:
        for pattern in group:
            for match in pattern.finditer(text):
                before = text[max(0, match.start() - _NEGATION_WINDOW) : match.start()]
                if not self.negation.search(before):
                    return True
        return False

    def advice_text(self, flags: list[RedFlag]) -> str:
        """The message shown to the patient: each rule's advice, then what to do now."""
        lines = ["**This could be an emergency.**", ""]
        lines += [f"- **{flag.label}.** {flag.advice}" for flag in flags]
        lines += ["", f"**{self.emergency_advice}**"]
        return "\n".join(lines)


def _compile_phrase(rule_id: str, phrase: str) -> re.Pattern[str]:
    try:
        return re.compile(rf"(?<![a-z]){phrase}(?![a-z])")
    except re.error as e:
        raise RedFlagRulesError(f"rule '{rule_id}': phrase {phrase!r} is not a valid pattern ({e})") from e


def _compile_rule(raw: dict[str, Any]) -> RedFlagRule:
    rule_id = str(raw.get("id", "")).strip()
    if not rule_id:
        raise RedFlagRulesError("every rule needs an 'id'")
    groups = raw.get("all_of")
    if not isinstance(groups, list) or not groups or not all(isinstance(g, list) and g for g in groups):
        raise RedFlagRulesError(f"rule '{rule_id}': 'all_of' must be a non-empty list of phrase lists")
    if not raw.get("advice") or not raw.get("label"):
        raise RedFlagRulesError(f"rule '{rule_id}': 'label' and 'advice' are required")
    return RedFlagRule(
        id=rule_id,
        label=str(raw["label"]).strip(),
        advice=" ".join(str(raw["advice"]).split()),
        groups=tuple(tuple(_compile_phrase(rule_id, str(p).lower()) for p in g) for g in groups),
    )


def parse_rules(data: dict[str, Any]) -> RedFlagRules:
    """Compile a rules document (already parsed from YAML).

    Raises:
        RedFlagRulesError: If a rule lacks a field or a phrase is not a valid pattern.
    """
    rules = [_compile_rule(r) for r in data.get("rules") or []]
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise RedFlagRulesError("rule ids must be unique")
    if not rules:
        raise RedFlagRulesError("the rules file defines no rules")
    negations = [re.escape(str(n).lower()) for n in data.get("negations") or []]
    negation = re.compile(rf"(?<![a-z])({'|'.join(negations)})(?![a-z])" if negations else r"(?!x)x")
    return RedFlagRules(
        version=str(data.get("version", "")),
        emergency_advice=" ".join(str(data.get("emergency_advice", "")).split()),
        negation=negation,
        rules=tuple(rules),
    )


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_PATH) -> RedFlagRules:
    """Read and compile a rules file (cached per path).

    Raises:
        RedFlagRulesError: If the file is not valid YAML or a rule is malformed.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise RedFlagRulesError(f"cannot read red-flag rules from {path}: {e}") from e
    if not isinstance(data, dict):
        raise RedFlagRulesError(f"{path} must hold a mapping with 'rules'")
    return parse_rules(data)
