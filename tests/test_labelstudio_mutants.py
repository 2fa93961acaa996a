"""Label Studio imports pinned exactly: results without a ``type``, HTML regions, JSON-MIN
records, refusals' whole messages, and which unit a region without ``value.text`` is read in.

Each test writes a small export, imports it with :func:`annotator.importers.import_paths`
(what ``annotator import`` runs) and asserts the saved spans and document labels, the exact
problems and warnings, and what was counted as not imported. They were written against
mutmut's survivors of ``annotator/importers/labelstudio.py``.

Equivalent mutants (no observable behaviour changes): none in
``annotator/importers/labelstudio.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.corpus import Corpus
from annotator.importers import import_paths
from annotator.importers.importer import ImportReport
from tests.cli_helpers import run

# Two emoji before the entities: UTF-16 offsets are one more per emoji than code points.
EMOJI = "🚀 Samsung met 😀 Kim in Seoul."


def spans(corpus: Corpus, annotator: str, doc_id: str) -> list[tuple[int, int, str, str]]:
    data = json.loads(corpus.annotation_path(annotator, doc_id).read_text("utf-8"))
    return [(s["start"], s["end"], s["label"], s["text"]) for s in data["spans"]]


def doc_labels(corpus: Corpus, annotator: str, doc_id: str) -> dict[str, str]:
    data = json.loads(corpus.annotation_path(annotator, doc_id).read_text("utf-8"))
    labels: dict[str, str] = data["doc_labels"]
    return labels


def write_tasks(tmp_path: Path, tasks: list[dict[str, Any]], name: str = "tasks.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(tasks, ensure_ascii=False), "utf-8")
    return path


def task(text: str, *results: dict[str, Any]) -> dict[str, Any]:
    return {"id": 1, "data": {"text": text}, "annotations": [{"completed_by": 7, "result": list(results)}]}


def region(ident: str, start: int, end: int, label: str, text: str | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"start": start, "end": end, "labels": [label]}
    if text is not None:
        value["text"] = text
    return {"id": ident, "type": "labels", "value": value}


def messages(report: ImportReport, kind: str) -> list[str]:
    return [p.message for p in getattr(report, kind)]


def test_a_choice_without_a_type_is_a_document_label(corpus: Corpus, tmp_path: Path) -> None:
    # Older exports leave out "type": the value's keys say what the result is.
    path = write_tasks(tmp_path, [task(
        "Kim met Lee.",
        {"id": "r1", "value": {"start": 0, "end": 3, "labels": ["PER"]}},
        {"id": "r2", "from_name": "page_type", "value": {"choices": ["article"]}},
    )])
    report = import_paths(corpus, [path])
    assert report.problems == [] and report.not_imported == {}
    assert spans(corpus, "user-7", "1") == [(0, 3, "PER", "Kim")]
    assert doc_labels(corpus, "user-7", "1") == {"page_type": "article"}


def test_html_regions_are_counted_as_html_regions(corpus: Corpus, tmp_path: Path) -> None:
    path = write_tasks(tmp_path, [task(
        "Kim met Lee.",
        region("r1", 0, 3, "PER"),
        {"id": "r2", "type": "hypertextlabels",
         "value": {"start": "/p[1]/text()[1]", "end": "/p[1]/text()[1]", "startOffset": 8,
                   "endOffset": 11, "htmllabels": ["PER"]}},
        {"id": "r3", "type": "textarea", "value": {"text": ["a note"]}},
    )])
    report = import_paths(corpus, [path])
    assert report.not_imported == {"Label Studio HTML region (XPath offsets)": 1, "Label Studio textarea result": 1}
    assert messages(report, "warnings") == [
        "not imported: 1 Label Studio HTML region (XPath offsets); 1 Label Studio textarea result"
    ]
    assert spans(corpus, "user-7", "1") == [(0, 3, "PER", "Kim")]


def test_annotations_that_are_not_a_list_name_the_type_found(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_tasks(tmp_path, [{"id": 1, "data": {"text": "Kim met Lee."}, "annotations": {"result": []}}])
    code, _, err = run(capsys, "import", str(corpus.root), str(path))
    assert code == 1
    assert "Traceback" not in err
    assert f"{path} (task 1 of the list): 'annotations' must be a list, not dict" in err.splitlines()


def test_a_missing_text_key_names_the_key_and_the_keys_there(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_tasks(tmp_path, [{"id": 1, "data": {"text": "Kim met Lee.", "url": "https://x.test/1"}}])
    code, _, err = run(capsys, "import", str(corpus.root), str(path), "--text-key", "body")
    assert code == 1
    assert "Traceback" not in err
    assert (
        f"{path} (task 1 of the list): 'data' has no text under 'body' (--text-key); its keys: text, url"
        in err.splitlines()
    )
    assert corpus.doc_ids() == []


def test_a_json_min_record_becomes_one_annotation_with_its_spans(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "min.json"
    path.write_text(json.dumps([{
        "id": 4, "text": "Kim met Lee in Seoul.", "annotator": 3, "annotation_id": 9,
        "label": [
            {"start": 0, "end": 3, "text": "Kim", "labels": ["PER"]},
            {"start": 15, "end": 20, "text": "Seoul", "labels": ["LOC"]},
        ],
    }]), "utf-8")
    report = import_paths(corpus, [path])
    assert report.problems == []
    assert spans(corpus, "user-3", "4") == [(0, 3, "PER", "Kim"), (15, 20, "LOC", "Seoul")]


def test_a_region_without_text_alone_is_read_in_code_points(corpus: Corpus, tmp_path: Path) -> None:
    # Nothing showed the unit: code points, said in a warning.
    path = write_tasks(tmp_path, [task(EMOJI, region("r1", 2, 9, "ORG"))])
    report = import_paths(corpus, [path])
    assert report.problems == []
    assert messages(report, "warnings") == [
        "1 region(s) without 'text' in a text with characters outside the BMP: "
        "offsets read as code points (annotation #1 region r1)"
    ]
    assert spans(corpus, "user-7", "1") == [(2, 9, "ORG", "Samsung")]


def test_a_region_without_text_follows_regions_that_showed_code_points(corpus: Corpus, tmp_path: Path) -> None:
    path = write_tasks(tmp_path, [task(EMOJI, region("r1", 2, 9, "ORG", "Samsung"), region("r2", 16, 19, "PER"))])
    report = import_paths(corpus, [path])
    assert report.problems == []
    assert messages(report, "warnings") == [
        "1 region(s) without 'text' in a text with characters outside the BMP: "
        "offsets read as code points (annotation #1 region r2)"
    ]
    assert spans(corpus, "user-7", "1") == [(2, 9, "ORG", "Samsung"), (16, 19, "PER", "Kim")]


def test_a_region_without_text_follows_regions_that_showed_utf16_units(corpus: Corpus, tmp_path: Path) -> None:
    # "Samsung" at UTF-16 [3, 10); "Kim" at UTF-16 [18, 21), code points [16, 19).
    path = write_tasks(tmp_path, [task(EMOJI, region("r1", 3, 10, "ORG", "Samsung"), region("r2", 18, 21, "PER"))])
    report = import_paths(corpus, [path])
    assert report.problems == []
    assert messages(report, "warnings") == [
        "1 region(s) without 'text' in a text with characters outside the BMP: "
        "offsets read as UTF-16 units (annotation #1 region r2)"
    ]
    assert spans(corpus, "user-7", "1") == [(2, 9, "ORG", "Samsung"), (16, 19, "PER", "Kim")]


def test_a_region_without_text_past_the_end_in_either_unit_is_a_problem(corpus: Corpus, tmp_path: Path) -> None:
    # The text is 29 code points, 31 UTF-16 units: [18, 40) fits neither, never read as units.
    path = write_tasks(tmp_path, [task(EMOJI, region("r1", 3, 10, "ORG", "Samsung"), region("r2", 18, 40, "PER"))])
    report = import_paths(corpus, [path])
    assert [str(p) for p in report.problems] == [
        f"{path} (task 1 of the list): annotation #1 region r2: [18, 40) is not inside the text (0..{len(EMOJI)}); "
        "not imported"
    ]
    assert messages(report, "warnings") == []
    assert spans(corpus, "user-7", "1") == [(2, 9, "ORG", "Samsung")]
