"""Survivors of the tenth random mutmut sample (SEED=7, share "s10i"): the parallel pass of an
export past its first round of tasks, a single-object JSON export with a bad record, a
flattened page with a doctype, a broken gzip stream, a jsonl ``url`` that is not a string,
document labels given twice, and a Label Studio task annotated twice by one user.

Killed here:

- ``prepare.prepare_documents`` 56 (``None`` queued instead of the next task) and 59
  (``pool.submit(following)`` without ``_work``): with more chunks than the first round of
  ``jobs * AHEAD`` tasks, the next task is submitted and its result read.
- ``foreign.read_json_items`` 39 (``"XXXX"`` as the place of a single-object file's record):
  the problem would name ``FILE (XXXX)`` instead of the file.
- ``html._Flattener.handle_decl`` 1 (``handle_data(None)``): a page deep enough to flatten
  with a ``<!DOCTYPE>`` would crash with TypeError.
- ``Importer._import_jsonl`` 56 (the broken-stream problem without its line).
- ``jsonl.parse_line`` 25 (``"URL"`` checked instead of ``"url"``): a numeric url must be a
  problem of its line.
- ``LabelMapper.records`` 59 (``==``: a repeated equal value counted as a second value, a
  different one silently overwriting) and 9 (``break``: an annotator after a user's second
  annotation would be dropped).

Equivalent (no observable change, so no test can kill them):

- ``Importer._import_line`` 12 (``parse_line(raw, None)``) and ``jsonl.parse_line`` 79
  (``lineno=None`` in the record): ``JsonlRecord.lineno`` is never read (the importer uses its
  own ``lineno``; no ``.lineno`` of a record appears anywhere in ``annotator/``).
- ``webanno.parse`` 4 (``decode("UTF-8")``): Python's codec names are case-insensitive.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from annotator.corpus import Corpus
from annotator.export import prepare
from annotator.export.prepare import Job, prepare_documents
from annotator.importers import ImportReport, import_paths
from annotator.importers.html import flatten_html, html_to_text
from tests.conftest import add_text


def problems(report: ImportReport) -> list[tuple[str, int | None, str]]:
    return [(p.path, p.line, p.message) for p in report.problems]


def saved(corpus: Corpus, annotator: str, doc_id: str) -> tuple[dict[str, str], list[tuple[int, int, str]]]:
    data = json.loads(corpus.annotation_path(annotator, doc_id).read_text("utf-8"))
    return data["doc_labels"], [(s["start"], s["end"], s["label"]) for s in data["spans"]]


def test_parallel_preparation_submits_tasks_after_the_first_round(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One document per task: 2 workers * AHEAD (3) = 6 tasks go out first; the other 3 are
    # submitted as results come back, which is the path the mutants break.
    monkeypatch.setattr(prepare, "CHUNK", 1)
    ids = [f"d{n}" for n in range(9)]
    for doc_id in ids:
        add_text(corpus, doc_id, f"Text {doc_id}.")
    job = Job(str(corpus.root), "alice", ("done",), False, False, frozenset())
    here = list(prepare_documents(job, corpus, ids, jobs=1))
    parallel = list(prepare_documents(job, corpus, ids, jobs=2))
    assert [item.doc_id for item in parallel] == ids  # type: ignore[union-attr]
    assert parallel == here


def test_a_single_object_json_file_names_the_file_alone(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"text": "Kim met Lee.", "label": 5}), "utf-8")
    report = import_paths(corpus, [path], source_format="doccano")
    assert problems(report) == [(str(path), None, "'label' must be a list, not int")]


def test_a_flattened_page_keeps_its_doctype() -> None:
    # The tokenizer reports "<!DOCTYPE html>" as a declaration; it is copied as it was.
    page = "<!DOCTYPE html><html><body><p>Hi.</p></body></html>"
    assert flatten_html(page) == page
    # 3000 nested divs: deeper than libxml2's 2048, so html_to_text parses a flattened copy.
    deep = html_to_text("<!DOCTYPE html><html><body>" + "<div>" * 3000 + "Deep text." + "</div>" * 3000)
    assert deep.text == "Deep text."


def test_a_broken_gzip_stream_names_the_line_it_stopped_at(corpus: Corpus, tmp_path: Path) -> None:
    lines = "".join(json.dumps({"id": f"d{n}", "text": "x" * 2000 + str(n)}) + "\n" for n in range(50))
    data = gzip.compress(lines.encode("utf-8"), mtime=0)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    report = import_paths(corpus, [path])
    found = problems(report)
    assert len(found) == 1
    name, line, message = found[0]
    assert name == str(path)
    assert line is not None and 1 <= line <= 51  # the line being read when the stream broke
    assert message.startswith("cannot read further: ")


def test_a_jsonl_url_must_be_a_string(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "urls.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Kim.", "url": 5}) + "\n", "utf-8")
    report = import_paths(corpus, [path])
    assert problems(report) == [(str(path), 1, "'url' must be a string, not int")]
    assert corpus.doc_ids() == []


def test_document_labels_given_twice(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "cats.jsonl"
    records = [
        {"id": "same", "text": "Kim met Lee.", "label": ["article", "article"]},  # the same value: fine
        {"id": "other", "text": "Lee met Kim.", "label": ["article", "non-article"]},  # the second is left out
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    report = import_paths(corpus, [path], source_format="doccano", annotator="alice")
    assert problems(report) == []
    assert dict(report.not_imported) == {"second value of document label page_type (non-article)": 1}
    assert saved(corpus, "alice", "same") == ({"page_type": "article"}, [])
    assert saved(corpus, "alice", "other") == ({"page_type": "article"}, [])


def test_a_second_annotation_of_one_user_does_not_hide_the_next_user(corpus: Corpus, tmp_path: Path) -> None:
    def annotation(user: dict[str, Any], start: int, end: int, label: str) -> dict[str, Any]:
        value = {"start": start, "end": end, "labels": [label]}
        return {"completed_by": user, "result": [{"id": "r", "type": "labels", "value": value}]}

    alice = {"id": 5, "email": "alice@example.com"}
    bob = {"id": 6, "email": "bob@example.com"}
    task = {"id": 1, "data": {"text": "Kim met Lee."}, "annotations": [
        annotation(alice, 0, 3, "PER"), annotation(alice, 8, 11, "PER"), annotation(bob, 8, 11, "LOC"),
    ]}
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task]), "utf-8")
    report = import_paths(corpus, [path])
    assert problems(report) == []
    assert dict(report.not_imported) == {"second annotation of alice on one document": 1}
    assert saved(corpus, "alice", "1") == ({}, [(0, 3, "PER")])
    assert saved(corpus, "bob", "1") == ({}, [(8, 11, "LOC")])
