"""Skipping a pattern whose required words are not in the text finds exactly what trying every
pattern finds: on the condition table's own patterns over real intake text, and on made-up text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.drafting.conditions import _PATTERNS, CONDITIONS, conditions_in
from assistant.drafting.prefilter import Prefiltered, required_literals

VIGNETTES = sorted((Path(__file__).resolve().parents[2] / "data" / "vignettes").glob("*.json"))
FILTERED = Prefiltered(_PATTERNS)


def _all_hits(text: str) -> list[tuple[str, int, int]]:
    return [(c.key, m.start(), m.end()) for c, p in _PATTERNS for m in p.finditer(text)]


def _filtered_hits(text: str) -> list[tuple[str, int, int]]:
    return [(c.key, m.start(), m.end()) for c, p in FILTERED.candidates(text) for m in p.finditer(text)]


def _intake_texts(path: Path) -> list[str]:
    intake = json.loads(path.read_text())["intake"]
    texts = [
        str(intake.get(k) or "")
        for k in ("reason_for_second_opinion", "main_question", "history", "prior_imaging")
    ]
    return texts + [s["description"] for s in intake.get("symptoms", [])]


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        (r"(?<![a-z])pneumonia(?:s|es)?(?![a-z])", ("pneumonia",)),
        (r"(?<!age with )foo(?:bar)baz", ("foobarbaz",)),  # a look-behind's words are not required
        (r"x(?:yz)?abc", ("abc",)),  # nor an optional part's
        (r"(?:lung (?:damage|scarring))", ("damage", "scarring")),  # one of the branches
        (r"(?:beads?|toys?|peanuts?) (?:in|up)", ("bead", "peanut", "toy")),
        (r"(?:a|b)cde+fgh", ("fgh",)),
        (r"(?:abcd|x[yz]q)", ()),  # a branch with no plain run: always tried
        (r"(?-i:LAM)", ()),  # case switched back on inside: always tried
        (r"\bpe\b", ()),  # too short to be worth a check
    ],
)
def test_the_words_a_match_must_contain(pattern: str, needs: tuple[str, ...]) -> None:
    assert required_literals(re.compile(pattern, re.IGNORECASE)) == needs


def test_a_case_sensitive_pattern_keeps_its_case() -> None:
    assert required_literals(re.compile(r"\bCOPD\b")) == ("COPD",)
    assert Prefiltered([(1, re.compile(r"\bCOPD\b"))]).candidates("my copd") == []


def test_almost_every_condition_pattern_is_filtered() -> None:
    """The speed comes from the filter: nearly all of the table's patterns have required words."""
    unfiltered = [p.pattern for _, p in _PATTERNS if not required_literals(p)]
    assert len(unfiltered) < 0.03 * len(_PATTERNS), unfiltered


@pytest.mark.parametrize("path", VIGNETTES[::25], ids=[p.stem for p in VIGNETTES[::25]])
def test_same_hits_as_every_pattern_on_real_intake_text(path: Path) -> None:
    for text in _intake_texts(path):
        for variant in (text, text.upper(), text.replace("i", "ı"), text.replace("s", "ſ")):
            assert _filtered_hits(variant) == _all_hits(variant)


_WORDS = sorted({w for c in CONDITIONS for t in c.terms for w in t.split()} | {"my", "a", "in", "or", "clot"})


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(_WORDS), st.text(alphabet="abcİıKſ -.'", max_size=6)),
        min_size=1,
        max_size=12,
    ).map(" ".join)
)
def test_same_hits_as_every_pattern_on_made_up_text(text: str) -> None:
    assert _filtered_hits(text) == _all_hits(text)


def test_conditions_are_still_found_through_the_filter() -> None:
    keys = [c.key for c in conditions_in("Could it be a blood clot or lung cancer, not PNEUMONİA?")]
    assert keys[:3] == ["pulmonary_embolism", "lung_cancer", "pneumonia"]
