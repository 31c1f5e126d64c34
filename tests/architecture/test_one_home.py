"""One home per concept: a class name that means one thing is defined in one module only.

Two classes called ``Passage`` (a retrieved chunk, and the composer's cited source) and two
``IntakeRecord`` classes once drifted apart unnoticed; the retrieved chunk stays
``knowledge.documents.Passage``, the composer's cited document is
``assistant.drafting.schemas.CitedSource``, and the patient's intake is
``assistant.intake.IntakeRecord``. Importing under another name (``as RetrievedChunk``)
is fine; defining a second class of the same name anywhere, tests included, is not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

#: Top-level folders that hold the project's Python (packages, tests, benchmarks, deploy checks).
ROOTS = ("assistant", "benchmarks", "deploy", "imaging", "knowledge", "prompts", "tests")

#: Class name -> the one file, relative to the repository, allowed to define it.
HOMES = {
    "Passage": "knowledge/documents.py",
    "IntakeRecord": "assistant/intake.py",
}


def class_definitions(names: set[str], base: Path = REPO) -> dict[str, list[str]]:
    """Files (relative to ``base``, posix) defining a class with each of ``names``, at any depth."""
    found: dict[str, list[str]] = {name: [] for name in names}
    for root in ROOTS:
        for path in sorted((base / root).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name in names:
                    found[node.name].append(path.relative_to(base).as_posix())
    return found


@pytest.mark.parametrize(("name", "home"), sorted(HOMES.items()))
def test_one_home(name: str, home: str) -> None:
    """``name`` is defined in ``home`` and nowhere else."""
    where = class_definitions({name})[name]
    assert home in where, f"class {name} is no longer defined in {home}; update HOMES if it moved"
    others = [p for p in where if p != home]
    assert not others, f"class {name} has one home, {home}; also defined in: {', '.join(others)}"


def test_scan_sees_a_second_definition(tmp_path: Path) -> None:
    """A nested second definition in any scanned folder is reported (so the check can fail)."""
    (tmp_path / "knowledge").mkdir()
    (tmp_path / "knowledge" / "documents.py").write_text("class Passage:\n    pass\n", encoding="utf-8")
    (tmp_path / "assistant" / "drafting").mkdir(parents=True)
    nested = "def f() -> None:\n    class Passage:\n        pass\n"
    (tmp_path / "assistant" / "drafting" / "schemas.py").write_text(nested, encoding="utf-8")
    where = class_definitions({"Passage", "IntakeRecord"}, base=tmp_path)
    assert where == {
        "Passage": ["assistant/drafting/schemas.py", "knowledge/documents.py"],
        "IntakeRecord": [],
    }
