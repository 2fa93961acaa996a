"""The core never imports Qt: only annotator/gui/ may."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "annotator"
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6")


def _qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found += [f"{path.relative_to(PACKAGE.parent)}:{node.lineno} imports {n}" for n in names if n.split(".")[0] in QT_MODULES]
    return found


def test_no_qt_import_outside_gui() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "gui" in path.relative_to(PACKAGE).parts:
            continue
        offenders += _qt_imports(path)
    assert offenders == []


def test_the_check_catches_a_qt_import(tmp_path: Path) -> None:
    # Guards the guard: the walker must see both import forms, even inside functions.
    bad = PACKAGE / "_qt_probe_for_test.py"
    bad.write_text("def f():\n    from PySide6.QtCore import QObject\nimport PySide6\n", "utf-8")
    try:
        assert len(_qt_imports(bad)) == 2
    finally:
        bad.unlink()


def test_core_modules_load_without_qt() -> None:
    code = (
        "import sys, annotator.cli, annotator.corpus, annotator.edits, annotator.rules, annotator.validate\n"
        "import annotator.cli as c; c.build_parser()\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), sorted(m for m in sys.modules if 'PySide' in m)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- import cycles


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The project modules ``path`` imports, also inside functions (a deferred import still
    ties the two modules together), but not under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found & modules


def import_cycles(package: Path = PACKAGE) -> list[list[str]]:
    """Groups of project modules that import each other, directly or round a loop
    (strongly connected components of the import graph, Tarjan's algorithm)."""
    paths = {_module_name(p, package): p for p in package.rglob("*.py")}
    graph = {name: _imports(path, set(paths)) - {name} for name, path in paths.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return sorted(cycles)


#: Cycles in the core known today, each held by a deferred import; none may join them, and
#: one that is untangled must leave this list (the test compares it exactly).
KNOWN_CORE_CYCLES = [
    ["annotator.corpus", "annotator.loading"],
]


def test_no_import_cycle_among_the_window_modules_and_no_new_one_in_the_core() -> None:
    cycles = import_cycles()
    assert [c for c in cycles if any(".gui." in m for m in c)] == []
    assert cycles == KNOWN_CORE_CYCLES


def test_the_cycle_check_sees_a_deferred_import(tmp_path: Path) -> None:
    package = tmp_path / "annotator"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from annotator import b\n")
    (package / "b.py").write_text("def f():\n    from annotator.a import x\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from annotator import a\n")
    assert import_cycles(package) == [["annotator.a", "annotator.b"]]
