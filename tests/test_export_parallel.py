"""Exports prepared in worker processes are the same bytes as exports prepared in one."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from annotator.corpus import AnnotationFileError, Corpus, CorpusError
from annotator.export import ExportOptions, export_corpus
from annotator.export import prepare as prepare_module
from annotator.rules import Problem
from tests.test_export import export_corpus_dir, run_cli  # noqa: F401 (a fixture)


def files_of(folder: Path) -> dict[str, bytes]:
    # The manifest holds the export's time: compared without it.
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.name not in ("manifest.json", "README.md")
    }


def manifest_without_time(folder: Path) -> dict[str, object]:
    import json

    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    manifest.pop("created", None)
    manifest.pop("exported_at", None)
    manifest["files"].pop("README.md")  # the card names the time of the export
    return manifest


@pytest.mark.parametrize(
    ("format_", "split"),
    [("jsonl", None), ("jsonl", [("train", 0.6), ("dev", 0.2), ("test", 0.2)]), ("conll", None)],
    ids=["jsonl", "jsonl-split", "conll"],
)
def test_two_workers_write_what_one_process_writes(
    export_corpus_dir: Corpus,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    format_: str,
    split: list[tuple[str, float]] | None,
) -> None:
    # Two documents per task: the order of the answers from several tasks is tested.
    monkeypatch.setattr(prepare_module, "CHUNK", 2)
    one = export_corpus(
        export_corpus_dir, ExportOptions(format_, tmp_path / "one", splits=split, jobs=1)
    )
    two = export_corpus(
        export_corpus_dir, ExportOptions(format_, tmp_path / "two", splits=split, jobs=2)
    )
    assert one.exported == two.exported == 7  # seed + d0..d5
    assert files_of(tmp_path / "one") == files_of(tmp_path / "two")
    assert manifest_without_time(tmp_path / "one") == manifest_without_time(tmp_path / "two")
    assert [left.to_json() for left in one.excluded] == [left.to_json() for left in two.excluded]
    assert {left.doc_id for left in two.excluded} == {"todo1", "broken", "none"}


def test_the_workers_see_every_document_in_order(
    export_corpus_dir: Corpus,  # noqa: F811
) -> None:
    job = prepare_module.Job(
        str(export_corpus_dir.root), "gold", ("done",), False, False, frozenset({"PER"})
    )
    ids = export_corpus_dir.doc_ids()
    serial = list(prepare_module.prepare_documents(job, export_corpus_dir, ids, jobs=1))
    parallel = list(prepare_module.prepare_documents(job, export_corpus_dir, ids, jobs=2))
    names = [getattr(item, "doc_id", None) or item.summary.doc_id for item in parallel]
    assert names == ids
    assert [getattr(i, "line", None) for i in serial] == [getattr(i, "line", None) for i in parallel]


def test_corpus_errors_cross_back_from_a_worker_whole() -> None:
    error = pickle.loads(pickle.dumps(CorpusError("docs/a.json", "not valid utf-8")))
    assert (type(error), str(error), error.path, error.message) == (
        CorpusError, "docs/a.json: not valid utf-8", "docs/a.json", "not valid utf-8"
    )
    problems = [Problem("overlap", "spans overlap", span_id="s2")]
    file_error = pickle.loads(pickle.dumps(AnnotationFileError("ann/x.json", problems)))
    assert type(file_error) is AnnotationFileError
    assert str(file_error) == "ann/x.json: span s2: spans overlap"
    assert [p.path for p in file_error.problems] == ["ann/x.json"]


def test_jobs_out_of_range_is_a_usage_error(
    export_corpus_dir: Corpus, tmp_path: Path  # noqa: F811
) -> None:
    root = str(export_corpus_dir.root)
    out = str(tmp_path / "out")
    assert run_cli("export", root, "--format", "jsonl", "--out", out, "--jobs", "0") == 2
    assert not (tmp_path / "out").exists()
    # Documents left out (one broken, one unfinished, one never annotated): exit 1, either way.
    assert run_cli("export", root, "--format", "jsonl", "--out", out, "--jobs", "2") == 1
    serial = str(tmp_path / "serial")
    assert run_cli("export", root, "--format", "jsonl", "--out", serial, "--jobs", "1") == 1
    assert files_of(tmp_path / "out") == files_of(tmp_path / "serial")
    assert any(name.endswith(".jsonl") for name in files_of(tmp_path / "out"))
