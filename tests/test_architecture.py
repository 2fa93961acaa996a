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
