"""Importers pinned where mutmut's eighth sample (SEED=5) found them unpinned: the shape
error of a ``--bodies`` file holding ``null``, a brat pair whose text starts with a
byte-order mark, a doccano label that is neither span nor category, a line of this tool's
jsonl that also carries a doccano-like ``label``, an html line with spans, an empty span,
a ``doc_labels`` that is no object, a label mapped to null before other spans, and an empty
unattributed Label Studio annotation before a real one.

Every test goes through the public path (:func:`annotator.importers.import_paths` or
:func:`annotator.importers.bodies.load_bodies`) and asserts saved annotations or whole
messages.

Equivalent mutants (no observable behaviour changes):

- ``annotator.importers.webanno.xǁ_Readerǁ_declare__mutmut_83`` (``decl == "referencetype"``):
  a chain layer's ``referenceType`` column then gets the role ``feature`` instead of
  ``chain-type``; chain columns only ever compare their role with itself (no
  ``referenceRelation`` column) or with ``chain-link`` (neither role is), and the ``feature``
  role is read only for span layers, so nothing imported or counted changes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.corpus import Corpus
from annotator.importers import ImportReport, import_paths
from annotator.importers.bodies import BodiesError, load_bodies


def saved_spans(corpus: Corpus, annotator: str, doc_id: str) -> list[tuple[int, int, str, str]]:
    data = json.loads(corpus.annotation_path(annotator, doc_id).read_text("utf-8"))
    return [(s["start"], s["end"], s["label"], s["text"]) for s in data["spans"]]


def problems(report: ImportReport) -> list[tuple[str, int | None, str]]:
    return [(p.path, p.line, p.message) for p in report.problems]


def test_a_bodies_file_holding_null_says_it_got_null(tmp_path: Path) -> None:
    path = tmp_path / "ground-truth.json"
    path.write_text("null", "utf-8")
    with pytest.raises(BodiesError) as caught:
        load_bodies(path)
    assert str(caught.value) == f'{path}: expected an object {{id: {{"articleBody": "..."}}}}, got null'


def test_a_bodies_entry_that_is_null_says_so(tmp_path: Path) -> None:
    path = tmp_path / "ground-truth.json"
    path.write_text('{"p1": null}', "utf-8")
    with pytest.raises(BodiesError) as caught:
        load_bodies(path)
    assert str(caught.value) == (
        f"{path}: 'p1' is null, not an object with 'articleBody' ({{id: {{\"articleBody\": \"...\"}}}})"
    )


def test_brat_offsets_counting_the_byte_order_mark_move_back_by_one(corpus: Corpus, tmp_path: Path) -> None:
    # brat counts the BOM as character 0, so "Kim" is at [1, 4) and "Lee" at [9, 12); the
    # corpus text has no BOM, so they are saved at [0, 3) and [8, 11).
    (tmp_path / "news.txt").write_text("\ufeffKim met Lee.", "utf-8")
    (tmp_path / "news.ann").write_text("T1\tPER 1 4\tKim\nT2\tPER 9 12\tLee\n", "utf-8")
    report = import_paths(corpus, [tmp_path / "news.txt"])
    assert problems(report) == []
    assert corpus.read_text("news") == "Kim met Lee."
    assert saved_spans(corpus, "imported", "news") == [(0, 3, "PER", "Kim"), (8, 11, "PER", "Lee")]


def test_a_doccano_label_that_is_neither_span_nor_category_is_a_problem(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    record = {"id": 4, "text": "Kim met Lee.", "label": [[0, 3, "PER"], [8, 11]]}
    path.write_text(json.dumps(record) + "\n", "utf-8")
    report = import_paths(corpus, [path])
    assert problems(report) == [
        (str(path), 1, 'label #2 [8, 11] is neither [start, end, "LABEL"] nor a category')
    ]
    assert saved_spans(corpus, "imported", "4") == [(0, 3, "PER", "Kim")]


def test_a_jsonl_line_with_spans_is_ours_even_with_a_doccano_like_label(corpus: Corpus, tmp_path: Path) -> None:
    # "spans" makes it this tool's jsonl: its span [0, 3) is imported and "label" is kept
    # as metadata; read as doccano it would import [8, 11) instead.
    path = tmp_path / "mine.jsonl"
    record = {
        "id": "a", "text": "Kim met Lee.", "spans": [{"start": 0, "end": 3, "label": "PER"}],
        "label": [[8, 11, "PER"]],
    }
    path.write_text(json.dumps(record) + "\n", "utf-8")
    report = import_paths(corpus, [path], annotator="carol")
    assert problems(report) == []
    assert saved_spans(corpus, "carol", "a") == [(0, 3, "PER", "Kim")]
    assert corpus.read_meta("a").extra == {"label": [[8, 11, "PER"]]}


def test_an_html_line_with_spans_is_refused(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    record = {"id": "h", "html": "<p>Kim met Lee.</p>", "spans": [{"start": 0, "end": 3, "label": "PER"}]}
    path.write_text(json.dumps(record) + "\n", "utf-8")
    report = import_paths(corpus, [path])
    assert problems(report) == [
        (str(path), 1, "has 'spans' but no 'text': spans need the text they were made on")
    ]
    assert corpus.doc_ids() == []


def test_an_empty_span_is_not_inside_the_text(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "lines.jsonl"
    record = {"id": "e", "text": "Kim met Lee.", "spans": [{"id": "s1", "start": 3, "end": 3, "label": "PER"}]}
    path.write_text(json.dumps(record) + "\n", "utf-8")
    report = import_paths(corpus, [path])
    assert problems(report) == [(str(path), 1, "span s1: [3, 3) is not inside the text (0..12)")]
    assert corpus.doc_ids() == []


def test_doc_labels_that_are_not_an_object_are_refused(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_text(json.dumps({"id": "d", "text": "Kim met Lee.", "doc_labels": ["news"]}) + "\n", "utf-8")
    report = import_paths(corpus, [path])
    assert problems(report) == [(str(path), 1, "'doc_labels' must be an object")]
    assert corpus.doc_ids() == []


def test_a_label_mapped_to_null_leaves_out_only_its_own_spans(corpus: Corpus, tmp_path: Path) -> None:
    # "DATE" is mapped to null: its span is counted as not imported, the LOC after it is kept.
    label_map = tmp_path / "map.json"
    label_map.write_text('{"DATE": null}', "utf-8")
    path = tmp_path / "export.jsonl"
    record = {"id": 9, "text": "Kim came Monday to Seoul.", "label": [[0, 3, "PER"], [9, 15, "DATE"], [19, 24, "LOC"]]}
    path.write_text(json.dumps(record) + "\n", "utf-8")
    report = import_paths(corpus, [path], label_map=label_map)
    assert problems(report) == []
    assert saved_spans(corpus, "imported", "9") == [(0, 3, "PER", "Kim"), (19, 24, "LOC", "Seoul")]
    assert dict(report.not_imported) == {"label DATE (mapped to null)": 1}


def test_an_empty_unattributed_label_studio_annotation_does_not_hide_the_next(
    corpus: Corpus, tmp_path: Path
) -> None:
    # Annotation #1 names nobody and holds nothing: no annotation for it. Annotation #2 is
    # alice's (the e-mail's local part) and is saved.
    path = tmp_path / "project.json"
    task = {
        "id": 2,
        "data": {"text": "Kim met Lee."},
        "annotations": [
            {"result": []},
            {
                "completed_by": {"id": 5, "email": "alice@example.org"},
                "result": [
                    {"id": "r1", "type": "labels", "value": {"start": 8, "end": 11, "text": "Lee", "labels": ["PER"]}}
                ],
            },
        ],
    }
    path.write_text(json.dumps([task]), "utf-8")
    report = import_paths(corpus, [path])
    assert problems(report) == []
    assert saved_spans(corpus, "alice", "2") == [(8, 11, "PER", "Lee")]
    assert not corpus.annotation_path("imported", "2").exists()
