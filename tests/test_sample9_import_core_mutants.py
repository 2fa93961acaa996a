"""Survivors of the ninth random mutmut sample (SEED=6, share "s9i"): the status of a skipped
document, a WebAnno file too large to read, a doccano export whose first line has no labels,
and the url and encoding a jsonl line's meta records.

Killed here:

- ``Corpus.statuses`` 17 (``"SKIPPED"`` in the known statuses): a skipped document would drop
  out of the statuses.
- ``detect._webanno`` 13 (``str(None)`` as the problem's path): a .tsv too large to read
  would be reported as the file ``None``.
- ``foreign._is_label_studio_min`` 1 (``and`` -> ``or``): an empty ``label`` list then indexes
  ``labels[0]`` and the import crashes with IndexError.
- ``Importer._import_line`` 77 (``encoding=None`` for a line with ``text``) and 131 (no
  ``url=page.url`` for a line with only ``html``): both are recorded in the meta file.

Equivalent (no observable change, so no test can kill them):

- ``agreement.unitizing._merge`` 7 (sort kind ``"STABLE"``): numpy reads the kind
  case-insensitively (as for ``sorted_unique`` 7 of the seventh sample).
- ``importers.brat._text_bound`` 45 (the span's ``ref`` is ``None``): ``ForeignSpan.ref`` is
  never read; brat's messages are written in ``_text_bound`` itself from ``ident``.
- ``rules._all_covered`` 18 (``last > 0``): spans inside only the first container look
  uncovered, so ``_structure_fine`` says "look closer" and the exact per-span walk runs,
  which finds the same (no) problems; only time changes (as ``_any_overlap`` 3 of the seventh
  sample).
"""

from __future__ import annotations

import json
from pathlib import Path

from annotator.corpus import Corpus
from annotator.importers import ImportReport, import_paths
from tests.conftest import add_text


def problems(report: ImportReport) -> list[tuple[str, int | None, str]]:
    return [(p.path, p.line, p.message) for p in report.problems]


def saved_spans(corpus: Corpus, annotator: str, doc_id: str) -> list[tuple[int, int, str, str]]:
    data = json.loads(corpus.annotation_path(annotator, doc_id).read_text("utf-8"))
    return [(s["start"], s["end"], s["label"], s["text"]) for s in data["spans"]]


def test_statuses_lists_every_known_status_including_skipped(corpus: Corpus) -> None:
    for doc_id, status in [("a", "todo"), ("b", "in_progress"), ("c", "done"), ("d", "skipped")]:
        add_text(corpus, doc_id, f"Text of {doc_id}.")
        annotation = corpus.new_annotation("alice", doc_id).model_copy(update={"status": status})
        corpus.save_annotation(annotation)
    assert corpus.statuses("alice") == {"a": "todo", "b": "in_progress", "c": "done", "d": "skipped"}


def test_a_webanno_file_too_large_to_read_is_a_problem_naming_it(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "big.tsv"
    # 2000 bytes; the limit is 1 KiB (0.0009765625 MB * 1048576 = 1024 bytes).
    path.write_text("#FORMAT=WebAnno TSV 3.3\n" + "x" * 1976, "utf-8")
    report = import_paths(corpus, [path], max_document_mb=1 / 1024)
    assert problems(report) == [(str(path), None, "larger than the limit of 0.000976562 MB (--max-document-mb)")]
    assert corpus.doc_ids() == []


def test_a_doccano_export_whose_first_line_has_no_labels_imports(corpus: Corpus, tmp_path: Path) -> None:
    # An empty "label" list says nothing of Label Studio's JSON-MIN ({start, end, labels}):
    # the file is doccano's, and both lines import.
    path = tmp_path / "export.jsonl"
    lines = [
        {"id": 1, "text": "Nobody labelled this.", "label": []},
        {"id": 2, "text": "Kim met Lee.", "label": [[0, 3, "PER"]]},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    report = import_paths(corpus, [path])
    assert problems(report) == []
    assert corpus.doc_ids() == ["1", "2"]
    assert saved_spans(corpus, "imported", "2") == [(0, 3, "PER", "Kim")]


def test_a_jsonl_line_with_text_records_utf8(corpus: Corpus, tmp_path: Path) -> None:
    # A jsonl file is UTF-8 by definition, so each line's text is recorded as such.
    path = tmp_path / "pages.jsonl"
    path.write_text(json.dumps({"id": "p", "text": "Kim met Lee."}) + "\n", "utf-8")
    report = import_paths(corpus, [path])
    assert problems(report) == []
    meta = corpus.read_meta("p")
    assert (meta.encoding, meta.encoding_confidence, meta.source_format) == ("utf-8", 1.0, "jsonl")


def test_a_jsonl_line_with_only_html_records_the_page_canonical_url(corpus: Corpus, tmp_path: Path) -> None:
    # No "url" in the line: the url is the page's own <link rel="canonical">.
    html = (
        '<html><head><title>News</title><link rel="canonical" href="https://example.org/news/1">'
        "</head><body><p>Kim met Lee.</p></body></html>"
    )
    path = tmp_path / "pages.jsonl"
    path.write_text(json.dumps({"id": "p", "html": html}) + "\n", "utf-8")
    report = import_paths(corpus, [path])
    assert problems(report) == []
    meta = corpus.read_meta("p")
    assert (meta.url, meta.title) == ("https://example.org/news/1", "News")
    assert corpus.read_text("p") == "Kim met Lee."
