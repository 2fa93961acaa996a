"""Export internals pinned by what they write: the worker processes' share of an export, a
spaCy export whose first split is empty, and ``doc.cats`` keyed ``NAME=VALUE`` when two
document labels share a value; the dataset card word for word, CoNLL sentences that never
break inside a span, the option errors, a failed publish whose clean-up fails too, a full chunk
written before ``close`` and hosts with a trailing dot. Written against mutmut's survivors of
``annotator/export/``.

The workers of :func:`annotator.export.prepare.prepare_documents` run in other processes,
where mutmut cannot see which test ran them; the worker test runs the same pool code with
a thread pool (same ``initializer`` / ``submit`` contract) so that the work is done, and
checked, in this process. ``tests/test_export_parallel.py`` checks the real processes.

Equivalent mutants (no observable behaviour changes):

- ``annotator.export.output`` ``HashingFile._send`` 15 drops the ``name`` of the background
  writing thread: the name is seen only by a debugger listing threads; the file's bytes,
  hash, size and errors are the same.
"""

from __future__ import annotations

import errno
import hashlib
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotator import __version__
from annotator.corpus import Corpus
from annotator.export import ExportError, ExportOptions, export_corpus
from annotator.export import prepare as prepare_module
from annotator.export.conll import DOCSTART, ConllWriter, conll_block
from annotator.export.output import FileInfo, HashingFile
from annotator.export.prepare import Job, Prepared, prepare_documents
from annotator.export.spacy_docbin import SPACY_HINT, SpacyWriter
from annotator.export.splits import site_of
from annotator.export.tokenize import default_tokenize
from annotator.model import DocLabelDef, LabelDef, LabelScheme, Layer
from tests.test_export import export_corpus_dir  # noqa: F401 (a fixture)
from tests.test_export_publish import done_corpus, fail_publishing, tree  # noqa: F401 (a fixture)


