"""Export internals pinned by what they write: the worker processes' share of an export, a
spaCy export whose first split is empty, and ``doc.cats`` keyed ``NAME=VALUE`` when two
document labels share a value. Written against mutmut's survivors of ``annotator/export/``.

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

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from annotator.corpus import Corpus
from annotator.export import prepare as prepare_module
from annotator.export.prepare import Job, Prepared, prepare_documents
from annotator.export.spacy_docbin import SpacyWriter
from annotator.export.tokenize import default_tokenize
from annotator.model import DocLabelDef, LabelDef, LabelScheme, Layer
from tests.test_export import export_corpus_dir  # noqa: F401 (a fixture)


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
