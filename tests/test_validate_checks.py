"""`annotator validate` reports the problems that are not in any one file's content: files
without their document, documents without their meta, CR characters in a text, files that do
not belong in an annotation folder. Each case: exit code 1, the problem's code, and the very
file named (README "annotator validate"); nothing else reported, nothing modified."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from annotator.corpus import Corpus
from tests.cli_helpers import run
from tests.conftest import add_text

TEXT = "Title line\nBy Jane Doe in Seoul\nBody."


@pytest.fixture
def clean(corpus: Corpus) -> Corpus:
    """One document with a valid annotation by alice and a gold file: no problems."""
    add_text(corpus, "doc1", TEXT)
    corpus.save_annotation(corpus.new_annotation("alice", "doc1"))
    corpus.save_annotation(corpus.new_annotation("gold", "doc1"), annotator="gold")
    return corpus


def validate(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[tuple[str, str]]]:
    code, out, _err = run(capsys, "validate", str(corpus.root), "--json")
    report = orjson.loads(out)
    assert report["ok"] is (code == 0)
    return code, [(p["code"], p["path"]) for p in report["problems"]]


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_clean_corpus_has_no_problem(clean: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate(clean, capsys) == (0, [])


def _annotation_bytes(corpus: Corpus, annotator: str, doc_id: str) -> bytes:
    return corpus.new_annotation(annotator, "doc1", TEXT).model_copy(update={"doc_id": doc_id}).to_json_bytes()


def orphan_text(c: Corpus) -> Path:
    path = c.documents_dir / "ghost.txt"  # an import killed before its meta
    path.write_text("half imported", "utf-8")
    return path


def orphan_html(c: Corpus) -> Path:
    path = c.documents_dir / "ghost.source.html.gz"
    path.write_bytes(b"\x1f\x8b")
    return path


def annotation_without_document(c: Corpus) -> Path:
    path = c.annotation_path("alice", "ghost")
    path.write_bytes(_annotation_bytes(c, "alice", "ghost"))
    return path


def gold_without_document(c: Corpus) -> Path:
    path = c.annotation_path("gold", "ghost")
    path.write_bytes(_annotation_bytes(c, "gold", "ghost"))
    return path


def stray_in_annotator_folder(c: Corpus) -> Path:
    path = c.annotator_dir("alice") / "notes.txt"
    path.write_text("my notes", "utf-8")
    return path


def stray_json_with_a_bad_name(c: Corpus) -> Path:
    path = c.annotator_dir("alice") / "doc1 (copy).json"  # a file manager's copy
    path.write_bytes(c.annotation_path("alice", "doc1").read_bytes())
    return path


def stray_in_gold(c: Corpus) -> Path:
    path = c.gold_dir / "README"
    path.write_text("adjudicated by carol", "utf-8")
    return path


CASES: dict[str, tuple[str, Callable[[Corpus], Path]]] = {
    "orphan text": ("orphan", orphan_text),
    "orphan html": ("orphan", orphan_html),
    "annotation without document": ("no-document", annotation_without_document),
    "gold without document": ("no-document", gold_without_document),
    "stray file in an annotator folder": ("stray-file", stray_in_annotator_folder),
    "stray json with a bad name": ("stray-file", stray_json_with_a_bad_name),
    "stray file in gold": ("stray-file", stray_in_gold),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_problem_is_reported_with_its_code_and_file(
    clean: Corpus, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code_expected, make = CASES[case]
    path = make(clean)
    files = snapshot(clean.root)
    code, problems = validate(clean, capsys)
    assert (code, problems) == (1, [(code_expected, str(path))])
    assert snapshot(clean.root) == files  # validate never modifies


@pytest.mark.parametrize("text", ["Title\r\nBody.", "Old Mac\rline"], ids=["crlf", "cr"])
def test_cr_characters_in_a_text_are_reported(
    corpus: Corpus, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A text edited by hand (or imported by an older tool) with CR: offsets from an editor
    that shows CRLF as one line break would not match."""
    add_text(corpus, "doc1", text)  # the meta matches the text: only the CR is wrong
    code, problems = validate(corpus, capsys)
    assert (code, problems) == (1, [("crlf", str(corpus.text_path("doc1")))])


def test_the_text_report_names_each_file(clean: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    made = [orphan_text(clean), annotation_without_document(clean), stray_in_annotator_folder(clean)]
    code, out, err = run(capsys, "validate", str(clean.root))
    assert code == 1
    for path, problem in zip(made, ["orphan", "no-document", "stray-file"], strict=True):
        assert any(line.startswith(f"{path}: ") and line.endswith(f"[{problem}]") for line in out.splitlines()), out
    assert "3 problem(s)" in err
