"""Which tool a JSON-lines file comes from, pinned on the key doccano also spells
``labels``: a record ``{"text", "labels": [...]}`` is doccano's (or, with regions, Label
Studio's JSON-MIN), never this tool's own jsonl with ``labels`` kept as metadata.

Tests import the file with :func:`annotator.importers.import_paths` and assert the saved
spans and the document's source. They were written against mutmut's survivors of
``annotator/importers/foreign.py``.

Equivalent mutants (no observable behaviour changes): none in
``annotator/importers/foreign.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

from annotator.corpus import Corpus
from annotator.importers import import_paths


def spans(corpus: Corpus, annotator: str, doc_id: str) -> list[tuple[int, int, str, str]]:
    data = json.loads(corpus.annotation_path(annotator, doc_id).read_text("utf-8"))
    return [(s["start"], s["end"], s["label"], s["text"]) for s in data["spans"]]


def test_a_doccano_record_with_labels_is_read_as_doccano(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text('{"id": 7, "text": "Kim visited Seoul.", "labels": [[0, 3, "PER"], [12, 17, "LOC"]]}\n', "utf-8")
    report = import_paths(corpus, [path])
    assert report.problems == [] and report.annotations == 1
    assert spans(corpus, "imported", "7") == [(0, 3, "PER", "Kim"), (12, 17, "LOC", "Seoul")]
    meta = corpus.read_meta("7")
    assert meta.extra == {"source_tool": "doccano"}


def test_a_json_min_record_with_labels_is_read_as_label_studio(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "min.jsonl"
    path.write_text(
        '{"id": 8, "text": "Kim visited Seoul.", "annotator": 2, '
        '"labels": [{"start": 12, "end": 17, "text": "Seoul", "labels": ["LOC"]}]}\n',
        "utf-8",
    )
    report = import_paths(corpus, [path])
    assert report.problems == [] and report.annotations == 1
    assert spans(corpus, "user-2", "8") == [(12, 17, "LOC", "Seoul")]
    assert corpus.read_meta("8").extra == {"source_tool": "label-studio"}
