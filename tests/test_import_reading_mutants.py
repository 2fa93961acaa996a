"""Guarded reading of import inputs (``annotator.importers.reading``), pinned where mutmut
found it unpinned: a ``.jsonl`` input that cannot be read counts as one progress unit, in
:func:`count_lines` and in the progress :func:`import_paths` reports.
"""

from __future__ import annotations

import os
from pathlib import Path

from annotator.corpus import Corpus
from annotator.importers import import_paths
from annotator.importers.reading import count_lines


def test_unreadable_files_count_as_one_line(tmp_path: Path) -> None:
    fifo = tmp_path / "records.jsonl"
    os.mkfifo(fifo)
    assert count_lines(fifo) == 1  # refused without being opened: no blocking
    broken = tmp_path / "records.jsonl.gz"
    broken.write_bytes(b"not gzip at all\n")
    assert count_lines(broken) == 1
    plain = tmp_path / "three.jsonl"
    plain.write_bytes(b'{"text": "a"}\n{"text": "b"}\n{"text": "c"}')
    assert count_lines(plain) == 3


def test_progress_of_an_unreadable_jsonl_is_one_of_one(corpus: Corpus, tmp_path: Path) -> None:
    fifo = tmp_path / "records.jsonl"
    os.mkfifo(fifo)
    progress: list[tuple[int, int]] = []
    report = import_paths(corpus, [fifo], on_progress=lambda done, total: progress.append((done, total)))
    assert progress == [(1, 1)]
    assert [p.message for p in report.problems] == ["not a regular file (a FIFO)"]
