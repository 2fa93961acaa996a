"""Export details pinned by what they write, from the eighth sample of mutmut's survivors
(issue #10): brat's count of attribute values it cannot carry, a jsonl export that needs no
pyarrow, the parquet table's part labels and file hashes, spaCy spans trimmed of their edge
whitespace, a leftover staging folder without an owner, and the error reported when the
owner file of a new staging folder cannot be written.

Equivalent mutants (no observable behaviour changes):

- ``annotator.export.exporter`` ``export_corpus`` 107 (``zip(..., strict=None)`` over the
  spooled records): the spool holds exactly one line per summary (each record is one
  ``orjson`` line, which never holds a raw newline, written in the same loop that appends
  the summary), so the two never differ in length and ``strict`` is never tested.
- ``annotator.export.exporter`` ``export_corpus`` 152 (``model_dump(mode="XXjsonXX")``):
  pydantic takes any mode but ``"json"`` as ``"python"``, and every manifest field is
  already JSON-native (str, int, bool, float, lists and dicts of them; ``options`` is
  built from lists and dicts), so ``orjson`` writes the same bytes from either dump.
"""

from __future__ import annotations

import errno
import hashlib
import os
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotator.corpus import Corpus
from annotator.export import ExportError, ExportOptions, export_corpus
from annotator.export.parquet import PYARROW_HINT
from annotator.export.spacy_docbin import SpacyWriter
from annotator.export.tokenize import default_tokenize
from annotator.model import Span
from tests.conftest import add_text
from tests.test_export import annotate, small_article

TEXT = "Kim met Lee in Seoul.\nBy Jane Roe, AP\n"


def done_doc(corpus: Corpus) -> None:
    """One done gold document: an article over the whole text with the entity ``Lee``."""
    add_text(corpus, "d1", TEXT)
    annotate(corpus, "d1", small_article(TEXT, "Lee"))


def test_brat_counts_each_attribute_value_it_leaves_out_once(corpus: Corpus, tmp_path: Path) -> None:
    add_text(corpus, "d1", TEXT)
    by0 = TEXT.index("By Jane")
    by1 = by0 + len("By Jane Roe, AP")
    spans = [
        *small_article(TEXT, "Lee"),
        # Two byline values (a list and a text): no A line can carry them.
        Span(
            id="b1", start=by0, end=by1, label="byline", text=TEXT[by0:by1],
            attrs={"authors": ["Jane Roe"], "agency": "AP"},
        ),
    ]
    annotate(corpus, "d1", spans)
    out = tmp_path / "brat"
    assert export_corpus(corpus, ExportOptions("brat", out)).exported == 1
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    # 2 values left out (authors, agency); the article's role is a choice and has its A line.
    # 1 document label (page_type, set by annotate).
    assert manifest["warnings"] == [
        "brat A lines carry choice attributes only: 2 other attribute value(s) were left out",
        "brat has no document labels: 1 were left out",
    ]
    assert (out / "data" / "d1.ann").read_text("utf-8").splitlines()[-1] == "A1\trole T1 main"


def test_a_jsonl_export_needs_no_pyarrow(
    corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    done_doc(corpus)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # `import pyarrow` now fails
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    result = export_corpus(corpus, ExportOptions("jsonl", tmp_path / "js"))
    assert result.exported == 1
    assert [r["id"] for r in map(orjson.loads, (tmp_path / "js" / "data.jsonl").read_bytes().splitlines())] == ["d1"]
    # Only parquet asks for it, before anything is written.
    with pytest.raises(ExportError) as info:
        export_corpus(corpus, ExportOptions("parquet", tmp_path / "pq"))
    assert str(info.value) == PYARROW_HINT
    assert not (tmp_path / "pq").exists()


def test_parquet_keeps_part_labels_and_lists_each_files_hash(corpus: Corpus, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    add_text(corpus, "d1", TEXT)
    t1 = TEXT.index("\n")  # the first line as the article's title
    spans = [
        *small_article(TEXT, "Lee"),
        Span(id="t1", start=0, end=t1, label="title", text=TEXT[:t1]),
    ]
    annotate(corpus, "d1", spans)
    out = tmp_path / "pq"
    export_corpus(corpus, ExportOptions("parquet", out))
    (row,) = pq.read_table(out / "data.parquet").to_pylist()
    (article,) = row["articles"]
    # Parts and entities are structs of the same type, whose label field is "label".
    assert article["title"]["label"] == "title"
    assert article["title"]["text"] == "Kim met Lee in Seoul."
    assert [(e["label"], e["text"]) for e in article["entities"]] == [("PER", "Lee")]
    data = (out / "data.parquet").read_bytes()
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert manifest["files"]["data.parquet"] == {
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }


def test_spacy_shrinks_a_span_with_edge_whitespace_to_its_words(
    corpus: Corpus, tmp_path: Path
) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    writer = SpacyWriter(tmp_path, [], corpus.scheme, ("entity",), default_tokenize)
    writer.write(
        {
            "id": "d1", "url": None, "split": None, "text": "Kim met Lee.",
            # " met" starts on the space after Kim, which is no token's start in spaCy.
            "spans": [{"start": 3, "end": 7, "label": "PER", "attrs": {}}],
            "doc_labels": {},
        }
    )
    assert list(writer.close()) == ["data.spacy"]
    assert writer.warnings == [
        "1 span(s) began or ended with whitespace: their spaCy span holds the words inside"
    ]
    (doc,) = DocBin().from_disk(tmp_path / "data.spacy").get_docs(spacy.blank("xx").vocab)
    assert [(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents] == [
        (4, 7, "met", "PER")
    ]


def test_a_leftover_staging_folder_without_an_owner_is_left_alone(
    corpus: Corpus, tmp_path: Path
) -> None:
    done_doc(corpus)
    out = tmp_path / "out"
    # Made by an older version (no .owner): nobody can tell whether its export still runs.
    stranger = tmp_path / ".out.0123456789ab.partial"
    stranger.mkdir()
    (stranger / "data.jsonl").write_bytes(b"{}\n")
    assert export_corpus(corpus, ExportOptions("jsonl", out)).exported == 1
    assert (out / "data.jsonl").exists()
    assert (stranger / "data.jsonl").read_bytes() == b"{}\n"


def test_an_owner_file_that_cannot_be_written_is_the_error_reported(
    corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    done_doc(corpus)
    out = tmp_path / "out"
    real_write_bytes = Path.write_bytes
    real_rmdir = os.rmdir

    def write_bytes(self: Path, data: Any) -> int:
        if self.name == ".owner":  # a full disk
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_write_bytes(self, data)

    def rmdir(path: Any, *args: Any, **kwargs: Any) -> None:
        # The new staging folder cannot be removed either (a busy network share).
        if Path(os.fsdecode(path)).name.endswith(".partial"):
            raise OSError(errno.EBUSY, "Device or resource busy", os.fspath(path))
        real_rmdir(path, *args, **kwargs)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    monkeypatch.setattr(os, "rmdir", rmdir)
    with pytest.raises(OSError) as info:
        export_corpus(corpus, ExportOptions("jsonl", out))
    # The error that stopped the export, naming the file as if in --out; not the clean-up's.
    assert info.value.errno == errno.ENOSPC
    assert str(info.value) == f"[Errno 28] No space left on device: '{out / '.owner'}'"
    assert not out.exists()
    (staging,) = [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    assert list(staging.iterdir()) == []
