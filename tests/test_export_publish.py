"""Publishing an export with ``--force``: when the final rename of the new export fails, the
previous export is put back exactly as it was, and no staging or aside folder is left.

Only that one rename (staging folder -> ``--out``) is made to fail; every other rename,
including the one that sets the previous export aside and the one that puts it back, runs
for real (docs/adr/0012-output-paths.md, annotator/export/output.py ``_publish``).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from annotator.cli import main
from annotator.corpus import Corpus
from annotator.export import ExportOptions, export_corpus
from tests.conftest import add_text

TEXT = "Title\nBody text by Jane Doe.\n"


@pytest.fixture
def done_corpus(corpus: Corpus) -> Corpus:
    add_text(corpus, "doc1", TEXT)
    gold = corpus.new_annotation("gold", "doc1")
    gold.doc_labels = {"page_type": "non-article"}
    gold.status = "done"
    corpus.save_annotation(gold, annotator="gold")
    return corpus


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def fail_publishing(monkeypatch: pytest.MonkeyPatch, out: Path) -> list[tuple[str, str]]:
    """Make the rename of a staging folder onto ``out`` fail (a full or read-only disk, a
    network share gone); returns every rename attempted, in order."""
    real_replace = os.replace
    calls: list[tuple[str, str]] = []

    def replace(src: Any, dst: Any, **kwargs: Any) -> None:
        calls.append((os.fspath(src), os.fspath(dst)))
        if Path(dst) == out and Path(src).name.endswith(".partial"):
            raise OSError(errno.EIO, "Input/output error", os.fspath(dst))
        real_replace(src, dst, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    return calls


def test_the_previous_export_is_put_back_when_publishing_fails(
    done_corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    export_corpus(done_corpus, ExportOptions("jsonl", out))
    previous = tree(out)
    assert set(previous) == {"README.md", "data.jsonl", "manifest.json"}
    # The next export would differ (another document), so a mix-up could not pass unseen.
    add_text(done_corpus, "doc2", "Another page.\n")
    gold = done_corpus.new_annotation("gold", "doc2")
    gold.doc_labels, gold.status = {"page_type": "broken"}, "done"
    done_corpus.save_annotation(gold, annotator="gold")

    calls = fail_publishing(monkeypatch, out)
    with pytest.raises(OSError, match="Input/output error") as info:
        export_corpus(done_corpus, ExportOptions("jsonl", out, force=True))
    assert tree(out) == previous  # byte for byte
    # The previous export really was set aside and brought back (not left untouched).
    assert any(Path(dst).name == "previous" and Path(src) == out for src, dst in calls)
    assert any(Path(src).name == "previous" and Path(dst) == out for src, dst in calls)
    # Nothing left beside it: no ``.out.XXXX.partial`` nor ``.out.XXXX.old``.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "out"]
    # The error names --out, not the hidden staging folder.
    assert ".partial" not in str(info.value) and str(out) in str(info.value)


def test_the_command_exits_1_and_keeps_the_previous_export(
    done_corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["export", str(done_corpus.root), "--format", "jsonl", "--out", str(out)]
    assert main(args) == 0
    previous = tree(out)
    fail_publishing(monkeypatch, out)
    assert main([*args, "--force"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "annotator: " in err
    assert tree(out) == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "out"]


def test_a_first_export_that_cannot_be_published_leaves_nothing(
    done_corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    fail_publishing(monkeypatch, out)
    with pytest.raises(OSError):
        export_corpus(done_corpus, ExportOptions("jsonl", out))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]
