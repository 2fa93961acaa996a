"""Export and import details pinned where an independent random sample of mutmut's mutants
(``/tmp/mut7``, issue #10) found them unpinned: brat's ``[attributes]`` values, the dataset
card of a one-split export, a spaCy export with splits, the spaCy check made before the output
folder is looked at, a failed move of the previous export aside, a ``--force`` over a previous
extraction-benchmark export (its ``html/`` folder), who prepares a small export, the split-name
error, flattening after an unmatched end tag, the source of a doccano document, a jsonl file
starting with a byte order mark and the id named in a span offset problem.

Each test goes through the public path (``export_corpus``, ``import_paths``,
``flatten_html``, ``parse_split_spec``, ``annotation_conf``) on a small corpus built in
``tmp_path`` and asserts on exact outputs.

Equivalent mutants (no observable behaviour changes), by mutmut name:

- ``annotator.importers.text.x__line_by_line__mutmut_116`` (``zip`` without ``strict``):
  ``ends`` gets one ``b""`` appended after ``re.split``/``findall`` of a group-less pattern,
  so ``pieces`` and ``ends`` always have the same length; ``strict`` never fires.
- ``annotator.importers.text.x__line_by_line__mutmut_83`` (``options.extend(None)``): that
  branch needs ``fitted`` None, but the joint ranking is never empty (koi8_r and cp1256 of
  ``_COMMON`` decode every byte) and a codec decoding the bad lines joined by LF decodes each
  of them (LF is no trail byte of any candidate); as in ``tests/test_import_text_mutants3.py``.
"""

from __future__ import annotations

import errno
import gzip
import multiprocessing
import os
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotator.corpus import Corpus
from annotator.export import ExportError, ExportOptions, export_corpus
from annotator.export.brat import annotation_conf
from annotator.export.prepare import Job, Prepared, prepare_documents
from annotator.export.spacy_docbin import SPACY_HINT
from annotator.export.splits import SplitSpecError, parse_split_spec
from annotator.importers import import_paths
from annotator.importers.html import MAX_DEPTH, flatten_html
from annotator.model import AttributeDef, DocumentMeta, LabelDef, LabelScheme, Layer
from annotator.rules import sha256_text
from tests.test_export import annotate, small_article
from tests.test_export_publish import done_corpus, tree  # noqa: F401 (a fixture)

# ---------------------------------------------------------------------------- export


def test_brat_keeps_a_choice_value_holding_a_capital_x() -> None:
    scheme = LabelScheme(
        name="t",
        layers=[Layer(name="entity", labels=[LabelDef(
            name="SCAN", color="#123456",
            attrs=[AttributeDef(name="kind", type="choice", values=["X-ray", "CT", "two words"])],
        )])],
    )
    # Only "two words" (a space) cannot be an A line value; "X-ray" can.
    attributes = annotation_conf(scheme).split("[attributes]\n", 1)[1]
    assert attributes == "kind\tArg:SCAN, Value:X-ray|CT\n"


def test_a_single_named_split_keeps_its_name_in_the_card(
    done_corpus: Corpus, tmp_path: Path  # noqa: F811
) -> None:
    out = tmp_path / "out"
    export_corpus(done_corpus, ExportOptions("jsonl", out, splits=[("test", 1.0)]))
    card = (out / "README.md").read_text("utf-8")
    header = card.split("---\n")[1]
    # Only the unnamed "data" file becomes datasets' "train"; a split named "test" stays so.
    assert header.splitlines()[-4:] == [
        "- config_name: default",
        "  data_files:",
        "  - split: test",
        '    path: "test.jsonl"',
    ]


def test_a_spacy_export_with_splits_writes_each_split_file(
    done_corpus: Corpus, tmp_path: Path  # noqa: F811
) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    out = tmp_path / "out"
    export_corpus(done_corpus, ExportOptions("spacy", out, splits=[("test", 1.0)]))
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert sorted(manifest["files"]) == ["README.md", "test.spacy"]
    docs = list(DocBin().from_disk(out / "test.spacy").get_docs(spacy.blank("xx").vocab))
    assert [(d.user_data["id"], d.user_data["split"]) for d in docs] == [("doc1", "test")]


