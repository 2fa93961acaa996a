"""`annotator validate` and `annotator status`: every kind of broken file is reported by name,
the files are left untouched, and the exit codes follow the contract."""

from __future__ import annotations

import hashlib
from pathlib import Path

import orjson
import pytest

from annotator.cli import main
from annotator.corpus import Corpus
from tests.conftest import add_text

TEXT = "Title line\nBy Jane Doe in Seoul\nBody."


@pytest.fixture
def small(corpus: Corpus) -> Corpus:
    add_text(corpus, "doc1", TEXT)
    return corpus


def write(corpus: Corpus, who: str, doc: str, **changes: object) -> Path:
    """Write an annotation file of ``who`` for ``doc``, with fields overridden by ``changes``."""
    ann = corpus.new_annotation(who, doc).model_dump(mode="json")
    ann.update(changes)
    path = corpus.annotation_path(who, doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(ann))
    return path


def per(start: int, end: int, sid: str = "s1", label: str = "PER", text: str | None = None) -> dict:
    return {"id": sid, "start": start, "end": end, "label": label, "text": TEXT[start:end] if text is None else text, "attrs": {}}


def run_validate(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(["validate", str(corpus.root), "--json"])
    out = capsys.readouterr().out
    return code, orjson.loads(out)


def test_clean_corpus_passes(small: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    write(small, "alice", "doc1", spans=[per(14, 22)])
    code, report = run_validate(small, capsys)
    assert (code, report["ok"], report["problems"]) == (0, True, [])
    assert report["documents"] == 1 and report["annotations"] == 1


BROKEN = {
    "bad-json": lambda c: c.annotation_path("alice", "doc1").write_text("{oops"),
    "schema": lambda c: write(c, "alice", "doc1", status="finished"),
    "out-of-range": lambda c: write(c, "alice", "doc1", spans=[per(30, 40, text="x" * 10)]),
    "text-mismatch": lambda c: write(c, "alice", "doc1", spans=[per(0, 5, text="Tible")]),
    "overlap": lambda c: write(c, "alice", "doc1", spans=[per(14, 22), per(17, 22, "s2")]),
    "not-inside": lambda c: write(c, "alice", "doc1", spans=[per(0, 10, label="title")]),
    "unknown-label": lambda c: write(c, "alice", "doc1", spans=[per(14, 22, label="PERSON")]),
    "unknown-attr": lambda c: write(c, "alice", "doc1", spans=[{**per(14, 22), "attrs": {"gender": "f"}}]),
    "hash-mismatch": lambda c: write(c, "alice", "doc1", text_sha256=hashlib.sha256(b"other").hexdigest()),
    "wrong-doc": lambda c: write(c, "alice", "doc1", doc_id="doc2"),
    "wrong-annotator": lambda c: write(c, "alice", "doc1", annotator="bob"),
    "no-document": lambda c: write(c, "alice", "doc1").rename(c.annotation_path("alice", "ghost")),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_each_kind_of_broken_file_is_reported_and_left_untouched(
    small: Corpus, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    small.annotation_path("alice", "doc1").parent.mkdir(parents=True, exist_ok=True)
    BROKEN[kind](small)
    files = {p: p.read_bytes() for p in small.root.rglob("*") if p.is_file()}
    code, report = run_validate(small, capsys)
    assert code == 1 and not report["ok"]
    problem_codes = [p["code"] for p in report["problems"]]
    assert kind in problem_codes
    assert all(p["path"] and p["path"].startswith(str(small.root)) for p in report["problems"])
    assert {p: p.read_bytes() for p in small.root.rglob("*") if p.is_file()} == files


def test_document_level_problems(small: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    (small.documents_dir / "doc1.txt").write_text(TEXT + " edited")
    (small.documents_dir / "notes.docx").write_text("x")
    code, report = run_validate(small, capsys)
    assert code == 1
    assert sorted(p["code"] for p in report["problems"]) == ["hash-mismatch", "stray-file"]


def test_text_output_names_file_and_span(small: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(small, "alice", "doc1", spans=[per(0, 5, text="Tible")])
    assert main(["validate", str(small.root)]) == 1
    captured = capsys.readouterr()
    assert f"{path}: span s1: text[0:5] is 'Title', the span says 'Tible' [text-mismatch]" in captured.out
    assert "1 problem(s)" in captured.err


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "missing")]) == 2
    assert "no such folder" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["validate"])
    assert info.value.code == 2


def test_status_counts_per_annotator(small: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    add_text(small, "doc2", "Another text")
    add_text(small, "doc3", "Third text")
    write(small, "alice", "doc1", status="done")
    write(small, "alice", "doc2", status="in_progress")
    write(small, "bob", "doc1", status="skipped")
    write(small, "gold", "doc1", status="done")
    assert main(["status", str(small.root), "--json"]) == 0
    report = orjson.loads(capsys.readouterr().out)
    assert report["documents"] == 3
    assert report["annotators"]["alice"] == {"todo": 1, "in_progress": 1, "done": 1, "skipped": 0}
    assert report["annotators"]["bob"] == {"todo": 2, "in_progress": 0, "done": 0, "skipped": 1}
    assert report["annotators"]["gold"]["done"] == 1
    assert main(["status", str(small.root)]) == 0
    table = capsys.readouterr().out
    assert "alice" in table and "33%" in table
