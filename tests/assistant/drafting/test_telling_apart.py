"""What tells two conditions apart: ``versus.yaml`` loads per unordered pair, a bad entry is
refused by name, and the answer to "could it be X" carries the pair's text (or, without one,
what would make X more or less likely). Real tables; no model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.drafting.answers import telling_apart
from assistant.drafting.conditions import CONDITIONS, VERSUS_PATH, condition, load_versus, told_apart


def test_the_packaged_pairs_load_with_known_keys_and_read_after_the_lead_in() -> None:
    table = load_versus(VERSUS_PATH)
    keys = {c.key for c in CONDITIONS}
    assert len(table) >= 60
    for pair, text in table.items():
        assert len(pair) == 2 and pair <= keys
        assert 15 <= len(text.split()) <= 90, sorted(pair)
        # one clause after "What usually tells A from B:": no second sentence, no closing full stop
        assert not re.search(r"[.?!] [A-Z]", text) and not text.endswith("."), sorted(pair)


def test_a_pair_reads_the_same_in_either_order() -> None:
    a, b = condition("pneumonia"), condition("pulmonary_embolism")
    assert told_apart(a, b) == told_apart(b, a) != ""
    assert told_apart(a, a) == "" and told_apart(a, None) == ""


def test_the_answer_names_both_conditions_and_the_pairs_text() -> None:
    a, b = condition("pulmonary_embolism"), condition("costochondritis")
    text = telling_apart(a, b)
    assert text.startswith(f"What usually tells {a.name} from {b.name}: ")
    assert told_apart(a, b) in text and text.endswith(".")


def test_without_a_pair_the_answer_says_what_would_make_it_more_or_less_likely() -> None:
    x = condition("marfan_syndrome")
    text = telling_apart(x, condition("copd"))
    assert text.startswith("Marfan syndrome would be more likely with ")
    assert x.supports in text and f"what would argue against it is {x.against}." in text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "- a: pneumonia\n  b: gout\n  text: t u v\n",
            r"pair 1 \(pneumonia, gout\): unknown conditions \['gout'\]",
        ),
        ("- a: pneumonia\n  b: pneumonia\n  text: t\n", r"needs two conditions and a text"),
        ("- a: pneumonia\n  b: asthma\n  txt: t\n", r"pair 1: expected the fields a, b and text"),
        (
            "- a: pneumonia\n  b: asthma\n  text: one\n- a: asthma\n  b: pneumonia\n  text: two\n",
            r"pair 2 \(asthma, pneumonia\) is listed twice",
        ),
    ],
)
def test_a_bad_entry_is_refused_by_name(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "versus.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_versus(path)