def test_the_workers_prepare_every_document_as_one_process_does(
    export_corpus_dir: Corpus,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(prepare_module, "ProcessPoolExecutor", ThreadPoolExecutor)
    monkeypatch.setattr(prepare_module, "_worker", None)  # put back after the test
    monkeypatch.setattr(prepare_module, "CHUNK", 2)  # several tasks, answered in order
    job = Job(str(export_corpus_dir.root), "gold", ("done",), False, False, frozenset({"PER"}))
    ids = export_corpus_dir.doc_ids()
    serial = list(prepare_documents(job, export_corpus_dir, ids, jobs=1))
    pooled = list(prepare_documents(job, export_corpus_dir, ids, jobs=2))
    assert [p.line for p in pooled if isinstance(p, Prepared)] == [
        p.line for p in serial if isinstance(p, Prepared)
    ]
    assert len([p for p in pooled if isinstance(p, Prepared)]) == 7  # seed + d0..d5
    assert [(p.doc_id, p.reason) for p in pooled if not isinstance(p, Prepared)] == [
        (p.doc_id, p.reason) for p in serial if not isinstance(p, Prepared)
    ]


def two_doc_labels_sharing_a_value() -> LabelScheme:
    return LabelScheme(
        name="t",
        layers=[Layer(name="entity", labels=[LabelDef(name="PER", color="#112233")])],
        doc_labels=[
            DocLabelDef(name="page_type", values=["article", "other"]),
            DocLabelDef(name="quality", values=["good", "other"]),
        ],
    )


def record(doc_id: str, split: str | None) -> dict[str, Any]:
    return {
        "id": doc_id, "url": f"https://x.test/{doc_id}", "split": split, "text": "Kim met Lee.",
        "spans": [{"start": 0, "end": 3, "label": "PER", "attrs": {}}],
        "doc_labels": {"page_type": "article", "quality": "other"},
    }


def test_spacy_files_of_later_splits_are_written_when_the_first_is_empty(tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    writer = SpacyWriter(tmp_path, ["train", "dev", "test"], two_doc_labels_sharing_a_value(), ("entity",), default_tokenize)
    writer.write(record("a", "dev"))
    writer.write(record("b", "test"))
    assert list(writer.close()) == ["dev.spacy", "test.spacy"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dev.spacy", "test.spacy"]
    vocab = spacy.blank("xx").vocab
    docs = list(DocBin().from_disk(tmp_path / "test.spacy").get_docs(vocab))
    assert [(d.user_data["id"], d.user_data["split"]) for d in docs] == [("b", "test")]


def test_spacy_cats_name_the_label_when_two_labels_share_a_value(tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    writer = SpacyWriter(tmp_path, [], two_doc_labels_sharing_a_value(), ("entity",), default_tokenize)
    writer.write(record("a", None))  # no splits: the one "data" file
    writer.close()
    (doc,) = DocBin().from_disk(tmp_path / "data.spacy").get_docs(spacy.blank("xx").vocab)
    assert doc.cats == {
        "page_type=article": 1.0, "page_type=other": 0.0, "quality=good": 0.0, "quality=other": 1.0,
    }
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [(0, 3, "PER")]


def test_the_dataset_card_reads_exactly_so(done_corpus: Corpus, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "out"
    export_corpus(done_corpus, ExportOptions("jsonl", out))
    created = orjson.loads((out / "manifest.json").read_bytes())["created"]
    jsonl_files = (
        "One JSON object per line and document (schema: `schemas/export-record.schema.json` of "
        "article-annotator): `id`, `url`, `text`, `status`, `annotator`, `doc_labels` (object), "
        "`spans` (`id`, `start`, `end`, `label`, `text`, `attrs`), `articles` (`span_id`, "
        "`start`, `end`, `role`, `title`, `subtitle`, `byline`, `date`, `clean_text`, `body`, "
        "`clean_map`, `entities`) and `split`. Offsets are half-open, in Unicode code points: "
        "`text[start:end] == span text`."
    )
    assert (out / "README.md").read_text("utf-8") == "\n".join([
        "---",
        "license: unknown",
        'pretty_name: "test (jsonl export)"',
        "tags:",
        "- article-annotator",
        "configs:",
        "- config_name: default",
        "  data_files:",
        "  - split: train",
        '    path: "data.jsonl"',
        "---",
        "",
        "# test: jsonl export",
        "",
        f"Exported by article-annotator {__version__} on {created} from the corpus `test`: the "
        "annotations of `gold` with status done, 1 document(s), 0 article(s).",
        "",
        "## Files",
        "",
        jsonl_files,
        "",
        "`manifest.json` lists every file with its sha256, the label scheme, the options, the "
        "counts and the documents left out with their reasons.",
        "",
        "## Splits",
        "",
        "Documents are split by site (url host), so no site is in two splits.",
        "",
        "| split | documents | sites | articles |",
        "|---|---:|---:|---:|",
        "| data | 1 | 1 | 0 |",
        "",
        "Spans per label: none.",
        "",
        "## Loading",
        "",
        "```python",
        "import datasets",
        "ds = datasets.load_dataset(\"json\", data_files={'train': 'data.jsonl'})",
        "# or: datasets.load_dataset(THIS_FOLDER)",
        "```",
        "",
        "## Licence",
        "",
        "The corpus records no licence, hence `license: unknown` above: set it (an SPDX id, or "
        "`other` with a note) before publishing. The texts are web pages whose copyright stays "
        "with their publishers; the annotations are the annotators'.",
        "",
        "## How it was made",
        "",
        "Pages were imported into an article-annotator corpus, annotated (spans in code-point "
        "offsets, document labels), checked against the label scheme and exported with these "
        "options:",
        "",
        "```json",
        "{",
        '  "format": "jsonl",',
        '  "source": "gold",',
        '  "status": [',
        '    "done"',
        "  ],",
        '  "split": null,',
        '  "seed": 0,',
        '  "allow_incomplete": false',
        "}",
        "```",
        "",
    ])


def test_conll_never_breaks_a_sentence_inside_a_span() -> None:
    # "Dr." ends like a sentence and the title runs over a line break; both stay in their span.
    text = "Dr. Kim met Lee.\nThe New\nYork Times"
    spans = [(0, 7, "PER"), (21, 35, "ORG")]
    assert conll_block(text, spans, default_tokenize) == (
        "Dr B-PER\n. I-PER\nKim I-PER\nmet O\nLee O\n. O\n\n"
        "The O\nNew B-ORG\nYork I-ORG\nTimes I-ORG\n\n"
    )


def test_a_conll_writer_writes_whole_documents_unless_told_otherwise(tmp_path: Path) -> None:
    writer = ConllWriter(tmp_path, [], frozenset({"PER"}), default_tokenize)
    writer.write({
        "id": "a", "split": None, "text": "Kim met Lee.",
        "spans": [{"start": 0, "end": 3, "label": "PER"}],
        "articles": [],  # no article: a per-article writer would write nothing
    })
    assert list(writer.close()) == ["data.conll"]
    assert (tmp_path / "data.conll").read_text("utf-8") == (
        DOCSTART + "Kim B-PER\nmet O\nLee O\n. O\n\n"
    )
    assert writer.documents == {"data": ["a"]}


def test_an_unknown_conll_text_names_the_choices(corpus: Corpus, tmp_path: Path) -> None:
    with pytest.raises(ExportError) as info:
        export_corpus(corpus, ExportOptions("conll", tmp_path / "out", conll_text="sentences"))
    assert str(info.value) == "conll text must be one of document, articles"
    assert not (tmp_path / "out").exists()


def test_the_extraction_benchmark_refuses_splits(corpus: Corpus, tmp_path: Path) -> None:
    options = ExportOptions("extraction-benchmark", tmp_path / "out", splits=[("train", 1.0)])
    with pytest.raises(ExportError) as info:
        export_corpus(corpus, options)
    assert str(info.value) == "the extraction-benchmark format has no splits: leave out --split"
    assert not (tmp_path / "out").exists()


def test_a_spacy_export_without_spacy_says_how_to_install(
    corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In this process (tests/test_export_formats.py checks the command in a subprocess).
    monkeypatch.setitem(sys.modules, "spacy", None)  # `import spacy` now fails
    with pytest.raises(ExportError) as info:
        export_corpus(corpus, ExportOptions("spacy", tmp_path / "out"))
    assert str(info.value) == SPACY_HINT
    assert "pip install 'article-annotator[spacy]'" in SPACY_HINT
    assert not (tmp_path / "out").exists()


def test_a_failed_publish_reports_its_own_error_when_the_aside_folder_cannot_go(
    done_corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    out = tmp_path / "out"
    export_corpus(done_corpus, ExportOptions("jsonl", out))
    previous = tree(out)
    fail_publishing(monkeypatch, out)  # the staging folder cannot become --out (EIO)
    real_rmdir = os.rmdir

    def rmdir(path: Any, *args: Any, **kwargs: Any) -> None:
        # The emptied aside folder cannot be removed either (a busy network share).
        if Path(os.fsdecode(path)).name.endswith(".old"):
            raise OSError(errno.EBUSY, "Device or resource busy", os.fspath(path))
        real_rmdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "rmdir", rmdir)
    with pytest.raises(OSError) as info:
        export_corpus(done_corpus, ExportOptions("jsonl", out, force=True))
    # The error that stopped the export is the one reported, not the failed clean-up.
    assert info.value.errno == errno.EIO and "Input/output error" in str(info.value)
    assert tree(out) == previous
    # Only the emptied aside folder is left behind.
    (aside,) = [p for p in tmp_path.iterdir() if p.name.endswith(".old")]
    assert list(aside.iterdir()) == []


def test_a_full_chunk_reaches_the_disk_before_the_file_is_closed(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    data = b"x" * HashingFile.chunk_size  # exactly one chunk
    handle = HashingFile(path)
    handle.write(data)
    deadline = time.monotonic() + 10
    try:
        while path.stat().st_size < len(data) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert path.stat().st_size == len(data)  # written while the producer goes on
    finally:
        info = handle.close()
    assert info == FileInfo(hashlib.sha256(data).hexdigest(), len(data))
    assert path.read_bytes() == data


def test_a_host_loses_its_trailing_dot_not_a_leading_one() -> None:
    assert site_of("https://www.Example.COM./page", "d1") == "example.com"
    assert site_of("https://user@www.example.com./x", "d2") == "example.com"  # via urlsplit
    assert site_of("https://example.com/", "d3") == "example.com"
