"""The condition table as data: ``conditions.yaml`` loads into records, and a bad entry is refused
by name rather than read as something else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from assistant.drafting.conditions import CONDITIONS, CONDITIONS_PATH, load_conditions


def test_the_packaged_table_loads_whole_with_unique_keys_and_compiling_patterns() -> None:
    assert load_conditions(CONDITIONS_PATH) == CONDITIONS
    keys = [c.key for c in CONDITIONS]
    assert len(keys) == len(set(keys)) >= 49
    for c in CONDITIONS:
        assert c.name and c.terms and c.supports and c.against and c.test, c.key
        for pattern in c.lay:
            re.compile(pattern)
        assert not c.refines or c.refines in keys, c.key
        assert not c.contrasts or c.contrasts in keys, c.key


def test_activity_notes_read_back_per_topic() -> None:
    pneumonia = next(c for c in CONDITIONS if c.key == "pneumonia")
    assert "work" in dict(pneumonia.activity)
    assert pneumonia.activity_note("gym").startswith("exercise is usually built up gradually")
    assert pneumonia.activity_note("driving") == ""


@pytest.mark.parametrize(
    ("extra", "refused"),
    [
        # a misspelt field is refused by name
        ("  folow_up: a review\n", r"condition 1 \(croup\): unknown fields \['folow_up'\]"),
        # a reassuring result the draft could not name in its own words
        ("  disproof: ['normal airway']\n", r"condition 1 \(croup\): one disproof_said per disproof"),
    ],
)
def test_a_faulty_entry_is_refused_by_name(tmp_path: Path, extra: str, refused: str) -> None:
    path = tmp_path / "conditions.yaml"
    path.write_text(
        "- key: croup\n  name: croup\n  terms: [croup]\n  supports: a barking cough\n"
        "  against: no stridor\n  test: examination\n" + extra,
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=refused):
        load_conditions(path)


def test_a_key_listed_twice_is_refused(tmp_path: Path) -> None:
    entry = "- key: croup\n  name: croup\n  terms: [croup]\n  supports: s\n  against: a\n  test: t\n"
    path = tmp_path / "conditions.yaml"
    path.write_text(entry + entry, encoding="utf-8")
    with pytest.raises(ValueError, match=r"listed twice: \['croup'\]"):
        load_conditions(path)


def test_no_child_note_repeats_the_lead_it_is_given() -> None:
    """The draft leads each note with "In children," (or "What differs in children:"), so a note that
    begins "in children" read "In children, in children it is usually caused by ..."."""
    assert [c.key for c in CONDITIONS if c.child_note.lower().startswith("in children")] == []


def test_compensation_and_screening_are_not_said_for_the_uk_alone() -> None:
    """Read drafts told a miner in Peru about Industrial Injuries Disablement Benefit and a family in
    Melbourne about newborn screening "in the UK, Europe and US": a note on benefits, compensation or
    screening speaks of many countries, the UK at most as an example."""
    from dataclasses import fields

    for cond in CONDITIONS:
        for f in fields(cond):
            text = getattr(cond, f.name)
            if not isinstance(text, str):
                continue
            for clause in re.split(r";", text):
                if re.search(r"\b(?:compensation|benefits?|newborn)\b", clause) and "UK" in clause:
                    assert re.search(r"many countries|between countries|among them", clause), (
                        cond.key,
                        clause,
                    )


def test_a_settling_test_reads_after_is() -> None:
    """ "What usually confirms asthma is under about 5, a trial ..." read garbled: a settling test starts
    with the test, not with whom it is for."""
    for cond in CONDITIONS:
        for text in (cond.test, cond.test_child, cond.test_pregnancy):
            assert not re.match(r"(?:under|over|from|in|for|when|if)\b", text), (cond.key, text[:60])


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping (plain YAML keeps the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        twice = {k for k in keys if keys.count(k) > 1}
        if twice:
            raise yaml.constructor.ConstructorError(
                None, None, f"key given twice: {sorted(twice)}", node.start_mark
            )
        return super().construct_mapping(node, deep=deep)


@pytest.mark.parametrize("name", ["conditions.yaml", "risk_factors.yaml", "versus.yaml"])
def test_no_table_entry_gives_a_field_twice(name: str) -> None:
    """A second ``lay:`` in one entry silently replaced the first (a new pattern was never used)."""
    yaml.load((CONDITIONS_PATH.parent / name).read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