def test_a_missing_spacy_is_said_before_the_output_folder_is_judged(
    done_corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n", "utf-8")  # not an export: never replaced
    monkeypatch.setitem(sys.modules, "spacy", None)  # `import spacy` now fails
    with pytest.raises(ExportError) as info:
        export_corpus(done_corpus, ExportOptions("spacy", out))
    # The missing dependency is the first thing said, not the folder in the way.
    assert str(info.value) == SPACY_HINT
    assert tree(out) == {"notes.txt": b"mine\n"}


def test_a_failed_move_aside_reports_its_own_error_when_the_aside_folder_cannot_go(
    done_corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    out = tmp_path / "out"
    export_corpus(done_corpus, ExportOptions("jsonl", out))
    previous = tree(out)
    real_replace, real_rmdir = os.replace, os.rmdir

    def replace(src: Any, dst: Any, **kwargs: Any) -> None:
        # Moving the previous export into its aside folder fails (a network share gone).
        if Path(os.fsdecode(dst)).name == "previous":
            raise OSError(errno.EIO, "Input/output error", os.fspath(dst))
        real_replace(src, dst, **kwargs)

    def rmdir(path: Any, *args: Any, **kwargs: Any) -> None:
        # ... and the aside folder cannot be removed either (busy).
        if Path(os.fsdecode(path)).name.endswith(".old"):
            raise OSError(errno.EBUSY, "Device or resource busy", os.fspath(path))
        real_rmdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "rmdir", rmdir)
    with pytest.raises(OSError) as info:
        export_corpus(done_corpus, ExportOptions("jsonl", out, force=True))
    # The error that stopped the export is the one reported, not the failed clean-up.
    assert info.value.errno == errno.EIO and "Input/output error" in str(info.value)
    assert tree(out) == previous


def test_force_replaces_a_previous_extraction_benchmark_export(corpus: Corpus, tmp_path: Path) -> None:
    text = "Body of the page with Alice Kim in it.\n"
    meta = DocumentMeta(
        doc_id="page", text_sha256=sha256_text(text), chars=len(text), source="page.html",
        source_format="html", url="https://h.example/page", encoding="utf-8",
        html_source="page.source.html.gz",
    )
    corpus.add_document(text, meta, gzip.compress(f"<html><body>{text}</body></html>".encode(), mtime=0))
    annotate(corpus, "page", small_article(text, "Alice Kim"))
    out = tmp_path / "bench"
    export_corpus(corpus, ExportOptions("extraction-benchmark", out))
    first = tree(out)
    assert "html/page.html.gz" in first
    # The html/ folder was written by that export (manifest "html/page.html.gz"): --force
    # may replace it.
    result = export_corpus(corpus, ExportOptions("extraction-benchmark", out, force=True))
    assert result.exported == 1
    assert sorted(tree(out)) == sorted(first)


def test_jobs_1_prepares_here_and_jobs_2_in_worker_processes(
    done_corpus: Corpus,  # noqa: F811
) -> None:
    job = Job(str(done_corpus.root), "gold", ("done",), False, False, frozenset({"PER"}))
    ids = done_corpus.doc_ids()
    before = set(multiprocessing.active_children())
    here = prepare_documents(job, done_corpus, ids, jobs=1)
    first_here = next(here)
    assert set(multiprocessing.active_children()) == before  # jobs=1: no worker started
    here.close()
    pooled = prepare_documents(job, done_corpus, ids, jobs=2)
    first_pooled = next(pooled)  # the pool is open while the generator waits here
    try:
        # At least one: a pool that starts its workers on demand has one task to give here.
        assert set(multiprocessing.active_children()) - before
    finally:
        pooled.close()  # shuts the pool down
    assert isinstance(first_here, Prepared) and isinstance(first_pooled, Prepared)
    assert first_pooled.line == first_here.line


def test_a_bad_split_name_is_said_word_for_word() -> None:
    with pytest.raises(SplitSpecError) as info:
        parse_split_spec("a/b=1")
    assert str(info.value) == "'a/b': split names are letters, digits, '_' and '-'"


# ---------------------------------------------------------------------------- import


def test_an_end_tag_with_nothing_left_open_closes_nothing_when_flattening() -> None:
    at_limit = "<div>" * MAX_DEPTH
    # Past the limit <b> and <i> go, their text stays. The second </b> closes nothing that is
    # open, so the divs stay open and <i> is still past the limit: "xyz" only.
    assert flatten_html(at_limit + "<b>x</b></b><i>y</i>z") == at_limit + "xyz"


def test_a_doccano_document_names_its_file_and_line_as_source(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "dc.jsonl"
    path.write_text('{"id": 7, "text": "Kim met Lee.", "label": [[0, 3, "PER"]]}\n', "utf-8")
    report = import_paths(corpus, [path])
    assert report.problems == []
    meta = corpus.read_meta("7")
    assert (meta.source, meta.extra) == (f"{path}:1", {"source_tool": "doccano"})


def test_a_jsonl_file_starting_with_a_byte_order_mark_imports(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"id": "b1", "text": "A page with a BOM."}\n')
    report = import_paths(corpus, [path])
    assert report.problems == []
    assert corpus.doc_ids() == ["b1"]
    assert corpus.read_text("b1") == "A page with a BOM."
    assert corpus.read_meta("b1").source == f"{path}:1"


def test_a_span_offset_problem_names_the_span_by_its_id(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "off.jsonl"
    line = {
        "id": "o1", "text": "Park met Choi.",  # 14 characters
        "spans": [
            {"id": "e1", "start": 8, "end": 40, "label": "PER"},
            {"start": 0, "end": 3, "label": "PER", "text": "Lee"},  # no id: its index
        ],
    }
    path.write_bytes(orjson.dumps(line) + b"\n")
    report = import_paths(corpus, [path])
    assert [(p.path, p.line, p.message) for p in report.problems] == [(
        str(path), 1,
        "span e1: [8, 40) is not inside the text (0..14); "
        "span #1: its text 'Lee' is not the text at [0, 3): 'Par'",
    )]
    assert corpus.doc_ids() == []
