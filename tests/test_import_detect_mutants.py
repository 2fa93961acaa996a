"""Telling other tools' files apart (``annotator.importers.detect``), pinned where mutmut
found it unpinned: a doccano export whose first line starts with a UTF-8 BOM is still read
as doccano (its spans saved), and a brat pair whose ``.ann`` is not UTF-8 is a problem that
says so. Both go through :func:`import_paths` and assert the saved annotation or the exact
problem.
"""

from __future__ import annotations

import json
from pathlib import Path

from annotator.corpus import Corpus
from annotator.importers import import_paths


def test_doccano_jsonl_with_a_bom_is_read_as_doccano(corpus: Corpus, tmp_path: Path) -> None:
    record = {"id": 7, "text": "Lee met Kim in Suwon.", "label": [[0, 3, "PER"], [15, 20, "LOC"]]}
    path = tmp_path / "export.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(record).encode("utf-8") + b"\n")
    report = import_paths(corpus, [path], annotator="carol")
    assert report.problems == []
    assert (report.imported, report.annotations) == (1, 1)
    saved = json.loads(corpus.annotation_path("carol", "7").read_text("utf-8"))
    assert [(s["start"], s["end"], s["label"], s["text"]) for s in saved["spans"]] == [
        (0, 3, "PER", "Lee"),
        (15, 20, "LOC", "Suwon"),
    ]


def test_brat_annotation_file_that_is_not_utf8_is_a_problem(corpus: Corpus, tmp_path: Path) -> None:
    (tmp_path / "news.txt").write_text("Lee met Kim.", "utf-8")
    ann = tmp_path / "news.ann"
    ann.write_bytes(b"T1\tPER 0 3\tLee\nT2\tPER 8 11\tK\xefm\n")
    report = import_paths(corpus, [tmp_path / "news.txt"])
    assert [(p.path, p.line, p.message) for p in report.problems] == [
        (
            str(ann),
            None,
            "the annotation file is not UTF-8 (brat reads only UTF-8): 'utf-8' codec can't decode "
            "byte 0xef in position 28: invalid continuation byte",
        )
    ]
    assert corpus.doc_ids() == []
