"""Export details pinned by what they write, from the tenth sample of mutmut's survivors
(issue #10): the benchmark page of an import that stripped a byte order mark, nested spans
in CoNLL tags, doccano's count of spans whose attributes it left out, a leftover staging
"folder" that is a symlink, parquet's row groups of 512 rows, and spaCy's warning about
overlapping entities.

Equivalent mutants (no observable behaviour changes):

- ``annotator.agreement.compute`` ``_to_arrays`` 61 (``np.array(columns.ends)`` without
  ``dtype=np.int64``): a list of Python ints is already int64 on the 64-bit platforms this
  runs on, and an empty list (no span at all) gives an empty array whose values are never
  read, so every count and coefficient is the same.
- ``annotator.agreement.report`` ``_table`` 20 (``zip`` without ``strict=True``): every row
  is built with one cell per header column, so the lengths always match.
- ``annotator.agreement.report`` ``format_text`` 67 (``matched_overlap`` default 1): as
  ``format_text`` 52 in tests/test_agreement_report_mutants.py, ``compute_agreement`` sets
  ``matched_overlap`` on every label the table prints, so the default is never used.
- ``annotator.agreement.unitizing`` ``_category_disagreement`` 58 (``.astype(None)``):
  numpy reads a ``None`` dtype as float64, the very type the original names.
- ``annotator.export.conll`` ``conll_block`` 19 (``zip`` without ``strict=True``):
  ``bio_tokens`` returns one tag per token, so the lengths always match.
"""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from annotator.corpus import Corpus
from annotator.export import ExportOptions, export_corpus
from annotator.export.benchmark import utf8_html_gz
from annotator.export.conll import bio_tokens
from annotator.export.output import remove_leftovers
from annotator.export.parquet import BATCH, ParquetWriter
from annotator.export.tokenize import default_tokenize
from tests.conftest import add_text
from tests.test_export import annotate, read_jsonl, small_article

TEXT = "Kim met Lee in Seoul.\n"


def test_a_page_whose_bom_import_stripped_loses_it_in_the_benchmark() -> None:
    # Valid UTF-8 with a BOM (EF BB BF): import decoded it without the BOM and recorded
    # "bom"; the benchmark page must be the text import used, so the BOM goes.
    kept = gzip.compress(b"\xef\xbb\xbf<p>a</p>", mtime=0)
    data = utf8_html_gz(kept, "utf-8", ["bom"])
    assert gzip.decompress(data) == b"<p>a</p>"


def test_a_nested_span_listed_first_still_tags_its_tokens() -> None:
    # "New" (0..3) is listed before its container "New York City" (0..13). Longest first:
    # the container tags all three tokens, then "New" overwrites the first -> B-A, then the
    # container resumes with a new B- on "York" and I- on "City".
    text = "New York City"
    tokens, tags = bio_tokens(text, [(0, 3, "A"), (0, 13, "B")], default_tokenize)
    assert tokens == [(0, 3), (4, 8), (9, 13)]
    assert tags == ["B-A", "B-B", "I-B"]


def test_doccano_counts_every_span_whose_attributes_it_left_out(
    corpus: Corpus, tmp_path: Path
) -> None:
    # Two documents, each with one article span carrying role=main: 2 spans left out.
    for doc_id in ("d1", "d2"):
        add_text(corpus, doc_id, TEXT)
        annotate(corpus, doc_id, small_article(TEXT, "Lee"))
    out = tmp_path / "dc"
    assert export_corpus(corpus, ExportOptions("doccano", out)).exported == 2
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert "doccano has no span attributes: the attributes of 2 span(s) were left out" in (
        manifest["warnings"]
    )


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_leftover_that_is_a_symlink_does_not_stop_the_clean_up(tmp_path: Path) -> None:
    # A ".out.*.partial" entry that is a symlink to a folder with a dead owner: rmtree
    # refuses symlinks, and a clean-up that cannot remove a leftover must not fail.
    out = tmp_path / "out"
    target = tmp_path / "elsewhere"
    target.mkdir()
    owner = {"pid": _dead_pid(), "host": socket.gethostname(), "out": str(out)}
    (target / ".owner").write_bytes(orjson.dumps(owner))
    link = tmp_path / ".out.0123456789ab.partial"
    os.symlink(target, link)
    assert remove_leftovers(out) is False
    assert link.is_symlink()
    assert orjson.loads((target / ".owner").read_bytes()) == owner


def test_parquet_writes_row_groups_of_batch_rows(corpus: Corpus, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    # One real record (from the jsonl export), written BATCH + 1 times: a row group is
    # flushed as soon as BATCH rows are pending, so 512 + 1 rows, not one group of 513.
    add_text(corpus, "d1", TEXT)
    annotate(corpus, "d1", small_article(TEXT, "Lee"))
    export_corpus(corpus, ExportOptions("jsonl", tmp_path / "js"))
    (record,) = read_jsonl(tmp_path / "js" / "data.jsonl")
    folder = tmp_path / "pq"
    folder.mkdir()
    writer = ParquetWriter(folder, [])
    for _ in range(BATCH + 1):
        writer.write(record)
    assert list(writer.close()) == ["data.parquet"]
    meta = pq.ParquetFile(folder / "data.parquet").metadata
    assert BATCH == 512
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [512, 1]


def test_spacy_warns_of_overlapping_entities(corpus: Corpus, tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    add_text(corpus, "d1", TEXT)
    # The article (structure layer, 0..22) holds the entity "Lee": with both layers as
    # --layer the two spans overlap, and spaCy's doc.ents cannot hold both.
    annotate(corpus, "d1", small_article(TEXT, "Lee"))
    out = tmp_path / "sp"
    assert export_corpus(corpus, ExportOptions("spacy", out, layers=("structure", "entity"))).exported == 1
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert (
        "1 document(s) have overlapping spans in the entity layers (--layer): their doc.ents "
        "are empty, the spans are in doc.spans"
    ) in manifest["warnings"]
