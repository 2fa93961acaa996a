"""The import run (``annotator.importers.importer``), pinned where mutmut found it unpinned:
the exact warning for a mostly UTF-8 file with lines in another encoding (ten lines listed,
more counted), the keys of ``annotator import --json``'s problems and warnings, and the
problem for a ``.jsonl`` input that is not a regular file. Run through the real
``annotator import`` command and :func:`import_paths`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from annotator.corpus import Corpus
from annotator.importers import import_paths
from tests.cli_helpers import run


def _mostly_utf8(path: Path, lines: int, bad_every: int) -> list[int]:
    """``lines`` non-blank lines, every ``bad_every``-th one (from line 1) in CP1252 and the
    rest ASCII; returns the CP1252 lines' numbers."""
    rows = [f"caf\xe9 {n}" if n % bad_every == 1 else f"plain line {n}" for n in range(1, lines + 1)]
    path.write_bytes("\n".join(rows).encode("cp1252") + b"\n")
    return [n for n in range(1, lines + 1) if n % bad_every == 1]


def test_ten_bad_lines_are_all_listed(corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.txt"
    bad = _mostly_utf8(path, 100, 10)  # 10 in 100: still "mostly UTF-8"
    assert bad == [1, 11, 21, 31, 41, 51, 61, 71, 81, 91]
    code, out, err = run(capsys, "import", str(corpus.root), str(path), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["warnings"] == [
        {
            "path": str(path),
            "line": 1,
            "message": "not UTF-8 like the rest of the file: lines 1, 11, 21, 31, 41, 51, 61, 71, 81, 91 "
            "read as cp1252",
        }
    ]
    assert report["problems"] == []


def test_more_than_ten_bad_lines_are_counted(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    bad = _mostly_utf8(path, 120, 10)
    assert len(bad) == 12
    report = import_paths(corpus, [path])
    assert [(w.line, w.message) for w in report.warnings] == [
        (1, "not UTF-8 like the rest of the file: lines 1, 11, 21, 31, 41, 51, 61, 71, 81, 91 and 2 more "
         "read as cp1252")
    ]


def test_a_jsonl_fifo_is_a_problem_in_the_json_report(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "records.jsonl"
    os.mkfifo(fifo)  # never opened: a reader would block on it
    code, out, _ = run(capsys, "import", str(corpus.root), str(fifo), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["problems"] == [{"path": str(fifo), "line": None, "message": "not a regular file (a FIFO)"}]
    assert report["imported"] == 0
    assert corpus.doc_ids() == []
