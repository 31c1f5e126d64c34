"""The packages' import graph: no cycles (counting imports inside functions), layers point one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = ("assistant", "imaging", "knowledge", "prompts")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Project modules imported anywhere in the file (top level or inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            skipped.update(id(n) for n in ast.walk(node))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> project modules it imports, for every module of the packages."""
    files = {_module_name(p): p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py")}
    files = {m: p for m, p in files.items() if ".migrations." not in f".{m}."}
    modules = set(files)
    graph = {m: _imports(p, modules) - {m} for m, p in files.items()}
    # A package's __init__ is imported with any of its modules; that is not a cycle by itself.
    return {m: {d for d in deps if not m.startswith(f"{d}.")} for m, deps in graph.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


class TestImportGraph:
    def test_no_cycles(self) -> None:
        """No two modules import each other, directly or through others, even inside functions."""
        assert cycles(import_graph()) == []

    @pytest.mark.parametrize("library", ["imaging", "knowledge", "prompts"])
    def test_libraries_never_import_the_application(self, library: str) -> None:
        """imaging, knowledge and prompts know nothing of assistant."""
        graph = import_graph()
        offenders = {m: sorted(d for d in deps if d.split(".")[0] == "assistant")
                     for m, deps in graph.items() if m.split(".")[0] == library}  # fmt: skip
        assert {m: d for m, d in offenders.items() if d} == {}

    def test_detects_a_cycle(self) -> None:
        """The cycle finder reports a planted cycle (so an empty answer means something)."""
        assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
